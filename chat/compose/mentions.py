"""Every mention of a term: all units whose normalised text contains it, not only the top-k."""
from __future__ import annotations

import re

from ingest.index import KnowledgeIndex
from ingest.text.normalize import normalize
from ingest.text.sentences import sentence_spans
from ingest.units import Unit

PIECE_SPLIT_RE = re.compile(r"[“”\"'‘’《》「」、,，和与及的\s]+")


def term_pieces(term: str) -> list[str]:
    """The term itself, or, when it is a phrase like “宁愿苦干、不愿苦熬”精神, its pieces."""
    pieces = [p for p in PIECE_SPLIT_RE.split(normalize(term)) if len(p) >= 2]
    return pieces or [normalize(term)]


def find_mentions(index: KnowledgeIndex, term: str, doc_id: str | None = None) -> list[tuple[Unit, list[str]]]:
    """(unit, sentences containing the term) for every unit that mentions it, in document order.

    A unit matches when its text contains the whole term, or else every piece of it; the
    sentences shown are those containing the whole term or its first piece.
    """
    whole = normalize(term).strip("“”\"'")
    pieces = term_pieces(term)
    found = []
    for unit in index.units:
        if doc_id is not None and unit.doc_id != doc_id:
            continue
        text = normalize(unit.text)
        if whole in text:
            key = whole
        elif all(p in text for p in pieces):
            key = pieces[0]
        else:
            continue
        sentences = [unit.text[s:e] for s, e in sentence_spans(unit.text, 10_000)
                     if key in normalize(unit.text[s:e])]
        found.append((unit, sentences[:3] or [unit.text[:80]]))
    return found


def source_of(index: KnowledgeIndex, text: str, min_chars: int, doc_id: str | None = None) -> Unit | None:
    """The unit a pasted passage comes from: one containing a verbatim run of ``min_chars`` characters of it
    (AnswerSettings.paste_min_chars); texts shorter than ``min_chars`` + 4 are no paste."""
    norm = normalize(text)
    if len(norm) < min_chars + 4:
        return None
    windows = [norm[s:s + min_chars] for s in range(0, len(norm) - min_chars + 1, 5)]
    best: tuple[int, Unit] | None = None          # (first matching window, unit): earliest window wins
    for unit in index.units:                      # each unit normalised once, not once per window
        if doc_id is not None and unit.doc_id != doc_id:
            continue
        unit_text = normalize(unit.text)
        first = next((i for i, w in enumerate(windows) if w in unit_text), None)
        if first is not None and (best is None or first < best[0]):
            best = (first, unit)
    return best[1] if best else None
