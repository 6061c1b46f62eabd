"""The dev-set gate: retrieval and answer figures must reach eval/gate.json and beat the naive baseline."""
from __future__ import annotations

from eval.__main__ import DEV_SET
from eval.baseline import NaiveBaseline
from eval.gate import check_gate
from eval.runner import print_table, read_questions, run_questions, summarise


def test_dev_set_is_well_formed(assistant):
    rows = read_questions(DEV_SET)
    questions = [q for _, q, err in rows if q is not None]
    assert len(questions) == len(rows) >= 150
    assert len({q.id for q in questions}) == len(questions)
    units = {u.ref: u for u in assistant.retriever.index.units}
    primaries = {q.articles[0] for q in questions if q.answerable}
    assert {str(n) for n in range(1, 55)} <= primaries, "every article is some question's primary ref"
    types = {q.type for q in questions}
    assert types == {"target", "project", "policy", "locate", "multi", "paraphrase", "unanswerable"}
    for q in questions:
        assert all(ref in units for ref in q.articles), q.id
        if q.answerable:
            assert all(any(f in units[r].text for r in q.articles) for f in q.facts), q.id
        else:
            assert not q.facts, q.id


def test_dev_set_gate(assistant, capsys, tmp_path):
    rows = read_questions(DEV_SET)
    questions = [q for _, q, _ in rows if q is not None]
    ours = summarise(questions, run_questions(rows, lambda t: assistant.ask(t).to_json(), tmp_path / "pred.jsonl"))
    index = assistant.retriever.index
    sources = {d.doc_id: (assistant.settings.paths.kb_dir / d.source_file).read_text(encoding="utf-8")
               for d in index.documents}
    baseline = NaiveBaseline(index, assistant.retriever.embedder, sources)
    theirs = summarise(questions, run_questions(rows, baseline.ask, None))
    failures = check_gate(ours, theirs)
    with capsys.disabled():
        print("\n=== dev set: ours / naive baseline ===")
        print_table({"ours": ours, "baseline": theirs})
        print("gate failures:", failures or "none")
    assert not failures
