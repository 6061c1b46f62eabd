"""``python -m eval.bench --backend local|openai``: the model path timed on the 30 fixed open-shape questions.

The questions are the blind-set ids in ``eval/open_shapes.json``, fixed before the model-answer work by type
alone (every list, explain and policy question of ``eval/blind.jsonl``, then its project questions in file
order up to 30; :func:`open_shape_ids` re-derives them). Each is asked once with the model backend (after
one warm-up question outside the set, so the fixed instruction prefix is in llama.cpp's prompt cache, as
in a running app) and once extractively. Printed: time to the model's first words (the first non-blank
delta after its status note, from the question) and to the whole answer, p50/p95; the share of questions
whose answer is the model's own text (kept), of those routed to the model and of all; the fallbacks by
code; the share of model sentences kept; and fact recall, quotes verbatim and numbers backed against the
extractive answers on the same questions (eval.metrics), and the fact recall of the model's own lines alone
(without the extractive lines it left out, which follow them: chat/compose/completion.py).
"""
from __future__ import annotations

import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path

from chat.compose.completion import LEFT_OUT_HEADING

from .metrics import Question, answer_scores

IDS_FILE = Path(__file__).with_name("open_shapes.json")
BLIND = Path(__file__).with_name("blind.jsonl")
OPEN_TYPES = ("list", "explain", "policy")       # all of these, then project questions up to SET_SIZE
FILL_TYPE = "project"
SET_SIZE = 30
WARM_UP = "低空经济怎么发展？"
KEPT_SENTENCE_RE = re.compile(r"[^〕\n]+?(?:〔[^〕]+〕)+")


def open_shape_ids(blind: Path = BLIND) -> list[str]:
    """The rule behind open_shapes.json, from the blind set's type labels only."""
    types = [(r["id"], r["type"]) for r in map(json.loads, blind.read_text(encoding="utf-8").splitlines())]
    chosen = [i for i, t in types if t in OPEN_TYPES]
    return chosen + [i for i, t in types if t == FILL_TYPE][: SET_SIZE - len(chosen)]


def fixed_questions() -> list[Question]:
    """The fixed questions, in the order of open_shapes.json."""
    ids = json.loads(IDS_FILE.read_text(encoding="utf-8"))["ids"]
    rows = {r["id"]: r for r in map(json.loads, BLIND.read_text(encoding="utf-8").splitlines())}
    return [Question.from_json(rows[i]) for i in ids]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed_answer(assistant, question: str, backend: str) -> tuple[dict, float | None, float]:
    """(answer JSON, seconds to the model's first words or None when no model was asked, total seconds)."""
    started = time.perf_counter()
    first, asked = None, False
    for event in assistant.stream(question, backend=backend):
        if event.kind == "status":
            asked = True
        elif event.kind == "delta" and asked and first is None and event.text.strip():
            first = time.perf_counter() - started
        elif event.kind == "answer":
            answer = event.answer
    return answer.to_json(), first, time.perf_counter() - started


def run_model_bench(assistant, backend: str, out: Path | None = None) -> int:
    """Ask the fixed questions with ``backend`` and extractively; print the figures; returns 0."""
    questions = fixed_questions()
    units = {u.ref: u.text for u in assistant.index.units}
    started = time.perf_counter()
    assistant.backend(backend)._chat_model()                # local: assemble and start the server
    print(f"{backend} backend ready in {time.perf_counter() - started:.1f} s", flush=True)
    timed_answer(assistant, WARM_UP, backend)
    rows = []
    sink = open(out, "w", encoding="utf-8") if out else None
    try:
        for q in questions:
            pred, first, total = timed_answer(assistant, q.question, backend)
            extractive = assistant.ask(q.question, backend="extractive").to_json()
            row = {"id": q.id, "type": q.type, "first_s": first, "total_s": total, "pred": pred,
                   "ours": answer_scores(q, pred, units, assistant.facts),
                   "model_text": answer_scores(q, pred | {"answer": model_text(pred["answer"])}, units, assistant.facts),
                   "extractive": answer_scores(q, extractive, units, assistant.facts)}
            rows.append(row)
            print(f"{q.id} {q.type:<8} first {first if first is None else round(first, 1)!s:>5} s  total "
                  f"{total:5.1f} s  {pred['backend']:<10} {pred['fallback'] or '':<10} "
                  f"recall {row['ours'].get('fact_recall', 0):.2f}/{row['extractive'].get('fact_recall', 0):.2f}",
                  flush=True)
            if sink:
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if sink:
            sink.close()
    print_summary(rows, backend)
    return 0


def model_text(answer: str) -> str:
    """The model's own part of an answer: what precedes the extractive lines it left out
    (chat/compose/completion.py)."""
    return answer.split(LEFT_OUT_HEADING, 1)[0]


def print_summary(rows: list[dict], backend: str) -> None:
    """The figures of a model bench run (see the module docstring)."""
    routed = [r for r in rows if r["first_s"] is not None or r["pred"]["fallback"]]
    kept = [r for r in rows if r["pred"]["backend"] == backend]
    firsts = [r["first_s"] for r in rows if r["first_s"] is not None]
    totals = [r["total_s"] for r in routed]
    written = sum(len(KEPT_SENTENCE_RE.findall(model_text(r["pred"]["answer"]))) for r in kept)
    failed = sum(1 for r in routed for d in r["pred"]["dropped"] if d["reason"] != "cited number not among the evidence")
    mean = lambda key, who, pool: statistics.fmean(r[who][key] for r in pool if key in r[who])  # noqa: E731
    print(f"\n=== model bench: {backend}, {len(rows)} fixed open-shape blind questions ===")
    print(f"routed to the model:          {len(routed)}/{len(rows)}")
    print(f"model's own text kept:        {len(kept)}/{len(routed)} routed ({len(kept) / max(1, len(routed)):.0%}), "
          f"{len(kept)}/{len(rows)} of all ({len(kept) / max(1, len(rows)):.0%})")
    print(f"fallbacks:                    {dict(Counter(r['pred']['fallback'] for r in routed if r['pred']['fallback']))}")
    print(f"model sentences kept:         {written}/{written + failed} (sentences dropped by verification: {failed})")
    if firsts:
        print(f"time to first model words:    p50 {statistics.median(firsts):5.1f} s   p95 {percentile(firsts, 95):5.1f} s")
    if totals:
        print(f"total answer time (routed):   p50 {statistics.median(totals):5.1f} s   p95 {percentile(totals, 95):5.1f} s")
    for pool, name in ((rows, "all 30"), (kept, "model-kept")):
        if pool:
            print(f"{name:<12} fact recall {mean('fact_recall', 'ours', pool):.3f} (extractive {mean('fact_recall', 'extractive', pool):.3f})"
                  f"   quotes verbatim {mean('quotes_verbatim', 'ours', pool):.2f}   numbers backed {mean('numbers_backed', 'ours', pool):.2f}")
    if kept:
        print(f"model-kept   fact recall of the model's own lines alone (before {LEFT_OUT_HEADING}): "
              f"{mean('fact_recall', 'model_text', kept):.3f}")
