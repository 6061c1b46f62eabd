"""Okapi BM25 over pre-tokenised units: numpy postings, persisted as JSON.

Each term keeps two arrays (unit ids, term frequencies), so scoring a query is a few
vectorised operations per query term, fast enough for a thousand plan documents.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class BM25:
    """An Okapi BM25 index over tokenised units. ``k1`` and ``b`` come from config.RetrievalSettings
    (1.2 and 0.75); ``doc_len`` is (n_units,) float32 tokens per unit."""

    k1: float
    b: float
    doc_len: np.ndarray                                   # tokens per unit
    postings: dict[str, tuple[np.ndarray, np.ndarray]]    # term -> (unit ids, term frequencies)
    _norm: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.doc_len = np.asarray(self.doc_len, dtype=np.float32)
        avg = float(self.doc_len.mean()) if len(self.doc_len) else 1.0
        self._norm = self.k1 * (1 - self.b + self.b * self.doc_len / (avg or 1.0))

    @classmethod
    def fit(cls, docs: list[list[str]], k1: float, b: float) -> "BM25":
        """Index ``docs`` (one token list per unit, in unit order; unit id = position) with parameters k1, b."""
        lists: dict[str, tuple[list[int], list[int]]] = {}
        for i, tokens in enumerate(docs):
            for term, tf in Counter(tokens).items():
                ids, tfs = lists.setdefault(term, ([], []))
                ids.append(i)
                tfs.append(tf)
        postings = {t: (np.array(ids, np.int32), np.array(tfs, np.float32)) for t, (ids, tfs) in lists.items()}
        return cls(k1=k1, b=b, doc_len=[len(d) for d in docs], postings=postings)

    @property
    def n_docs(self) -> int:
        """Number of units indexed."""
        return len(self.doc_len)

    def idf(self, term: str) -> float:
        """Okapi idf of a term, log(1 + (N - df + 0.5) / (df + 0.5)); an unseen term has df 0."""
        df = len(self.postings[term][0]) if term in self.postings else 0
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every unit for the query tokens (repeated tokens count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in set(query):
            if term in self.postings:
                ids, tf = self.postings[term]
                out[ids] += self.idf(term) * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out

    def to_dict(self) -> dict:
        """A JSON-ready dict (k1, b, doc_len, postings as [ids, tfs] lists) that ``from_dict`` reads back."""
        return {"k1": self.k1, "b": self.b, "doc_len": self.doc_len.astype(int).tolist(),
                "postings": {t: [ids.tolist(), tf.astype(int).tolist()] for t, (ids, tf) in self.postings.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "BM25":
        """The BM25 saved by ``to_dict`` (bm25.json in the index folder)."""
        postings = {t: (np.array(ids, np.int32), np.array(tf, np.float32)) for t, (ids, tf) in data["postings"].items()}
        return cls(k1=data["k1"], b=data["b"], doc_len=data["doc_len"], postings=postings)
