"""Sentence and clause segmentation of plan text and of answers.

Three readings, each for its own job:
- ``sentence_spans``: the sentences of a unit (ends 。！？, a closing quote kept with its sentence), a
  sentence longer than ``max_chars`` cut at ；/; and then at ，/、 — what passages, quotes and
  verification use;
- ``split_spans`` with ``nesting_masks``: spans ending at a terminator *outside* quotes and brackets
  (“…。” stays whole) — what the targets table reads figures from, by clause (``CLAUSE_ENDS``) or by
  sentence (``SENTENCE_ENDS``);
- ``ANSWER_SENTENCE_RE`` / ``CLAUSE_RE``: an answer's sentences with the markers that follow them
  (verification), and clauses for highlighting a quote in the evidence panel.
"""
from __future__ import annotations

import re

SENTENCE_END_RE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”」』)]?|\n|$)")
SOFT_BREAKS = ("；;", "，,、")                      # where an overlong sentence is cut, in order
SENTENCE_ENDS = frozenset("。！？!?\n")
CLAUSE_ENDS = frozenset("，,；;。！？!?\n")
OPEN_CLOSE = {"“": "”", "《": "》", "(": ")", "（": "）", "‘": "’"}
QUOTE_OPENERS = frozenset({"“", "《", "‘"})
ANSWER_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|$)(?:\s*〔[^〔〕\n]{2,40}〕)*")
CLAUSE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")


def _split_long(text: str, start: int, max_chars: int, level: int = 0) -> list[tuple[int, int]]:
    """Spans (offset by ``start``) of ``text`` cut at soft breaks so each is at most max_chars."""
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
    cur_start, cur_end = pieces[0]               # greedily merge adjacent pieces while they fit
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
    """(start, end) character offsets of each sentence of ``text`` (whitespace trimmed, empty pieces
    skipped); a sentence over ``max_chars`` characters is cut into pieces that fit."""
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


def nesting_masks(text: str) -> tuple[list[bool], list[bool]]:
    """Per character of ``text``: (inside quotes or book-title marks, marks included; inside any bracket
    or quote). Quotes never span paragraphs: a newline recovers from a stray mark."""
    quoted, nested = [False] * len(text), [False] * len(text)
    stack: list[str] = []
    for i, ch in enumerate(text):
        if stack and ch == OPEN_CLOSE[stack[-1]]:
            quoted[i] = any(s in QUOTE_OPENERS for s in stack)
            nested[i] = True
            stack.pop()
            continue
        if ch in OPEN_CLOSE:
            stack.append(ch)
            quoted[i] = any(s in QUOTE_OPENERS for s in stack)
            nested[i] = True
            continue
        if ch == "\n":
            stack.clear()
        quoted[i] = any(s in QUOTE_OPENERS for s in stack)
        nested[i] = bool(stack)
    return quoted, nested


def split_spans(text: str, ends: frozenset[str], nested: list[bool]) -> list[tuple[int, int]]:
    """Spans of ``text`` ending after a character of ``ends`` that is not ``nested`` (see
    ``nesting_masks``), whitespace trimmed, empty ones dropped."""
    spans, begin = [], 0
    for i, ch in enumerate(text):
        if ch in ends and not nested[i]:
            spans.append((begin, i + 1))
            begin = i + 1
    if begin < len(text):
        spans.append((begin, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The span containing offset ``pos``. Raises ValueError when none does."""
    for a, b in spans:
        if a <= pos < b:
            return a, b
    raise ValueError(pos)
