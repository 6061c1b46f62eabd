"""Run a question file through a backend, write predictions, summarise the metrics."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Iterable

from ingest.text.refs import ref_from_json

from .metrics import (ANSWER_METRICS, RETRIEVAL_METRICS, Question, answer_scores,
                      mean_by_group, retrieval_scores)

TYPE_ORDER = ("target", "figure", "project", "policy", "list", "count", "compare", "structure", "metadata",
              "locate", "explain", "yesno", "multi", "paraphrase", "followup", "unanswerable")


def read_questions(path: Path) -> list[tuple[dict, Question | None, str | None]]:
    """Every line of a JSONL question file: (raw object, parsed question or None, error)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            rows.append((raw, Question.from_json(raw), None))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            rows.append(({"id": f"line{n}"}, None, f"unreadable question line {n}: {exc}"))
    return rows


def run_questions(rows, ask: Callable[[Question], dict], out_path: Path | None) -> list[dict]:
    """Ask every question (``ask`` gets the Question, with its earlier ``turns``); a question the
    pipeline rejects gets an ``error`` and the run goes on."""
    preds = []
    out = open(out_path, "w", encoding="utf-8") if out_path else None
    try:
        for raw, question, error in rows:
            pred: dict = {"id": raw.get("id")}
            if question is None:
                pred["error"] = error
            else:
                try:
                    pred |= ask(question)
                except ValueError as exc:          # rejected input: recorded, not fatal
                    pred |= {"question": question.question, "error": str(exc)}
            preds.append(pred)
            if out:
                out.write(json.dumps(pred, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    return preds


def ask_in_conversation(assistant, question: Question, backend: str) -> dict:
    """The question's answer as JSON, asked in a fresh conversation after its earlier ``turns``."""
    from chat.understanding.conversation import Conversation

    conversation = Conversation()
    for earlier in question.turns:
        assistant.ask(earlier, conversation, backend="extractive")
    return assistant.ask(question.question, conversation, backend=backend).to_json()


def summarise(questions: Iterable[Question], preds: list[dict], unit_texts: dict[str, str],
              facts: set[str] = frozenset()) -> dict[str, dict[str, float]]:
    """Per-type means of retrieval metrics (answerable only) and answer metrics."""
    rows = []
    by_id = {p.get("id"): p for p in preds}
    for q in questions:
        pred = by_id.get(q.id)
        if pred is None or "error" in pred:
            continue
        scores = answer_scores(q, pred, unit_texts, facts)
        if q.answerable:
            ranked = [ref_from_json(r["ref"]) for r in pred.get("retrieved", [])]
            scores |= retrieval_scores(q, ranked)
            rows.append(("answerable", scores))
        rows.append((q.type, scores))
        if q.voice:
            rows.append((f"voice:{q.voice}", scores))
    summary = mean_by_group(rows)
    summary.pop("all", None)           # 'answerable' + 'unanswerable' rows are the meaningful totals
    return summary


def evaluate(assistant, questions_path: Path, out_path: Path | None = None, with_baseline: bool = False,
             backend: str = "extractive", limit: int | None = None) -> tuple[dict, int]:
    """Run a question file through the assistant (and the naive baseline): summaries by system, errors.
    ``limit`` takes an evenly spread sample of that many questions (for slow backends)."""
    rows = read_questions(questions_path)
    if limit and limit < len(rows):
        rows = [rows[round(i * len(rows) / limit)] for i in range(limit)]
    questions = [q for _, q, _ in rows if q is not None]
    index = assistant.index
    unit_texts = {u.ref: u.text for u in index.units}
    preds = run_questions(rows, lambda q: ask_in_conversation(assistant, q, backend), out_path)
    summaries = {"ours": summarise(questions, preds, unit_texts, assistant.facts)}
    if with_baseline:
        from .baseline import NaiveBaseline

        sources = {d.doc_id: (assistant.settings.paths.kb_dir / d.source_file).read_text(encoding="utf-8")
                   for d in index.documents}
        baseline = NaiveBaseline(index, assistant.retriever.embedder, sources)
        summaries["baseline"] = summarise(questions, run_questions(rows, lambda q: baseline.ask(q.question), None),
                                          unit_texts)
    summaries["ours"]["answered_by_model"] = {"n": len(preds), "share": sum(
        p.get("backend") == backend for p in preds) / max(1, len(preds))} if backend != "extractive" else {}
    latencies = sorted(p["timings_ms"]["total"] for p in preds if "timings_ms" in p)
    if latencies:
        summaries["ours"]["latency_ms"] = {"n": len(latencies), "p50": latencies[len(latencies) // 2],
                                           "p95": latencies[int(0.95 * (len(latencies) - 1))]}
    return summaries, sum("error" in p for p in preds)


def print_table(summaries: dict[str, dict[str, dict[str, float]]], file=None) -> None:
    """Side-by-side table: one row per question type, one column group per system."""
    file = file or sys.stdout
    metrics = RETRIEVAL_METRICS + ANSWER_METRICS
    names = list(summaries)
    head = f"{'type':<13}{'n':>4}  " + "  ".join(
        f"{m:>{max(len(m), 6) + 1 + 8 * (len(names) - 1)}}" for m in metrics)
    print("systems: " + " | ".join(names), file=file)
    print(head, file=file)
    voices = sorted({g for s in summaries.values() for g in s if g.startswith("voice:")})
    groups = [t for t in ("answerable",) + TYPE_ORDER + tuple(voices) if any(t in s for s in summaries.values())]
    for group in groups:
        first = next(s[group] for s in summaries.values() if group in s)
        cells = []
        for m in metrics:
            vals = [s.get(group, {}).get(m) for s in summaries.values()]
            text = "/".join("  -  " if v is None else f"{v:.3f}" for v in vals)
            cells.append(f"{text:>{max(len(m), 6) + 1 + 8 * (len(names) - 1)}}")
        print(f"{group:<13}{first['n']:>4}  " + "  ".join(cells), file=file)
