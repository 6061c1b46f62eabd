"""The dev-set gate: retrieval and answer figures must reach eval/gate.json and beat the naive baseline."""
from __future__ import annotations

from eval.__main__ import DEV_SET
from eval.gate import check_gate
from eval.runner import evaluate, print_table, read_questions


def test_dev_set_is_well_formed(assistant):
    rows = read_questions(DEV_SET)
    questions = [q for _, q, _ in rows if q is not None]
    assert len(questions) == len(rows) >= 150
    assert len({q.id for q in questions}) == len(questions)
    units = {u.ref: u for u in assistant.index.units}
    primaries = {q.articles[0] for q in questions if q.answerable}
    assert {str(n) for n in range(1, 55)} <= primaries, "every article is some question's primary ref"
    assert {q.type for q in questions} == {"target", "project", "policy", "locate", "multi",
                                           "paraphrase", "unanswerable"}
    for q in questions:
        assert all(ref in units for ref in q.articles), q.id
        if q.answerable:
            assert all(any(f in units[r].text for r in q.articles) for f in q.facts), q.id
        else:
            assert not q.facts, q.id


def test_dev_set_gate(assistant, capsys, tmp_path):
    summaries, errors = evaluate(assistant, DEV_SET, tmp_path / "pred.jsonl", with_baseline=True)
    failures = check_gate(summaries["ours"], summaries["baseline"])
    with capsys.disabled():
        print("\n=== dev set (python -m eval --baseline): ours / naive baseline ===")
        print_table(summaries)
        print("gate failures:", failures or "none")
    assert errors == 0
    assert not failures
