"""The dev-set gate: retrieval and answer figures must reach eval/gate.json and beat the naive baseline."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.__main__ import DEV_SET
from eval.gate import check_gate, frozen_file
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


def test_blind_set_is_frozen_and_well_formed(assistant):
    path = frozen_file("blind")
    rows = read_questions(path)
    questions = [q for _, q, _ in rows if q is not None]
    assert len(questions) == len(rows) >= 150
    assert {q.voice for q in questions} >= {"cadre", "journalist", "resident"}
    assert sum(bool(q.turns) for q in questions) >= 20
    assert sum(q.type in ("count", "compare", "structure") for q in questions) >= 15
    assert sum(not q.answerable for q in questions) >= 15
    units = {u.ref for u in assistant.index.units}
    assert all(ref in units for q in questions for ref in q.articles)


def test_edited_frozen_set_is_refused(tmp_path):
    gate = tmp_path / "gate.json"
    (tmp_path / "blind.jsonl").write_text('{"id": "x", "question": "q"}\n', encoding="utf-8")
    gate.write_text('{"blind": {"file": "blind.jsonl", "sha256": "0"}}', encoding="utf-8")
    with pytest.raises(ValueError, match="edited"):
        frozen_file("blind", gate)


@pytest.mark.parametrize("section", ["blind", "dev2", "dev3", "dev4"])
def test_independent_sets_gate(assistant, capsys, tmp_path, section):
    path = frozen_file(section) if section == "blind" else Path(__file__).parents[1] / "eval" / f"{section}.jsonl"
    summaries, errors = evaluate(assistant, path, tmp_path / "pred.jsonl")
    failures = check_gate(summaries["ours"], None, section=section)
    with capsys.disabled():
        print(f"\n=== {section} set (python -m eval --questions eval/{path.name} --gate-set {section}) ===")
        print_table(summaries)
        print("gate failures:", failures or "none")
    assert errors == 0
    assert not failures


def test_evidence_thresholds_are_the_calibrated_ones(assistant):
    """config.EvidenceSettings holds what python -m eval.calibrate fits on the dev set."""
    from eval.calibrate import best_settings, cost, features

    questions = [q for _, q, _ in read_questions(DEV_SET) if q is not None]
    rows = features(assistant, questions)
    base = assistant.judge.settings
    fitted = best_settings(assistant.judge, base, rows)
    assistant.judge.settings = base
    assert (fitted.min_coverage, fitted.min_dense, fitted.min_coverage_with_dense, fitted.absent_share_max) == (
        base.min_coverage, base.min_dense, base.min_coverage_with_dense, base.absent_share_max)
    _, false_refusals, answered = cost(assistant.judge, base, rows)
    assistant.judge.settings = base
    assert false_refusals <= 2 and answered == 0


def test_switch_pairs_put_another_articles_question_first():
    from eval.metrics import Question
    from eval.switch_pairs import pairs

    qs = [Question(id=str(i), question=f"q{i}", articles=(a,), facts=(), type="policy") for i, a in enumerate("1127")]
    got = [(e.id, q.id) for e, q in pairs(qs)]
    assert got == [("3", "0"), ("3", "1"), ("1", "2"), ("2", "3")]
