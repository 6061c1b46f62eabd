"""Chunking: units stay whole for citation; retrieval scores finer passages inside them.

A unit (article, intro, preamble, closing) is the chunk stored and cited. Dense retrieval
scores its sentences, each carrying the unit's ref, so a long article is never truncated
at the embedding model's 512-token limit: a sentence longer than ``max_chars`` is cut at
；/; and then at ，/, into pieces that are each short enough.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from .text.sentences import sentence_spans
from .units import Passage, Unit


@lru_cache(maxsize=1)
def _encoding(name: str):
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str) -> int:
    """Token count with tiktoken's offline cl100k encoding (used for LLM context budgets)."""
    return len(_encoding(encoding).encode(text))


def passages_of(unit: Unit, unit_idx: int, max_chars: int) -> list[Passage]:
    """The passages (sentences of at most ``max_chars`` characters) of one unit, in order."""
    return [Passage(unit_idx, unit.text[s:e], s, e) for s, e in sentence_spans(unit.text, max_chars)]


def dense_text(unit: Unit, passage: Passage) -> str:
    """What the embedding model sees for a passage: the article title gives a short sentence its topic."""
    if passage.start == 0 or unit.kind in ("preamble", "closing"):
        return f"{unit.context} {passage.text}" if unit.context else passage.text
    return f"{unit.context} {unit.title}：{passage.text}" if unit.context else f"{unit.title}：{passage.text}"


def with_token_counts(units: list[Unit], encoding: str) -> list[Unit]:
    """The units with ``tokens`` set to their tiktoken count under ``encoding`` (config.ChunkSettings)."""
    return [replace(u, tokens=count_tokens(u.text, encoding)) for u in units]
