"""Whether the retrieved evidence answers a question: decided after retrieval, on the evidence.

The measure is **topic coverage**: the share of the question's topic words, each weighted by
how rare it is in the documents (idf over units), that occur in one of the best units — a word
counts as covered when it occurs there itself, when one of the plan terms it expands to does
(看病 → 就医), or, for half its weight, when most of its characters' bigrams do. A word the
plan never uses has the highest weight and is never covered, so a question *about* something
absent (地铁) scores low while one that merely names an absent place beside a covered topic
(上海's 产业转移) scores high and is answered with a note. A word the plan never uses that is
not known to be absent may be everyday wording for a plan term (城里 for 城市), so its weight
is scaled by ``unknown_word_factor`` and the dense similarity can carry the decision. Thresholds live in
``config.EvidenceSettings`` and were chosen by cross-validation on the dev set.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from chat.retrieval.retrieve import Retrieval
from chat.understanding.places import is_place_name
from chat.understanding.query import Query, Shape
from config import EvidenceSettings
from ingest.index import KnowledgeIndex
from ingest.lexical import LexicalAnalyzer, bigrams
from ingest.text.normalize import normalize


@dataclass(frozen=True)
class Evidence:
    """How well the best units cover a question's topic (0..1), the best passage cosine, and the
    topic words no unit covers."""

    coverage: float
    dense: float
    missing: tuple[str, ...]
    absent_share: float              # idf share of the query's absent words (0 when none)


class TermStats:
    """How common a word is across the units (normalised texts, substring counts, cached): one
    source of weights for the evidence judge, the figure answerer and the mentions route."""

    def __init__(self, index: KnowledgeIndex, unknown_word_factor: float):
        self.unit_texts = [normalize(u.search_text) for u in index.units]
        self.unknown_word_factor = unknown_word_factor
        self._df_cache: dict[str, int] = {}

    def df(self, word: str) -> int:
        """In how many units the word occurs (0: the documents never use it)."""
        if word not in self._df_cache:
            self._df_cache[word] = sum(word in t for t in self.unit_texts)
        return self._df_cache[word]

    def idf(self, word: str) -> float:
        """log((N + 1) / (df + 0.5)) over units; a word in no unit gets the highest weight."""
        return math.log((len(self.unit_texts) + 1) / (self.df(word) + 0.5))

    def weight(self, word: str, absent: bool = False) -> float:
        """A topic word's weight: its idf, scaled by ``unknown_word_factor`` when no unit uses it, it is
        not known to be absent and it is no place name (城里 may be everyday wording for 城市; 地铁 is
        absent; 成都 is a place the documents never name, not a way of saying something they do)."""
        unknown = self.df(word) == 0 and not absent and not is_place_name(word)
        return self.idf(word) * (self.unknown_word_factor if unknown else 1.0)


class EvidenceJudge:
    """Measures evidence for a Query and decides whether it is strong enough to answer."""

    def __init__(self, stats: TermStats, analyzer: LexicalAnalyzer, settings: EvidenceSettings):
        self.stats = stats
        self.analyzer = analyzer
        self.settings = settings

    def _covered(self, word: str, text: str, expansions: list[str]) -> float:
        if word in text or any(e in text for e in expansions):
            return 1.0
        grams = bigrams(word)
        if len(grams) >= 2 and sum(g in text for g in grams) / len(grams) >= 0.5:
            return 0.5
        return 0.0

    def measure(self, query: Query, retrieval: Retrieval) -> Evidence:
        """Coverage of the question's words (topic and phrasing) by the best of the top units, with the best dense score."""
        hits = retrieval.hits[: self.settings.units_considered]
        dense = max((h.dense for h in retrieval.hits[:1]), default=0.0)
        words = self.words(query)
        if not words or not hits:
            return Evidence(0.0 if not hits else 1.0 if not words else 0.0, dense, tuple(words), 0.0)
        absent = [normalize(a) for a in query.absent]
        is_absent = {w: any(a in w or w in a for a in absent) for w in words}
        weights = {w: self.stats.weight(w, absent=is_absent[w]) for w in words}
        total = sum(weights.values()) or 1.0
        expansions = {w: self.analyzer.word_expansions(w) + [normalize(b) for p, b in query.broader if normalize(p) in w]
                      for w in words}
        best, best_missing = 0.0, tuple(words)
        for hit in hits:
            text = self.stats.unit_texts[hit.unit_idx]
            got = {w: self._covered(w, text, expansions[w]) for w in words}
            share = sum(weights[w] * got[w] for w in words) / total
            if share > best:
                best, best_missing = share, tuple(w for w in words if got[w] == 0.0)
        absent_share = sum(weights[w] for w in words if is_absent[w]) / total
        return Evidence(best, dense, best_missing, absent_share)

    @staticmethod
    def words(query: Query) -> list[str]:
        """The words coverage is measured on: the topic and phrasing words (normalised) of two or more
        characters, or the shorter ones when there are no others (a Latin letter alone never counts)."""
        words = [normalize(w) for w in query.topic + query.phrasing if len(w) >= 2 or not w.isascii()]
        return [w for w in words if len(w) >= 2] or words

    def coverage_of(self, query: Query, hits: list) -> list[float]:
        """Each hit's own topic coverage (the share ``measure`` takes the best of), in the hits' order."""
        words = self.words(query)
        if not words:
            return [1.0] * len(hits)
        weights = {w: self.stats.weight(w) for w in words}
        total = sum(weights.values()) or 1.0
        expansions = {w: self.analyzer.word_expansions(w) for w in words}
        return [sum(weights[w] * self._covered(w, self.stats.unit_texts[h.unit_idx], expansions[w]) for w in words)
                / total for h in hits]

    def carried_by_absent(self, evidence: Evidence) -> bool:
        """Words the plan never mentions carry the topic (地铁 in 修地铁): not answerable, whatever else."""
        return evidence.absent_share >= self.settings.absent_share_max

    def strong(self, evidence: Evidence, shape: Shape | None = None) -> bool:
        """Enough evidence to answer: topic coverage at or above the calibrated threshold, or high
        dense similarity with at least partial coverage; never when absent words carry the topic, and
        never for the meaning of a term (``Shape.EXPLAIN``) none of whose words the best units contain:
        closeness in meaning may carry everyday wording (城里 for 城市), not a term the documents never
        use (“一区两群”, whose cosine with any definition-like sentence is high)."""
        s = self.settings
        if self.carried_by_absent(evidence):
            return False
        if shape is Shape.EXPLAIN and evidence.coverage <= s.explain_min_coverage:
            return False
        return evidence.coverage >= s.min_coverage or (
            evidence.dense >= s.min_dense and evidence.coverage >= s.min_coverage_with_dense)
