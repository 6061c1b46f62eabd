"""The quiz item and its JSON form, shared by the generator (``quiz``) and the paper (``paper``)."""
from __future__ import annotations

from dataclasses import dataclass

from ingest.text.refs import ref_to_json

KINDS = ("figure", "formulation", "list", "article")
KIND_LABELS = {"figure": "数据", "formulation": "提法", "list": "列举", "article": "出处"}
BLANK = "____"


@dataclass(frozen=True)
class QuizItem:
    """One self-test question: multiple choice when ``choices`` is a tuple, fill-in-the-blank when it is
    None. ``answer`` occurs verbatim in the unit (for ``kind`` "article" it is the unit's label);
    ``source`` is the verbatim sentence of the unit the item was made from."""

    question: str
    choices: tuple[str, ...] | None
    answer: str
    ref: str
    label: str
    source: str
    kind: str


def to_json(item: QuizItem) -> dict:
    """The item as a JSON object: question, choices (a list, or null for fill-in-the-blank), answer,
    ref (7 for an article, "P3" for a part intro), label and source."""
    return {
        "question": item.question,
        "choices": list(item.choices) if item.choices is not None else None,
        "answer": item.answer,
        "ref": ref_to_json(item.ref),
        "label": item.label,
        "source": item.source,
    }
