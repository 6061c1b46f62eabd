"""The embedding model as LangChain ``Embeddings`` (numpy methods for the hot path)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .embedding_model import MODEL_ID, load_model


class E5Embeddings(Embeddings):
    """multilingual-e5-small with its ``query: `` / ``passage: `` prompts, vectors L2-normalised."""

    model_id = MODEL_ID

    def __init__(self, cache_root: Path, progress: bool = True, threads: int | None = None):
        import torch

        if threads:
            torch.set_num_threads(threads)
        self._model = load_model(cache_root, progress=progress)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Passage vectors, shape (len(texts), 384), L2-normalised."""
        return self._model.encode(texts, prompt_name="passage", normalize_embeddings=True,
                                  batch_size=32, show_progress_bar=progress, convert_to_numpy=True)

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector, shape (384,), L2-normalised."""
        return self._model.encode([text], prompt_name="query", normalize_embeddings=True,
                                  convert_to_numpy=True)[0]

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors, shape (len(texts), 384), L2-normalised."""
        return self._model.encode(texts, prompt_name="query", normalize_embeddings=True,
                                  batch_size=32, convert_to_numpy=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain ``Embeddings``: passage vectors as lists (the baseline's FAISS store uses them)."""
        return self.encode_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain ``Embeddings``: a query vector as a list."""
        return self.encode_query(text).tolist()
