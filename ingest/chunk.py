"""Chunking: units stay whole for citation; retrieval scores finer passages inside them.

A unit (article, intro, preamble, closing) is the chunk stored and cited. Dense retrieval
scores its sentences, each carrying the unit's ref, so a long article is never truncated
at the embedding model's 512-token limit: a sentence longer than ``max_chars`` is cut at
；/; and then at ，/, into pieces that are each short enough.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .units import Passage, Unit

SENTENCE_END_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”」』)]?|\n|$)")
SOFT_BREAKS = ("；;", "，,、")


@lru_cache(maxsize=1)
def _encoding(name: str):
    import tiktoken

    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str) -> int:
    """Token count with tiktoken's offline cl100k encoding (used for LLM context budgets)."""
    return len(_encoding(encoding).encode(text))


def _split_long(text: str, start: int, max_chars: int, level: int = 0) -> list[tuple[int, int]]:
    """Spans (relative to the unit) of ``text`` cut at soft breaks so each is at most max_chars."""
    if len(text) <= max_chars:
        return [(start, start + len(text))]
    if level >= len(SOFT_BREAKS):                # no soft break left: hard cut
        return [(start + i, start + min(i + max_chars, len(text))) for i in range(0, len(text), max_chars)]
    breaks = SOFT_BREAKS[level]
    pieces, begin, spans = [], 0, []
    for i, ch in enumerate(text):
        if ch in breaks:
            pieces.append((begin, i + 1))
            begin = i + 1
    if begin < len(text):
        pieces.append((begin, len(text)))
    # greedily merge adjacent pieces while they fit
    cur_start, cur_end = pieces[0]
    for p_start, p_end in pieces[1:]:
        if p_end - cur_start <= max_chars:
            cur_end = p_end
        else:
            spans.append((cur_start, cur_end))
            cur_start, cur_end = p_start, p_end
    spans.append((cur_start, cur_end))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        out.extend(_split_long(text[s:e], start + s, max_chars, level + 1))
    return out


def sentence_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``; whitespace-only pieces are skipped."""
    spans: list[tuple[int, int]] = []
    for match in SENTENCE_END_RE.finditer(text):
        s, e = match.span()
        piece = text[s:e]
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        s, e = s + lead, e - trail
        spans.extend(_split_long(text[s:e], s, max_chars))
    return spans


def passages_of(unit: Unit, unit_idx: int, max_chars: int) -> list[Passage]:
    return [Passage(unit_idx, unit.text[s:e], s, e) for s, e in sentence_spans(unit.text, max_chars)]


def dense_text(unit: Unit, passage: Passage) -> str:
    """What the embedding model sees for a passage: the article title gives a short sentence its topic."""
    if passage.start == 0 or unit.kind in ("preamble", "closing"):
        return passage.text
    return f"{unit.title}：{passage.text}"


def with_token_counts(units: list[Unit], encoding: str) -> list[Unit]:
    return [replace(u, tokens=count_tokens(u.text, encoding)) for u in units]
