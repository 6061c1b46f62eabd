"""Figure questions, answered from the targets table exactly — or honestly not at all.

"2030年城市人口目标是多少？" → the target row whose indicator and context match the
question, for the period the question asks about (2025 results, 2030 goals, 2035 vision).
When the plan has the indicator but not for that period (a 2030 GDP figure), or has no
such figure at all (a budget amount, the minimum wage), the answer says so and shows
only what the plan does say.
"""
from __future__ import annotations

import re

from ingest.index import KnowledgeIndex
from ingest.lexical import LexicalAnalyzer, bigrams
from ingest.targets import Target
from ingest.units import normalize

from .intents import STRICT_FIGURE_RE
from .extractive import Draft, ExtractiveComposer, heading, marker
from .retrieve import Retrieval

RESULT_WORDS = re.compile(r"(2025|十四五|现在|现状|目前|如今|已经|去年|今年|这五年|过去|五年来|已)")
GOAL_WORDS = re.compile(r"(2030|十五五|到时候|五年后|未来五年|目标|要达到|要实现|要扩大|要缩小|要提高|要提升|要打造|打算|计划)")
VISION_WORDS = re.compile(r"(2035|二〇三五|远景)")
NON_KEYS = {"目标", "多少", "数字", "规模", "要求", "达到", "实现", "提升", "增加", "多大", "水平"}
HAS_NUMBER_RE = re.compile(r"\d|[一二三四五六七八九十两百千万亿]+(?:级|倍|次|年|个|大)")
ARTICLE_NUMBER_RE = re.compile(r"^\d{1,3}[.．]")
MATCH_MIN = 0.5
NEAR_BEST = 0.8


def asked_kind(question: str) -> str | None:
    """The one period a question asks about (None when it names none, or several)."""
    text = normalize(question)
    kinds = [k for k, p in (("vision", VISION_WORDS), ("result", RESULT_WORDS), ("goal", GOAL_WORDS))
             if p.search(text)]
    if kinds == ["result", "goal"] and not re.search(r"2030|十五五|五年后|到时候", text):
        return "result"                         # "已经…的目标" is still about results
    return kinds[0] if len(kinds) == 1 else None


class FigureAnswerer:
    def __init__(self, index: KnowledgeIndex, analyzer: LexicalAnalyzer, composer: ExtractiveComposer):
        self.index = index
        self.targets = index.targets
        self.analyzer = analyzer
        self.composer = composer

    def keys(self, question: str, expansions: list[str]) -> set[str]:
        keys: set[str] = set()
        for word in self.analyzer.content_words(question) + [normalize(e) for e in expansions]:
            if word in NON_KEYS or word.isdigit() or len(word) < 2 and not bigrams(word):
                continue
            keys.update(bigrams(word) or [word])
        time_words = (RESULT_WORDS, GOAL_WORDS, VISION_WORDS)
        return {k for k in keys if k not in NON_KEYS and not k.isdigit()
                and not any(p.search(k) for p in time_words) and k not in ("十四", "四五", "十五", "五五")}

    def match(self, target: Target, keys: set[str]) -> tuple[float, float]:
        """Share of the question's keys near the figure, and share inside the indicator itself."""
        sentence = normalize(target.sentence)
        at = sentence.find(normalize(target.figure))
        window = sentence[max(0, at - 30): at + len(target.figure) + 8] if at >= 0 else sentence
        indicator = normalize(target.indicator)
        near = sum(k in indicator + " " + window for k in keys) / len(keys)
        return near, sum(k in indicator for k in keys) / len(keys)

    def answer(self, retrieval: Retrieval, doc_id: str | None) -> Draft | None:
        """A draft from the targets table, a refusal, or None to let the general route answer."""
        keys = self.keys(retrieval.question, retrieval.expansions)
        if not keys:
            return None
        scored = []
        for target in self.targets:
            if doc_id is None or target.doc_id == doc_id:
                near, in_indicator = self.match(target, keys)
                if near >= MATCH_MIN:
                    scored.append((near + 0.5 * in_indicator, target))
        scored.sort(key=lambda x: -x[0])
        kind = asked_kind(retrieval.question)
        if kind is not None and scored:
            in_period = [(s, t) for s, t in scored if t.kind == kind]
            if not in_period:
                return self._not_for_period(scored[0][1], retrieval)
            scored = in_period
        if scored:
            best = scored[0][0]
            rows = [t for s, t in scored if s >= best * NEAR_BEST][:4]
            return self._from_rows(rows)
        return self._from_sentences(retrieval, keys)

    def _from_rows(self, rows: list[Target]) -> Draft:
        lines, seen = [], set()
        for row in rows:
            unit = self.index.unit(row.ref, row.doc_id)
            lines.append(f"{self._lead(row)}{marker(unit)}")
        lines.append("原文：")
        for row in rows:
            unit = self.index.unit(row.ref, row.doc_id)
            if (row.ref, row.sentence) in seen:
                continue
            seen.add((row.ref, row.sentence))
            lines.append(f"- {row.sentence}{marker(unit)}")
        units = list({id(u): u for u in (self.index.unit(r.ref, r.doc_id) for r in rows)}.values())
        return Draft("\n".join(lines), units, route="figure")

    @staticmethod
    def _lead(row: Target) -> str:
        when = {"2030": "到2030年，", "2025": "2025年，", "2035": "到2035年，",
                "十五五": "“十五五”时期，", "十四五": "“十四五”时期，"}.get(row.year, "")
        return f"{when}{row.indicator}{row.qualifier if row.qualifier not in ('以上', '以下', '余') else ''}{row.figure}。"

    def _not_for_period(self, row: Target, retrieval: Retrieval) -> Draft:
        unit = self.index.unit(row.ref, row.doc_id)
        wanted = {"goal": "“十五五”目标", "result": "“十四五”成果", "vision": "远景目标"}[asked_kind(retrieval.question)]
        text = (f"建议原文未给出该指标的{wanted}数值。\n"
                f"原文中与此相关的表述是：\n- {row.sentence}{marker(unit)}")
        return Draft(text, [unit], refused=True, route="figure")

    def _from_sentences(self, retrieval: Retrieval, keys: set[str]) -> Draft | None:
        """No table row: answer from a retrieved sentence that has a figure and the question's words."""
        for sp in self.composer.scored_passages(retrieval, max_units=3)[:6]:
            text = ARTICLE_NUMBER_RE.sub("", normalize(sp.passage.text))
            overlap = sum(k in text for k in keys) / len(keys)
            if HAS_NUMBER_RE.search(text) and overlap >= MATCH_MIN:
                return None                              # the general route will quote it
        if not STRICT_FIGURE_RE.search(normalize(retrieval.question)):
            return None                                  # "增速有什么要求": a wording, not a number
        related = "；".join(heading(h.unit) for h in retrieval.hits[:3])
        return Draft("建议原文未给出这一具体数字。\n相关条文（仅供参考，原文并未回答此问题）：" + related,
                     [], refused=True, route="figure")
