"""Figure questions, answered from the evidence: the target rows of the retrieved units.

"到2030年黔江城里要住多少人？" → the rows of the top units are scored by how much of the
question's topic sits next to the figure, whether the row's unit is the kind of quantity asked
(多少人 → 万人, 多大面积 → 平方公里, 占比 → %), and the rank of its unit; the asked period
(2025 results, 2030 goals, 2035 vision) filters them. When the indicator is found but has no
figure for the asked period, when a sentence says more of the topic than the best row, or when no
row fits at all, the answer is read from sentences (figure_sentences.py).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from chat.answer import Derived
from chat.compose.extractive import Draft, ExtractiveComposer, marker
from chat.compose.figure_sentences import (
    STRICT_NUMBER_RE,
    YEAR_ASKED_RE,
    FigureSentences,
    row_period,
    sentence_period,
)
from chat.compose.verify import difference
from chat.retrieval.evidence import TermStats
from chat.retrieval.retrieve import Retrieval
from chat.understanding.measures import (
    EXACT_UNITS,
    MEASURE_WORDS,
    MEASURES,
    PERCENT_ASKED_RE,
    Measure,
    measure_of,
)
from chat.understanding.query import Period, Query
from config import FigureSettings
from ingest.index import KnowledgeIndex
from ingest.lexical import bigram_share, bigrams
from ingest.targets import Target
from ingest.text.normalize import normalize
from ingest.units import Unit

CHANGE_ASKED_RE = re.compile(r"(?:涨|增加|增长|多|提高|提升|扩大|减少|下降|降低|缩小|降)(?:了)?(?:多少|几)")
RATE_ASKED_RE = re.compile(r"年均|每年|平均|增速|增幅|百分点|百分之|%|率")
ASKED_CHANGE = r"(?:到|至)(?:多少|几|好多|多大|好大|啥)"   # a verb right before this is part of the question's asking


@dataclass(frozen=True)
class ScoredRow:
    """A targets-table row scored for a figure question (``score`` from ``FigureAnswerer.score``)."""

    score: float
    row: Target
    share: float = 0.0          # share of the topic's words found near the figure


class FigureAnswerer:
    """Answers figure questions from the targets table, the retrieved units and their sentences."""

    def __init__(self, index: KnowledgeIndex, composer: ExtractiveComposer, settings: FigureSettings, embedder,
                 stats: TermStats):
        self.index = index
        self.composer = composer
        self.settings = settings
        self.embedder = embedder
        self.stats = stats
        self.sentences = FigureSentences(self)      # answers read from sentences (figure_sentences.py)
        self._ring: dict[str, tuple[str, ...]] = {}      # 经济总量 ~ 经济规模 ~ 地区生产总值: one colloquial.tsv entry
        for key, terms in composer.analyzer.expansion_table.items():
            ring = tuple(dict.fromkeys([key, *terms]))
            for term in ring:
                self._ring[term] = tuple(dict.fromkeys(self._ring.get(term, ()) + ring))
        indicators = sorted({t.indicator for t in index.targets})
        vectors = np.asarray(embedder.encode_queries(indicators)) if indicators else np.zeros((0, 1))
        self._indicator_vec = dict(zip(indicators, vectors))
        self._indicators = {normalize(i) for i in indicators}          # the table's indicator names
        unit_idx = {(u.doc_id, u.ref): i for i, u in enumerate(index.units)}
        self._row_pid: dict[int, int] = {}                 # id(row) -> passage holding its figure
        for row in index.targets:
            ui = unit_idx.get((row.doc_id, row.ref))
            for pid, passage in composer.passages_of(ui) if ui is not None else []:
                if passage.start <= row.start < passage.end:
                    self._row_pid[id(row)] = pid
                    break

    def keys(self, query: Query) -> dict[str, tuple[float, tuple[str, ...]]]:
        """Topic words -> (idf weight, the word and its plan-term expansions); single characters (猪)
        count only when nothing longer."""
        text = normalize(query.text)
        words = [normalize(w) for w in query.topic]
        words = [w for w in words if w not in MEASURE_WORDS and not any(ch.isdigit() for ch in w)
                 and not re.search(re.escape(w) + ASKED_CHANGE, text)]   # 增加 in 增加到多少: how it is asked
        long_words = [w for w in words if len(w) >= 2]
        keys: dict[str, tuple[float, tuple[str, ...]]] = {}
        for word in long_words or words:
            alternatives = (word, *self.composer.analyzer.word_expansions(word), *self._ring.get(word, ()))
            absent = any(normalize(a) in word or word in normalize(a) for a in query.absent)
            keys[word] = (self.stats.weight(word, absent=absent), alternatives)
        for expansion in query.expansions:      # expansions of the whole question not tied to one word
            e = normalize(expansion)
            if not any(e in alts for _, alts in keys.values()) and len(e) >= 2:
                keys.setdefault("\x00" + e, (0.0, (e,)))
        return keys

    def _share(self, keys: dict[str, tuple[float, tuple[str, ...]]], text: str) -> float:
        """Weighted share of the topic words found in ``text`` (or their bigrams, at ``bigram_credit``)."""
        total = sum(w for w, _ in keys.values()) or 1.0
        got = 0.0
        for word, (weight, alternatives) in keys.items():
            if any(a in text for a in alternatives):
                got += weight
            else:
                grams = bigrams(word)
                if grams:
                    got += weight * self.settings.bigram_credit * sum(g in text for g in grams) / len(grams)
        return got / total

    def score(self, row: Target, keys: dict, measure: Measure | None, unit_score: float,
              dense: float, indicator_sim: float, exact_unit: str | None = None,
              everyday: bool = True) -> tuple[float, float]:
        """Topic share near the figure (whole words, else bigram share) + closeness of the topic to the
        row's indicator in meaning (e5 cosine: 城里住 ~ 城市人口 0.89, 新房 ~ 地区生产总值 0.82) + dense
        similarity of its sentence + measure match + unit rank; 0 when neither the topic's words nor
        its meaning is near the indicator. Meaning alone counts only for ``everyday`` topics (some word
        the documents never use) and a row in the unit of measure asked."""
        sentence = normalize(row.sentence)
        at = sentence.find(normalize(row.figure))
        window = normalize(row.indicator) + " " + (sentence[max(0, at - 30): at + len(row.figure) + 8]
                                                    if at >= 0 else sentence)
        share = self._share(keys, window)
        band = self.composer.band
        closeness = max(0.0, min(1.0, (dense - band.dense_floor) / band.dense_span))
        meaning = max(0.0, min(1.0, (indicator_sim - self.settings.indicator_floor) / band.dense_span))
        fits = (row.unit == exact_unit if exact_unit is not None
                else row.unit in MEASURES[measure.name][1] or (not measure.strict and measure.word in normalize(row.indicator))
                if measure is not None else True)        # 收入 asked, 城乡居民收入比 found: the indicator itself
        if not fits and (exact_unit is not None or measure is not None and measure.strict):
            return 0.0, share                  # "多少钱" is never answered by a ratio, "百分之几" never in 万人
        by_meaning = indicator_sim >= self.settings.min_indicator_sim and fits and everyday
        if share < self.settings.min_topic_share and not by_meaning:
            return 0.0, share
        indicator = normalize(row.indicator)        # the topic names this row's indicator: 地区生产总值, not 人均…;
        named = any(indicator == a or (len(a) == 1 and a in indicator)       # 鸡 (a one-character topic) in 肉蛋鸡,
                    for _, alts in keys.values() for a in alts)               # not only in the sentence beside it
        score = (share + self.settings.indicator_weight * meaning + self.settings.dense_weight * closeness
                 + self.settings.unit_weight * unit_score + (self.settings.named_bonus if named else 0.0))
        if exact_unit is not None or measure is not None:   # a hint (多大, 规模: any quantity) only adds
            score += self.settings.measure_bonus if fits else (
                0.0 if exact_unit is None and not measure.strict else -self.settings.measure_bonus)
        return score, share

    def candidates(self, query: Query, retrieval: Retrieval, doc_id: str | None,
                   measure_units: tuple[str, ...] | None = None) -> list[ScoredRow]:
        """Target rows that may answer the question, best first (optionally only ``doc_id``'s, only rows
        whose unit is in ``measure_units``); [] when the question has no topic keys or asks for a rank."""
        keys = self.keys(query)
        if not keys:
            return []
        measure = measure_of(normalize(query.text), normalize(query.asks))
        if measure is not None and not MEASURES[measure.name][1]:
            return []                                   # a rank: the table states none
        text = normalize(query.text)
        exact_unit = "%" if PERCENT_ASKED_RE.search(text) else next((u for u in EXACT_UNITS if u in text), None)
        named_indicators = self._named_indicators(keys)
        asked = normalize("".join(query.topic))
        everyday = any(len(w) >= 2 and self.stats.df(normalize(w)) == 0 for w in query.topic + query.phrasing)
        topic_vec = np.asarray(self.embedder.encode_query("".join(query.topic + query.phrasing) or query.text))
        hit_score, per_doc = {}, Counter()
        for h in retrieval.hits:            # the top units of each document: copies in one cannot crowd out another
            if per_doc[h.unit.doc_id] < self.settings.candidate_units:
                hit_score[h.unit.ref + h.unit.doc_id] = h.score
                per_doc[h.unit.doc_id] += 1
        rows = []
        for row in self.index.targets:
            if doc_id is not None and row.doc_id != doc_id:
                continue
            if measure_units is not None and row.unit not in measure_units:
                continue
            unit_score = hit_score.get(row.ref + row.doc_id)
            if unit_score is None and retrieval.scoped:
                continue                        # 第12条里…: a row of another article does not answer
            sim = float(topic_vec @ self._indicator_vec[row.indicator])
            if (unit_score is None and sim < self.settings.min_indicator_sim
                    and not any(a in normalize(row.indicator) for _, alts in keys.values() for a in alts if len(a) >= 3)):
                continue
            dense = retrieval.passage_scores.get(self._row_pid.get(id(row), -1), 0.0)
            score, share = self.score(row, keys, measure, unit_score or 0.0, dense, sim, exact_unit, everyday)
            if (named_indicators and not any(n in normalize(row.indicator) for n in named_indicators)
                    and bigram_share(asked, normalize(row.indicator)) < self.settings.indicator_bigrams):
                continue                       # the topic names 地区生产总值: 规上工业总产值 is another indicator
                                               # (but 规上工业产值 is 规上工业总产值 said short, not 工业产值)
            rows.append(ScoredRow(score, row, share))
        if any(r.share >= self.settings.lexical_match for r in rows):    # the plan's own words found:
            rows = [r for r in rows if r.share >= self.settings.min_topic_share]  # meaning alone no longer counts
        return sorted(rows, key=lambda r: -r.score)

    def answer(self, query: Query, retrieval: Retrieval, doc_id: str | None,
               measure_units: tuple[str, ...] | None = None, part: bool = False) -> Draft:
        """A figure answer (lead line + source sentences), an honest no-figure answer, or the plan's
        wording when it states the topic without a number. ``measure_units`` limits the rows to
        those units (a count question: 几家 → 家). ``part``: one piece of a question asking several figures
        (…多大盘子了，每年平均涨几个点): its words are a fragment, so a better-covering sentence may give its
        number but never refuses the row."""
        change = self._change(query, retrieval, doc_id) if measure_units is None and not part else None
        if change is not None:                   # "城市人口要涨多少": from the 2025 figure to the 2030 one
            return change
        if len(query.periods) >= 2 and measure_units is None:   # one answer per period asked
            drafts = [self.answer(query.with_(periods=frozenset({p})), retrieval, doc_id, part=part)
                      for p in sorted(query.periods, key=list(Period).index)]
            texts = list(dict.fromkeys(d.text for d in drafts if d.text))
            units = list({id(u): u for d in drafts for u in d.units}.values())
            specific = [d for d in drafts if d.route in ("figure", "figure-period")]
            return Draft("\n".join(texts), units, refused=all(d.refused for d in drafts),
                         route="figure" if specific else drafts[0].route)
        rows = [r for r in self.candidates(query, retrieval, doc_id, measure_units)
                if r.score >= self.settings.match_min]
        if measure_units is not None:          # a stated count must be about the topic itself
            rows = [r for r in rows if r.share >= self.settings.lexical_match]
            if not rows:
                return Draft("", [], route="figure-none")
        if YEAR_ASKED_RE.search(normalize(query.text)) and measure_units is None:
            return self.sentences.year(query, retrieval, self.keys(query))   # 哪一年: a year, or plainly none
        strict = bool(STRICT_NUMBER_RE.search(normalize(query.text)))
        if not strict and not any(r.score >= self.settings.soft_match_min for r in rows[:1]):
            return self.composer.general(retrieval)    # "增速有什么要求": a wording, not a number
        periods = query.periods
        if rows and periods:
            in_period = [r for r in rows if row_period(r.row) in periods or r.row.kind == "other"
                         or row_period(r.row) is None and sentence_period(r.row.sentence) in periods]
            if not in_period and query.periods_explicit:
                return self.sentences.not_for_period(query, retrieval, rows)
            rows = in_period or rows            # a period read from 目标/已/要 alone does not refuse a figure
        if rows:
            better = self.sentences.better_covered(query, retrieval, rows[0], may_refuse=not part)
            return better if better is not None else self.from_rows(self._chosen(rows))
        return self.sentences.from_sentences(query, retrieval)

    def _change(self, query: Query, retrieval: Retrieval, doc_id: str | None) -> Draft | None:
        """"城市人口要涨多少 / 建成区面积要增加多少": when the best row's indicator has a 2025 figure and a 2030 one
        in the same unit, the change between them (a derived number the verifier re-checks: 26.5万人 → 33万人,
        增加6.5万人); None when the question asks no change, asks a rate (年均, 增速, 百分点) or the plan states
        no such pair."""
        text = normalize(query.text)
        if not CHANGE_ASKED_RE.search(text) or RATE_ASKED_RE.search(text):
            return None
        level = query.with_(text=CHANGE_ASKED_RE.sub("多少", text), asks="多少", periods=frozenset())
        rows = [r for r in self.candidates(level, retrieval, doc_id) if r.score >= self.settings.match_min]
        if not rows:
            return None
        best = rows[0].row
        pair = {row_period(t): t for t in self.index.targets if (t.indicator, t.unit, t.doc_id) ==
                (best.indicator, best.unit, best.doc_id) and row_period(t) in (Period.RESULT, Period.GOAL)}
        before, after = pair.get(Period.RESULT), pair.get(Period.GOAL)
        if before is None or after is None:
            return None
        a, b = _number_of(before.value), _number_of(after.value)
        if a is None or b is None or a == b:
            return None
        change = difference(a, b)
        more = "以上" if after.qualifier in ("突破", "以上", "超过") else "左右" if after.qualifier == "左右" else ""
        lead = (f"{best.indicator}从2025年的{before.figure}到2030年{after.reading}，"
                f"{'增加' if b > a else '减少'}{change.lstrip('-')}{best.unit}{more}。")
        claim = Derived(lead, "difference", change, (before.figure, after.figure))
        units = list({id(u): u for u in (self.unit_of(before), self.unit_of(after))}.values())
        lines = [lead + "".join(dict.fromkeys(marker(u) for u in units)), "原文："]
        lines += [f"- {row.sentence}{marker(self.unit_of(row))}" for row in dict.fromkeys((before, after))]
        return Draft("\n".join(lines), units, route="figure", derived=[claim])

    def _chosen(self, rows: list[ScoredRow]) -> list[Target]:
        """The rows near the best one, at most ``max_rows`` of them from each document, documents in index
        order (the primary first): a question not scoped to one document is answered from every document
        that states the figure, each cited."""
        best = rows[0].score
        near = [r.row for r in rows if r.score >= best * self.settings.near_best]
        order = {d.doc_id: i for i, d in enumerate(self.index.documents)}
        by_doc: dict[str, list[Target]] = {}
        for row in near:
            by_doc.setdefault(row.doc_id, []).append(row)
        return [row for doc in sorted(by_doc, key=lambda d: order.get(d, len(order)))
                for row in by_doc[doc][: self.settings.max_rows]]

    def unit_of(self, row: Target) -> Unit:
        """The unit a target row comes from."""
        return self.index.unit(row.ref, row.doc_id)

    def lead(self, row: Target) -> str:
        """"到2030年，城市人口突破33万人。" — the row's own words, with its year when the plan gives one
        in that unit (a year the unit does not state would not survive verification)."""
        when = {"2030": "到2030年，", "2025": "2025年，", "2035": "到2035年，",
                "十五五": "“十五五”时期，", "十四五": "“十四五”时期，"}.get(row.year, "")
        unit = self.unit_of(row)
        if when and row.year not in unit.text:
            when = ""
        qualifier = row.qualifier if row.qualifier not in ("以上", "以下", "余", "由") else ""
        if qualifier and qualifier in row.figure:
            qualifier = ""                      # 6.5%左右 already says 左右
        if row.qualifier == "由":                     # the start of a change reads as the whole change
            return f"{row.indicator}{row.reading}。"
        return f"{when}{row.indicator}{qualifier}{row.figure}。"

    def from_rows(self, rows: list[Target]) -> Draft:
        """A figure answer: one lead line per row, then 原文： and each distinct source sentence, cited."""
        lines = [f"{self.lead(row)}{marker(self.unit_of(row))}" for row in rows]
        lines.append("原文：")
        for ref, sentence in dict.fromkeys((r.ref + "\x00" + r.doc_id, r.sentence) for r in rows):
            row = next(r for r in rows if r.ref + "\x00" + r.doc_id == ref and r.sentence == sentence)
            lines.append(f"- {sentence}{marker(self.unit_of(row))}")
        units = list({id(u): u for u in (self.unit_of(r) for r in rows)}.values())
        return Draft("\n".join(lines), units, route="figure")

    def _named_indicators(self, keys: dict) -> set[str]:
        """Indicator names of the table that the topic names (GDP → 地区生产总值)."""
        return {a for _, alts in keys.values() for a in alts if a in self._indicators}


def _number_of(value: str) -> float | None:
    """A row's value as a number (26.5, 33); None for ratios and magnitudes (2.1:1, 百亿级)."""
    return float(value) if re.fullmatch(r"\d+(?:\.\d+)?", value) else None
