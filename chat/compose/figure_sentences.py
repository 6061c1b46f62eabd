"""Figure answers read from sentences, beside the target rows (chat/compose/figures.py): when a retrieved
sentence says more of the topic than the best row (打造“1小时武陵山旅游圈”), when no row fits the topic or the
period asked (十年禁渔; 森林覆盖率保持稳定 for 2030), and for 哪一年. Each gives the sentence cited, or says
plainly that the plan gives no such number (建议原文未给出这一具体数字) with the plan's related wording."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chat.compose.extractive import Draft, marker
from chat.retrieval.retrieve import Retrieval
from chat.understanding.measures import MEASURES, PERCENT_ASKED_RE, measure_of
from chat.understanding.query import Period, Query
from ingest.targets import Target
from ingest.text.normalize import normalize
from ingest.units import Unit

if TYPE_CHECKING:
    from chat.compose.figures import FigureAnswerer, ScoredRow

YEAR_ASKED_RE = re.compile(r"哪一年|哪年|几几年|什么年份|哪个年份|哪一年份|第几年")
YEAR_RE = re.compile(r"20\d\d年|二〇[一二三四五六七八九〇]{2}年")
STRICT_NUMBER_RE = re.compile(r"多少|几|百分之|比例|占比|数字|数值|好多|好大|哪一年|哪年|多久|多长|多远|多宽|多高|多重")
HAS_NUMBER_RE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+(?:级|倍|次|年|个|大|甲)")   # 三甲: a grade
PERIOD_MARKERS = {Period.GOAL: re.compile(r"2030|十五五|到20\d\d年"), Period.RESULT: re.compile(r"2025|十四五|五年来"),
                  Period.VISION: re.compile(r"2035|远景")}
KIND_OF = {"result": Period.RESULT, "goal": Period.GOAL, "vision": Period.VISION}
PERIOD_NAMES = {Period.GOAL: "“十五五”目标", Period.RESULT: "“十四五”时期", Period.VISION: "远景目标"}


def row_period(row: Target) -> Period | None:
    """The time frame of a row from its kind (result/goal/vision); None for "other"."""
    return KIND_OF.get(row.kind)


def sentence_period(sentence: str) -> Period | None:
    """The time frame a sentence names (2030/十五五 → goal, 2025/十四五/五年来 → result, 2035 → vision)."""
    for period, pattern in PERIOD_MARKERS.items():
        if pattern.search(sentence):
            return period
    return None


class FigureSentences:
    """The sentence-level answers of a ``FigureAnswerer`` (``rows``: its topic keys, shares and units)."""

    def __init__(self, rows: FigureAnswerer):
        self.rows = rows

    def better_covered(self, query: Query, retrieval: Retrieval, best: ScoredRow,
                        may_refuse: bool = True) -> Draft | None:
        """A retrieved sentence that says more of the topic than the best row's own sentence (by
        ``FigureSettings.better_cover_margin`` of its weighted words), in a unit ranked no lower than the row's:
        the question is about that sentence's subject. Its number when it states one of the kind asked near
        the topic (打造“1小时武陵山旅游圈”, not the row 3小时旅游通勤区); plainly no figure when it states none, covers
        at least ``lexical_match`` of the topic and its unit ranks above the row's (养老金 asked: 第14条's
        城乡居民养老保险 sentence, not 第7条's 城乡居民收入比). None otherwise."""
        keys = self.rows.keys(query)
        rank = {id(h.unit): i for i, h in enumerate(retrieval.hits)}
        row_rank = rank.get(id(self.rows.unit_of(best.row)), len(rank))
        floor = self.rows._share(keys, normalize(best.row.sentence)) + self.rows.settings.better_cover_margin
        for sp in self.rows.composer.scored_passages(retrieval, max_units=3)[:10]:
            text = normalize(sp.passage.text)
            unit = self.rows.index.units[sp.passage.unit]
            cover = self.rows._share(keys, text)
            if cover < floor or rank.get(id(unit), len(rank)) > row_rank:
                continue
            if (HAS_NUMBER_RE.search(re.sub(r"^\d{1,3}[.．]", "", text)) and self.has_asked_unit(query, text)
                    and self.states_measure(query, text) and self.number_near_topic(keys, text)):
                return Draft(f"{sp.passage.text}{marker(unit)}", [unit], route="figure-sentence")
            if may_refuse and cover >= self.rows.settings.lexical_match and rank.get(id(unit), len(rank)) < row_rank:
                return Draft(f"建议原文未给出这一具体数字。\n原文的相关表述是：\n- {sp.passage.text}{marker(unit)}",
                             [unit], refused=True, route="figure-none")
        return None

    def period_wording(self, query: Query, retrieval: Retrieval, rows: list[ScoredRow]) -> list[tuple[Unit, str]]:
        """Sentences of the asked period that name the indicator (森林覆盖率保持稳定 in 第7条)."""
        indicator_words = {normalize(w) for w in query.topic if len(w) >= 2}
        indicator_words |= {normalize(rows[0].row.indicator)} if rows else set()
        goal_units = {t.ref + t.doc_id for t in self.rows.index.targets if row_period(t) in query.periods}
        found = []
        for hit in retrieval.hits[:8]:
            unit = hit.unit
            for pid, passage in self.rows.composer.passages_of(hit.unit_idx):
                text = normalize(passage.text)
                if not any(w in text for w in indicator_words):
                    continue
                period = sentence_period(passage.text)
                if ((period in query.periods or (period is None and unit.ref + unit.doc_id in goal_units))
                        and not any(normalize(r.row.figure) in text for r in rows)):
                    found.append((unit, passage.text))
        return found[:2]

    @staticmethod
    def has_asked_unit(query: Query, text: str) -> bool:
        """"多少分" needs a number in 分, "多少人" one in 人 or 万人; a bare "多少" any number."""
        unit = re.sub(r"^(?:多少|几)(?:万|亿|千|百)?", "", query.asks) if query.asks.startswith(("多少", "几")) else ""
        if PERCENT_ASKED_RE.search(normalize(query.text)) and "%" not in text:
            return False
        if not unit or unit == "个":
            return True
        units = "元|亿|万元" if unit in ("钱", "元") else re.escape(unit)
        return re.search(rf"[\d一二三四五六七八九十两百千万亿.]+\s*(?:万|亿|千|百)?(?:{units})", text) is not None

    @staticmethod
    def states_measure(query: Query, text: str) -> bool:
        """``text`` states a number in a unit of the kind of quantity asked (多大面积 → 平方公里, not 350天);
        True when the question names no kind, or one any number may answer."""
        measure = measure_of(normalize(query.text), normalize(query.asks))
        units = MEASURES[measure.name][1] if measure is not None else ()
        if not units or "" in units:
            return True
        pattern = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        return re.search(rf"[\d一二三四五六七八九十两百千万亿.]+\s*(?:{pattern})", text) is not None

    def number_near_topic(self, keys: dict, text: str, reach: int = 20) -> bool:
        """A number within ``reach`` characters of a topic word (or its expansion) in ``text``; when the
        topic names indicators, of one of those."""
        named = self.rows._named_indicators(keys)
        spots = [m.start() for a in (named or [a for _, alts in keys.values() for a in alts if a])
                 for m in re.finditer(re.escape(a), text)]
        numbers = [m.start() for m in HAS_NUMBER_RE.finditer(text)]
        return any(abs(n - s) <= reach for n in numbers for s in spots)

    def sentence_with_number(self, query: Query, retrieval: Retrieval, period: Period | None = None,
                              exclude: tuple[str, ...] = ()) -> Draft | None:
        """A retrieved sentence with a number that covers the topic (and is of ``period`` when given)."""
        keys = self.rows.keys(query)
        for sp in self.rows.composer.scored_passages(retrieval, max_units=3)[:10]:
            text = normalize(sp.passage.text)
            if not HAS_NUMBER_RE.search(re.sub(r"^\d{1,3}[.．]", "", text)) or any(e in text for e in exclude):
                continue
            if period is not None and sentence_period(sp.passage.text) not in (period, None):
                continue
            if period is not None and sentence_period(sp.passage.text) is None:
                unit = self.rows.index.units[sp.passage.unit]
                kinds = {row_period(t) for t in self.rows.index.targets if t.ref == unit.ref and t.doc_id == unit.doc_id}
                if period not in kinds:
                    continue
            if (self.rows._share(keys, text) >= self.rows.settings.match_min and self.has_asked_unit(query, text)
                    and self.number_near_topic(keys, text)):
                unit = self.rows.index.units[sp.passage.unit]
                return Draft(f"{sp.passage.text}{marker(unit)}", [unit], route="figure-sentence")
        return None

    def not_for_period(self, query: Query, retrieval: Retrieval, rows: list[ScoredRow]) -> Draft:
        if len(query.periods) == 1:              # a figure of that period the table did not extract
            found = self.sentence_with_number(query, retrieval, next(iter(query.periods)),
                                               exclude=tuple(normalize(r.row.figure) for r in rows[:3]))
            if found is not None:
                return found
        wanted = "、".join(PERIOD_NAMES[p] for p in sorted(query.periods, key=list(Period).index))
        lines = [f"建议原文未给出该指标{wanted}的具体数值。"]
        units = []
        wording = self.period_wording(query, retrieval, rows)
        if wording:
            lines.append(f"原文对{wanted}的表述是：")
            for unit, sentence in wording:
                lines.append(f"- {sentence}{marker(unit)}")
                units.append(unit)
        others = [r.row for r in rows[:2]]
        lines.append("原文给出的其他时期数值：")
        for row in others:
            lines.append(f"- {self.rows.lead(row)}{marker(self.rows.unit_of(row))}")
            units.append(self.rows.unit_of(row))
        return Draft("\n".join(lines), list({id(u): u for u in units}.values()), refused=True,
                     route="figure-period")

    def year(self, query: Query, retrieval: Retrieval, keys: dict) -> Draft:
        """"哪一年": a retrieved sentence with a year and the topic, or plainly that the plan gives none."""
        for sp in self.rows.composer.scored_passages(retrieval, max_units=3)[:8]:
            text = normalize(sp.passage.text)
            if YEAR_RE.search(text) and self.rows._share(keys, text) >= self.rows.settings.match_min:
                return _year_draft(sp.passage.text, self.rows.index.units[sp.passage.unit])
        general = self.rows.composer.general(retrieval)
        related = general.text.split("\n", 1)[1] if "\n" in general.text else ""
        text = "建议原文未给出具体年份。" + (f"\n原文的相关表述是：\n{related}" if related else "")
        return Draft(text, general.units, refused=True, route="figure-none")

    def from_sentences(self, query: Query, retrieval: Retrieval) -> Draft:
        """No target row fits: a retrieved sentence with a number and the topic, else the wording."""
        keys = self.rows.keys(query)
        if YEAR_ASKED_RE.search(normalize(query.text)):
            return self.year(query, retrieval, keys)
        period = next(iter(query.periods)) if len(query.periods) == 1 else None
        found = self.sentence_with_number(query, retrieval, period)
        if found is None and period is not None and not query.periods_explicit:
            found = self.sentence_with_number(query, retrieval)   # a period read from 规划/要 alone does not bind
        if found is not None:
            return found
        general = self.rows.composer.general(retrieval)
        if not STRICT_NUMBER_RE.search(normalize(query.text)):
            return general                                  # "增速有什么要求": a wording, not a number
        related = general.text.split("\n", 1)[1] if "\n" in general.text else ""
        text = "建议原文未给出这一具体数字。" + (f"\n原文的相关表述是：\n{related}" if related else "")
        return Draft(text, general.units, refused=True, route="figure-none")


def _year_draft(text: str, unit: Unit) -> Draft:
    return Draft(f"{text}{marker(unit)}", [unit], route="figure-sentence")
