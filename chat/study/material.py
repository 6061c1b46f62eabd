"""What quiz items are cut from: the scope of a quiz, the sentences of its units, clause windows
around a span, blanked question text, and the choice of distractors.

Sentences and clauses come from the text grammar (``ingest.text.sentences``); nothing here splits
text on its own.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from config import StudySettings
from ingest.index import KnowledgeIndex
from ingest.targets import Target
from ingest.text.sentences import CLAUSE_ENDS, nesting_masks, sentence_spans, split_spans
from ingest.units import Unit

from chat.study.items import BLANK

WHOLE = 100_000                          # sentence_spans' max_chars for whole sentences
WINDOW_MIN, WINDOW_MAX = 12, 80          # a question's words besides its blank; its longest stretch
ASCII_PUNCT = {",": "，", ";": "；"}


@dataclass
class Scope:
    """The units a quiz draws items from, and the whole documents its distractors may come from."""

    index: KnowledgeIndex
    units: list[Unit]
    doc_units: dict[str, list[Unit]] = field(default_factory=dict)
    settings: StudySettings = field(default_factory=StudySettings)

    def rows(self, doc_id: str) -> list[Target]:
        """The targets-table rows of one document."""
        return [t for t in self.index.targets if t.doc_id == doc_id]

    def unit_of(self, row: Target) -> Unit | None:
        """The in-scope unit a targets row belongs to, or None when it is out of scope."""
        return next((u for u in self.units if u.doc_id == row.doc_id and u.ref == row.ref), None)

    def name(self, doc_id: str) -> str:
        """How a question names the document: 《建议》 for the primary one, 《简称》 otherwise."""
        doc = next((d for d in self.index.documents if d.doc_id == doc_id), None)
        return "《建议》" if doc is None or doc.primary else f"《{doc.short_title}》"


def make_scope(index: KnowledgeIndex, part: int | None, doc_id: str | None,
               settings: StudySettings = StudySettings()) -> Scope:
    """Units of ``doc_id`` (every document when None) and of part ``part`` (every part when None);
    the header unit (title and adoption line) is never quizzed."""
    docs = [u for u in index.units if doc_id is None or u.doc_id == doc_id]
    units = [u for u in docs if u.kind != "header" and (part is None or u.part_no == part)]
    by_doc: dict[str, list[Unit]] = {}
    for u in docs:
        by_doc.setdefault(u.doc_id, []).append(u)
    return Scope(index, units, by_doc, settings)


def sentences(unit: Unit) -> list[tuple[int, int]]:
    """(start, end) of each whole sentence of a unit."""
    return sentence_spans(unit.text, WHOLE)


def sentence_at(unit: Unit, offset: int) -> tuple[int, int]:
    """The whole sentence of ``unit`` holding character ``offset``."""
    return next(((s, e) for s, e in sentences(unit) if s <= offset < e), (0, len(unit.text)))


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Clauses of a sentence, ending at ，；。 outside quotes and brackets."""
    return split_spans(sentence, CLAUSE_ENDS, nesting_masks(sentence)[1])


def window(sentence: str, start: int, end: int, context: int = WINDOW_MIN) -> tuple[int, int]:
    """Whole clauses of ``sentence`` around [start, end): the clauses it touches, then neighbours added
    (the one before first) while they hold fewer than ``context`` characters besides [start, end)
    and the window stays within WINDOW_MAX."""
    spans = clauses(sentence) or [(0, len(sentence))]
    inside = [i for i, (a, b) in enumerate(spans) if a < end and b > start] or [0]
    lo, hi = inside[0], inside[-1]
    while spans[hi][1] - spans[lo][0] - (end - start) < context:
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= WINDOW_MAX:
            lo -= 1
        elif hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= WINDOW_MAX:
            hi += 1
        else:
            break
    return spans[lo][0], spans[hi][1]


def fullwidth(text: str) -> str:
    """ASCII , ; as full-width ，； (not inside numbers), as a test paper prints them."""
    return re.sub(r"[,;](?!\d)", lambda m: ASCII_PUNCT[m.group(0)], text)


def tidy(text: str) -> str:
    """Question punctuation: full-width commas, a full stop at the end."""
    text = fullwidth(text).rstrip("，、；：,;: ")
    return text if text.endswith(("。", "？", "！", "。”", "？”", "！”")) else text + "。"


def blanked(sentence: str, start: int, end: int, context: int = WINDOW_MIN) -> str:
    """The clause window around [start, end) (see ``window``) with that span replaced by a blank."""
    a, b = window(sentence, start, end, context)
    return tidy(sentence[a:start] + BLANK + sentence[end:b])


def shape(text: str) -> tuple[bool, bool, bool]:
    """What makes two strings look alike on a test paper: digits, '+', '、' inside."""
    return bool(re.search(r"\d", text)), "+" in text, "、" in text


def distractors(rng: random.Random, answer: str, pool: list[str], avoid: list[str],
                rank=lambda cand: 0, k: int = 3) -> list[str]:
    """Up to ``k`` distinct strings of ``pool`` that neither hold nor are held by ``answer`` and occur
    in none of ``avoid`` (the source sentence, the question); the best ``rank`` first (lower is
    better), ties in a seed-dependent order."""
    fine = sorted({p for p in pool if p and p not in answer and answer not in p
                   and not any(p in text for text in avoid)})
    keyed = sorted(fine, key=lambda p: (rank(p), rng.random()))
    return keyed[:k]


def choices_of(rng: random.Random, answer: str, wrong: list[str], k: int = 3) -> tuple[str, ...] | None:
    """The answer and ``k`` distractors in a seed-dependent order; None (fill-in-the-blank) when there
    are fewer than ``k`` distractors."""
    if len(wrong) < k:
        return None
    options = [answer] + wrong[:k]
    rng.shuffle(options)
    return tuple(options)
