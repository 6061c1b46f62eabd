"""The per-unit signals hybrid retrieval fuses, and their fusion.

For one question every unit gets:

- ``bm25``: unit-level BM25 of the question's own tokens;
- ``expansion``: BM25 of the plan terms that colloquial.tsv gives for its everyday words;
- ``synonym``: BM25 of the plan's words that 同义词词林 puts beside its content words (ingest/synonyms);
- ``prf``: pseudo-relevance feedback, BM25 of the strongest words of the first-pass top units (the
  first pass is the plain hybrid of dense and BM25 + expansion), question words excluded;
- ``sentence``: the best BM25 of one of its sentences (question tokens + expansions): a unit whose
  one sentence says all the question asks beats a long unit that mentions each word somewhere;
- ``title``: BM25 of the question against the unit's title;
- ``figure``: for a question asking a figure (多少, 比例 …), the best share of a target row's indicator
  (ingest/targets) that the question (with expansions) names, among the unit's rows of the time frame
  asked (2025/已经 -> results, 2030/十五五 -> goals; any when none is named): 0 to 1;
- ``dense``: cosine of its best passage with the question (plus expansions), from FAISS.

``fuse`` mixes them: the lexical ones (bm25, expansion, synonym, prf) are summed on BM25's own scale
with weights below 1, so added words always count less than the question's own; then the lexical
sum, dense, sentence and title are min-max normalised over the candidate units and mixed linearly
with the weights of config.RetrievalSettings (fitted by ``python -m eval.retrieval_cv``).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from config import RetrievalSettings
from chat.understanding.forms import FIGURE_RE
from chat.understanding.understand import periods_of
from ingest.bm25 import BM25
from ingest.lexical import LexicalAnalyzer, bigrams
from ingest.text.normalize import normalize
from ingest.synonyms import Synonyms

LEXICAL = ("bm25", "expansion", "synonym", "prf")


def minmax(values: np.ndarray) -> np.ndarray:
    """Values rescaled to [0, 1] over the array (all zeros when they are all equal)."""
    lo, hi = float(values.min()), float(values.max())
    if hi - lo < 1e-9:
        return np.zeros_like(values)
    return (values - lo) / (hi - lo)


@dataclass
class Signals:
    """Every unit's raw signals for one question (arrays of n_units), plus the dense passages."""

    arrays: dict[str, np.ndarray]
    passage_scores: dict[int, float] = field(default_factory=dict)   # passage id -> cosine
    by_unit: dict[int, list[int]] = field(default_factory=dict)      # unit -> its passages, best first
    expansions: list[str] = field(default_factory=list)

    def lexical(self, s: RetrievalSettings) -> np.ndarray:
        """The question's BM25 plus the down-weighted BM25 of its expansions, synonyms and feedback words."""
        a = self.arrays
        return (a["bm25"] + s.expansion_weight * a["expansion"] + s.synonym_weight * a["synonym"]
                + s.prf_weight * a["prf"])

    def fuse(self, s: RetrievalSettings) -> np.ndarray:
        """The fused score of every unit under the weights of ``s``."""
        lexical_weight = 1.0 - s.dense_weight - s.sentence_weight - s.title_weight
        return (s.dense_weight * minmax(self.arrays["dense"]) + lexical_weight * minmax(self.lexical(s))
                + s.sentence_weight * minmax(self.arrays["sentence"]) + s.title_weight * minmax(self.arrays["title"])
                + s.figure_weight * self.arrays["figure"])


class SignalMaker:
    """Computes ``Signals`` over one index: holds the sentence and title BM25 and the synonyms (each made on
    first use)."""

    def __init__(self, index, analyzer: LexicalAnalyzer, settings: RetrievalSettings):
        self.index = index
        self.analyzer = analyzer
        self.settings = settings
        self._synonyms: Synonyms | None = None
        self.passage_unit = np.array([p.unit for p in index.passages], dtype=np.int64)
        self.is_header = np.array([u.kind == "header" for u in index.units], dtype=bool)
        self._unit_words: dict[int, Counter] = {}
        unit_of = {(u.doc_id, u.ref): i for i, u in enumerate(index.units)}
        self.figure_rows = [(unit_of[(t.doc_id, t.ref)], set(bigrams(normalize(t.indicator))), t.kind)
                            for t in index.targets if (t.doc_id, t.ref) in unit_of and bigrams(normalize(t.indicator))]

    def figure_match(self, question: str, expansions: list[str]) -> np.ndarray:
        """Per unit: the best share of one of its target rows' indicator bigrams found in the question
        (and its expansions), among rows of the periods asked; zeros unless the question asks a figure."""
        out = np.zeros(len(self.index.units), dtype=np.float32)
        text = normalize(question)
        if not FIGURE_RE.search(text):
            return out
        periods = {p.value for p in periods_of(text)}
        asked = set(bigrams(text + "，" + "，".join(expansions)))
        for unit, grams, kind in self.figure_rows:
            if not periods or kind in periods or kind == "other":
                out[unit] = max(out[unit], len(grams & asked) / len(grams))
        return out

    @cached_property
    def sentence_bm25(self) -> BM25:
        """BM25 over the passages (sentences), fitted on first use (only when its weight is set or every
        signal is asked for)."""
        s = self.settings
        return BM25.fit([self.analyzer.doc_tokens(p.text) for p in self.index.passages], s.bm25_k1, s.bm25_b)

    @cached_property
    def title_bm25(self) -> BM25:
        """BM25 over the unit titles, fitted on first use (as ``sentence_bm25``)."""
        s = self.settings
        return BM25.fit([self.analyzer.doc_tokens(u.title or "") for u in self.index.units], s.bm25_k1, s.bm25_b)

    @property
    def synonyms(self) -> Synonyms:
        """词林 restricted to the index's words, read on first use (only when a synonym weight is set or
        every signal is asked for)."""
        if self._synonyms is None:
            s = self.settings
            self._synonyms = Synonyms.load(set(self.index.bm25.postings), s.synonym_max_set, s.synonym_min_chars)
        return self._synonyms

    def _tokens(self, words: list[str]) -> list[str]:
        return [t for w in words for t in self.analyzer.query_tokens(w)]

    def synonym_words(self, question: str) -> list[str]:
        """The plan's words that 词林 gives for the question's content words (not already in it)."""
        words = self.analyzer.content_words(question)
        out: list[str] = []
        for w in words:
            out.extend(s for s in self.synonyms.of(w) if s not in words and s not in out)
        return out

    def unit_words(self, unit: int) -> Counter:
        """Word counts of one unit (jieba words of two or more characters), cached."""
        if unit not in self._unit_words:
            text = self.index.units[unit].text
            self._unit_words[unit] = Counter(w for w in self.analyzer.words(text)
                                             if len(w) >= 2 and not w.isdigit())
        return self._unit_words[unit]

    def feedback_words(self, top_units: list[int], exclude: set[str]) -> list[str]:
        """The ``prf_terms`` words of the top units with the highest summed tf·idf share (not in ``exclude``)."""
        weight: Counter = Counter()
        for unit in top_units:
            counts = self.unit_words(unit)
            total = sum(counts.values()) or 1
            for word, tf in counts.items():
                if word not in exclude and word not in self.analyzer.stopwords:
                    weight[word] += tf / total * self.index.bm25.idf(word)
        return [w for w, _ in weight.most_common(self.settings.prf_terms)]

    def compute(self, question: str, query_vector: np.ndarray, expansions: list[str],
                every: bool = False) -> Signals:
        """The signals of ``question`` (``query_vector``: its e5 embedding with the expansions); synonyms,
        feedback, sentence and title BM25 only when their weight is not zero, or when ``every`` (for fitting
        the weights)."""
        s, bm25 = self.settings, self.index.bm25
        q_tokens = self.analyzer.query_tokens(question)
        exp_tokens = self._tokens(expansions)
        arrays = {"bm25": bm25.scores(q_tokens), "expansion": bm25.scores(exp_tokens)}
        syn = self.synonym_words(question) if s.synonym_weight or every else []
        arrays["synonym"] = bm25.scores(self._tokens(syn))
        n_units = len(self.index.units)
        scores, ids = self.index.store.search(query_vector, s.dense_candidates)
        floor = float(scores[ids >= 0].min()) if (ids >= 0).any() else 0.0
        dense = np.full(n_units, floor, dtype=np.float32)
        out = Signals(arrays, expansions=expansions)
        for score, pid in zip(scores, ids):
            if pid < 0:
                continue
            unit = int(self.passage_unit[pid])
            if unit not in out.by_unit:
                dense[unit] = score
            out.by_unit.setdefault(unit, []).append(int(pid))
            out.passage_scores[int(pid)] = float(score)
        arrays["dense"] = dense
        sentence = np.zeros(n_units, dtype=np.float32)
        if s.sentence_weight or every:
            np.maximum.at(sentence, self.passage_unit, self.sentence_bm25.scores(q_tokens)
                          + s.expansion_weight * self.sentence_bm25.scores(exp_tokens))
        arrays["sentence"] = sentence
        arrays["title"] = (self.title_bm25.scores(q_tokens) if s.title_weight or every
                           else np.zeros(n_units, dtype=np.float32))
        arrays["figure"] = self.figure_match(question, expansions)
        arrays["prf"] = np.zeros(n_units, dtype=np.float32)
        if s.prf_weight or every:
            first = s.dense_weight * minmax(dense) + (1 - s.dense_weight) * minmax(
                arrays["bm25"] + s.expansion_weight * arrays["expansion"])
            first[self.is_header] = -np.inf
            top = [int(i) for i in np.argsort(-first, kind="stable")[: s.prf_units]]
            exclude = set(q_tokens) | set(exp_tokens)
            arrays["prf"] = bm25.scores(self._tokens(self.feedback_words(top, exclude)))
        return out
