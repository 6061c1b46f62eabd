"""Okapi BM25 over pre-tokenised units, small enough to read and to persist as JSON."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass
class BM25:
    k1: float
    b: float
    doc_len: list[int]
    postings: dict[str, dict[int, int]]     # term -> {doc index: term frequency}

    @classmethod
    def fit(cls, docs: list[list[str]], k1: float, b: float) -> "BM25":
        postings: dict[str, dict[int, int]] = {}
        for i, tokens in enumerate(docs):
            for term, tf in Counter(tokens).items():
                postings.setdefault(term, {})[i] = tf
        return cls(k1=k1, b=b, doc_len=[len(d) for d in docs], postings=postings)

    @property
    def n_docs(self) -> int:
        return len(self.doc_len)

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (repeated tokens count once)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        if not self.n_docs:
            return out
        avg_len = sum(self.doc_len) / self.n_docs or 1.0
        for term in set(query):
            docs = self.postings.get(term)
            if not docs:
                continue
            idf = self.idf(term)
            for i, tf in docs.items():
                norm = self.k1 * (1 - self.b + self.b * self.doc_len[i] / avg_len)
                out[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        return out

    def to_dict(self) -> dict:
        return {"k1": self.k1, "b": self.b, "doc_len": self.doc_len,
                "postings": {t: {str(i): tf for i, tf in d.items()} for t, d in self.postings.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> "BM25":
        postings = {t: {int(i): tf for i, tf in d.items()} for t, d in data["postings"].items()}
        return cls(k1=data["k1"], b=data["b"], doc_len=data["doc_len"], postings=postings)
