"""``python -m eval.switch_pairs``: what an earlier turn costs a new question.

Each answerable dev question (none of them has turns) is asked in a conversation right after the nearest
earlier dev question whose primary article differs, as a user who changes the subject would. Printed:
hit@1 and fact recall of these pairs beside the same questions asked alone, and how the understanding took
them (new / rewrite …). A follow-up rule that also catches topic changes shows here as a loss; the
follow-ups themselves are measured by dev2 and the blind set, which have conversations.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .metrics import Question, answer_scores
from .runner import read_questions

DEV_SET = Path(__file__).with_name("dev.jsonl")


def pairs(questions: list[Question]) -> list[tuple[Question, Question]]:
    """(earlier question, question) for every answerable question without turns: the earlier one is the
    nearest before it (wrapping round) whose primary article is another."""
    answerable = [q for q in questions if q.answerable and not q.turns]
    out = []
    for i, q in enumerate(answerable):
        before = answerable[i - 1::-1] + answerable[:i:-1]
        out.append((next(p for p in before if p.articles[0] != q.articles[0]), q))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the figures; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.switch_pairs", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="also list the pairs not taken as new")
    args = parser.parse_args(argv)
    from chat.pipeline import Assistant
    from chat.understanding.conversation import Conversation

    assistant = Assistant.from_settings()
    units = {u.ref: u.text for u in assistant.index.units}
    taken: Counter = Counter()
    sums = {"alone": [0.0, 0.0], "after": [0.0, 0.0]}
    todo = pairs([q for _, q, _ in read_questions(DEV_SET) if q is not None])
    for earlier, q in todo:
        conversation = Conversation()
        assistant.ask(earlier.question, conversation)
        for name, conv in (("after", conversation), ("alone", None)):
            pred = assistant.ask(q.question, conv).to_json()
            top = str(pred["retrieved"][0]["ref"]) if pred["retrieved"] else None
            sums[name][0] += top == q.articles[0]
            sums[name][1] += answer_scores(q, pred, units, assistant.facts).get("fact_recall", 0.0)
        query = conversation.turns[-1].query
        taken[query.followup] += 1
        if args.verbose and query.followup != "new":
            print(f"{q.id}: {earlier.question} | {q.question} -> {query.text}")
    n = len(todo)
    for name, (hits, facts) in sums.items():
        print(f"{name:<6} {n} questions   hit@1 {hits / n:.3f}   fact recall {facts / n:.3f}")
    print(f"taken as: {dict(taken)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
