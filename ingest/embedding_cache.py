"""Passage vectors remembered by text, so a rebuild only embeds what changed.

One ``.npz`` per model id under ``cache_root/embeddings``: keys (sha1 of the embedded
text) and vectors. Written atomically (temp file + os.replace); an unreadable file is
ignored and rewritten.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Passage vectors of one embedding model keyed by the sha1 of the embedded text, kept in
    ``cache_root/embeddings/<sha1(model_id)[:16]>.npz``; a missing or unreadable file starts empty."""

    def __init__(self, cache_root: Path, model_id: str):
        name = hashlib.sha1(model_id.encode()).hexdigest()[:16]
        self.path = cache_root / "embeddings" / f"{name}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        try:
            with np.load(self.path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError):
            self.vectors = {}

    def has(self, text: str) -> bool:
        """Whether the vector for this exact text is cached."""
        return _key(text) in self.vectors

    def encode(self, texts: list[str], encode_fn) -> np.ndarray:
        """Vectors for ``texts``: cached ones reused, the rest computed with ``encode_fn`` and saved."""
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self.vectors}.items())
        if missing:
            fresh = encode_fn([t for _, t in missing])
            self.vectors.update(zip((k for k, _ in missing), fresh))
            self._save()
        return np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}.npz")
        keys = list(self.vectors)
        np.savez(tmp, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)
