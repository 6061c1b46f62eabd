"""The embedding model as LangChain ``Embeddings`` (numpy methods for the hot path).

Queries go through the ONNX export of the model (``ingest/onnx_encoder.py``, onnxruntime: no torch import
while answering) unless ``EncoderSettings.query_backend`` is "torch" or the export fails, which is said on
stderr and falls back to sentence-transformers. Passages are embedded with sentence-transformers, loaded
on first use (index builds only).
"""
from __future__ import annotations

import importlib.metadata
import sys
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from config import EncoderSettings

from .embedding_model import MODEL_ID, load_model


class E5Embeddings(Embeddings):
    """multilingual-e5-small with its ``query: `` / ``passage: `` prompts, vectors L2-normalised: the base
    model, or the folder ``model_folder`` named ``model_id`` (a fine-tuned one: ingest/domain_tuning.py
    ``encoder_model``). ``query_encoder`` describes what encodes queries (the index manifest records it)."""

    def __init__(self, cache_root: Path, progress: bool = True, threads: int | None = None,
                 settings: EncoderSettings | None = None, model_folder: Path | None = None,
                 model_id: str = MODEL_ID):
        self.settings = settings or EncoderSettings()
        self.cache_root, self.progress = Path(cache_root), progress
        self.model_folder, self.model_id = model_folder, model_id
        self.threads = threads or self.settings.threads
        self._model = None
        self._model_lock = threading.Lock()
        self._onnx = None
        if self.settings.query_backend == "onnx":
            try:
                from .onnx_encoder import OnnxEncoder, describe, ensure_onnx

                folder = ensure_onnx(self.cache_root, self.settings, progress, model_folder, model_id)
                self._onnx = OnnxEncoder(folder, self.settings)
                self.query_encoder = describe(folder, self._onnx, model_id)
            except Exception as exc:  # noqa: BLE001 - any failure of the export means: use torch, and say so
                print(f"[embedder] the ONNX query encoder is not available ({type(exc).__name__}: {exc}); "
                      "queries go through sentence-transformers on torch", file=sys.stderr, flush=True)
        if self._onnx is None:
            self._sentence_transformer()
            self.query_encoder = {"backend": "sentence-transformers "
                                  + importlib.metadata.version("sentence-transformers"), "model_id": model_id}

    def _sentence_transformer(self):
        """The sentence-transformers model (torch), loaded once on first use."""
        with self._model_lock:
            if self._model is None:
                import torch

                torch.set_num_threads(self.threads)
                self._model = load_model(self.cache_root, progress=self.progress, folder=self.model_folder)
            return self._model

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Passage vectors, shape (len(texts), 384), L2-normalised (sentence-transformers)."""
        return self._sentence_transformer().encode(texts, prompt_name="passage", normalize_embeddings=True,
                                                   batch_size=32, show_progress_bar=progress, convert_to_numpy=True)

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector, shape (384,), L2-normalised."""
        return self.encode_queries([text])[0]

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors, shape (len(texts), 384), L2-normalised."""
        if self._onnx is not None:
            return self._onnx.encode(list(texts), "query")
        return self._sentence_transformer().encode(list(texts), prompt_name="query", normalize_embeddings=True,
                                                   batch_size=32, convert_to_numpy=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain ``Embeddings``: passage vectors as lists (the baseline's FAISS store uses them)."""
        return self.encode_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain ``Embeddings``: a query vector as a list."""
        return self.encode_query(text).tolist()
