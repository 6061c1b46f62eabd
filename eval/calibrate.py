"""``python -m eval.calibrate``: choose the evidence thresholds (config.EvidenceSettings) by
cross-validation on the dev set, and print the out-of-fold figures.

For each dev question the pipeline runs once with the evidence gate open, which gives its evidence
(topic coverage, dense similarity, absent-word share), whether it was refused anyway (a figure the
plan does not give, another region's plan, a request to the assistant) and whether its shape found
its own evidence (a figure row, a count). The final outcome under any thresholds follows from
these, so a grid of thresholds is scored on k-1 folds (cost: 2 × false refusals + answers to
unanswerable questions) and applied to the held-out fold. The blind set is never used here.
"""
from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from .runner import read_questions

DEV_SET = Path(__file__).with_name("dev.jsonl")
GRID = {
    "min_coverage": [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
    "min_dense": [0.0, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 1.0],
    "min_coverage_with_dense": [0.0, 0.2, 0.3, 0.4],
    "absent_share_max": [0.3, 0.4, 0.5, 0.6, 1.01],
}


UNGATED_ROUTES = ("metadata", "structure", "article", "mentions", "refusal")


@dataclass(frozen=True)
class Row:
    """One dev question's outcome with the evidence gate open: its Evidence (from the pipeline's judge)
    and whether it is answerable."""

    evidence: object
    answerable: bool
    refused_anyway: bool        # refused with the gate open
    gated: bool                 # the gate applies to this question's route
    specific: bool              # the shape found its own evidence (figure row, count)


def features(assistant, questions) -> list[Row]:
    """One Row per question, through the pipeline's own steps with the evidence gate open."""
    from chat.understanding.conversation import Conversation
    from chat.compose.router import SPECIFIC_ROUTES
    from chat.pipeline import TurnState
    from chat.inputs import prepare_question

    base = assistant.judge.settings
    open_gate = replace(base, min_coverage=0.0, min_dense=0.0, min_coverage_with_dense=0.0, absent_share_max=9.0)
    rows = []
    for q in questions:
        conversation = Conversation()
        for earlier in q.turns:
            assistant.ask(earlier, conversation)
        assistant.judge.settings = open_gate
        assistant.settings = assistant.router.settings = replace(assistant.settings, evidence=open_gate)
        turn = assistant._retrieve(assistant._understand(TurnState(prepare_question(q.question),
                                                                   conversation=conversation)))
        draft = assistant.router.draft(turn)
        assistant.judge.settings = base
        assistant.settings = assistant.router.settings = replace(assistant.settings, evidence=base)
        rows.append(Row(turn.evidence, q.answerable, draft.refused, draft.route not in UNGATED_ROUTES,
                        draft.route in SPECIFIC_ROUTES))
    return rows


def refused(judge, settings, row: Row) -> bool:
    """Whether ``row`` would be refused under ``settings`` (an EvidenceSettings; set on ``judge`` as
    a side effect)."""
    judge.settings = settings
    if row.refused_anyway or not row.gated:
        return row.refused_anyway
    return row.evidence.absent_share >= settings.absent_share_max or (
        not row.specific and not judge.strong(row.evidence))


def cost(judge, settings, rows) -> tuple[float, int, int]:
    """(2 × false refusals + unanswerable questions answered, false refusals, answered unanswerables)
    of ``rows`` under ``settings``."""
    false_refusals = sum(1 for r in rows if r.answerable and refused(judge, settings, r))
    missed = sum(1 for r in rows if not r.answerable and not refused(judge, settings, r))
    return 2 * false_refusals + missed, false_refusals, missed


def strictness(settings) -> tuple:
    """Among equally good settings, the strictest gate wins: an honest "原文未涉及" is preferred
    to an answer from weak evidence on questions the dev set does not cover."""
    return (settings.min_coverage, settings.min_dense, settings.min_coverage_with_dense, -settings.absent_share_max)


def best_settings(judge, base, rows):
    """The GRID point of lowest ``cost`` on ``rows``, ties going to the strictest (``strictness``)."""
    best = None
    for values in itertools.product(*GRID.values()):
        settings = replace(base, **dict(zip(GRID, values)))
        c = cost(judge, settings, rows)
        if best is None or (c[0], tuple(-x for x in strictness(settings))) < (best[0][0], tuple(-x for x in strictness(best[1]))):
            best = (c, settings)
    return best[1]


def main(argv: list[str] | None = None) -> int:
    """Print the k-fold out-of-fold figures of the threshold search on the dev set, the settings
    fitted on all of it, and config.py's current ones; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.calibrate", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    from chat.pipeline import Assistant

    assistant = Assistant.from_settings()
    questions = [q for _, q, _ in read_questions(DEV_SET) if q is not None]
    rows = features(assistant, questions)
    judge, base = assistant.judge, assistant.judge.settings
    n_ans = sum(r.answerable for r in rows)
    n_un = len(rows) - n_ans
    fr = missed = 0
    for k in range(args.folds):
        train = [r for i, r in enumerate(rows) if i % args.folds != k]
        test = [r for i, r in enumerate(rows) if i % args.folds == k]
        chosen = best_settings(judge, base, train)
        _, f, m = cost(judge, chosen, test)
        fr, missed = fr + f, missed + m
    print(f"dev set, {args.folds}-fold out-of-fold: false refusals {fr}/{n_ans} = {fr / n_ans:.3f}, "
          f"unanswerable answered {missed}/{n_un} = {missed / n_un:.3f}")
    final = best_settings(judge, base, rows)
    _, f, m = cost(judge, final, rows)
    print(f"fitted on all of dev: {final}  (in-sample false refusals {f}, let through {m})")
    _, f, m = cost(judge, base, rows)
    print(f"config.py now: {base}  (false refusals {f}, let through {m})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
