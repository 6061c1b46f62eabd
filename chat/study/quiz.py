"""A deterministic self-test quiz (应知应会) over the plan: figures, formulations, list members and
which-article questions, mixed, each tied to the unit and verbatim sentence it was made from.

    from chat.study.quiz import build_quiz, to_json, quiz_docx
    items = build_quiz(index, n=20, seed=0, part=7)
    quiz_docx(items, "quiz.docx", with_key=True)

    python -m chat quiz -n 20 --seed 0 --part 7 --out quiz.docx --key   # or --json, or text

Rules every item keeps (tests/test_quiz.py checks them over whole quizzes):
- the answer occurs verbatim in its unit (which-article: the answer is the unit's label) and never in
  its own question;
- ``source`` is a verbatim sentence of the unit; no distractor occurs in it;
- choices hold the answer exactly once and no duplicates; fewer than three distractors of the right
  sort make the item fill-in-the-blank (``choices`` None) instead;
- the same seed gives the same quiz; ``part`` and ``doc_id`` restrict the units quizzed.
"""
from __future__ import annotations

import random

from config import StudySettings
from ingest.index import KnowledgeIndex

from chat.study.items import KINDS, QuizItem, to_json
from chat.study.makers import article_items, figure_items, formulation_items, list_items
from chat.study.material import make_scope
from chat.study.paper import quiz_docx

__all__ = ["QuizItem", "build_quiz", "to_json", "quiz_docx", "candidates"]

MAKERS = {"figure": figure_items, "formulation": formulation_items, "list": list_items,
          "article": article_items}


def candidates(index: KnowledgeIndex, seed: int = 0, part: int | None = None,
               doc_id: str | None = None, settings: StudySettings = StudySettings()) -> dict[str, list[QuizItem]]:
    """Every item each kind can make in scope, each kind's list in a seed-dependent order."""
    rng = random.Random(seed)
    scope = make_scope(index, part, doc_id, settings)
    pools = {kind: MAKERS[kind](scope, rng) for kind in KINDS}
    for kind in KINDS:
        rng.shuffle(pools[kind])
    return pools


def _round_robin(pools: dict[str, list[QuizItem]], order: list[str]) -> list[QuizItem]:
    """The kinds' items interleaved in ``order`` until every list is spent."""
    out: list[QuizItem] = []
    depth = max((len(p) for p in pools.values()), default=0)
    for i in range(depth):
        out += [pools[kind][i] for kind in order if i < len(pools[kind])]
    return out


def _pick(ordered: list[QuizItem], n: int) -> list[QuizItem]:
    """The first ``n`` items with distinct questions, one per source sentence while that suffices."""
    picked: list[QuizItem] = []
    sources: set[tuple[str, str]] = set()
    for fresh_source_only in (True, False):
        for item in ordered:
            if len(picked) >= n:
                return picked
            if item in picked or any(p.question == item.question for p in picked):
                continue
            if fresh_source_only and (item.label, item.source) in sources:
                continue
            picked.append(item)
            sources.add((item.label, item.source))
    return picked


def build_quiz(index: KnowledgeIndex, n: int = 20, seed: int = 0, part: int | None = None,
               doc_id: str | None = None, settings: StudySettings = StudySettings()) -> list[QuizItem]:
    """``n`` quiz items (fewer when the scope has too little material), kinds interleaved in a
    seed-dependent order; ``part`` keeps units of that part, ``doc_id`` those of that document."""
    if n <= 0:
        return []
    pools = candidates(index, seed, part, doc_id, settings)
    order = list(KINDS)
    random.Random(seed).shuffle(order)
    return _pick(_round_robin(pools, order), n)
