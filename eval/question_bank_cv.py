"""``python -m eval.question_bank_cv``: the synthetic questions as a question bank (FAQ matching), measured
as a retrieval signal by cross-validation on the dev set; the blind set is never used.

Each of the 648 questions of ``ingest/data/synthetic_questions.jsonl`` (written from the plan text alone)
belongs to its article. For a dev question two per-unit signals are computed: the best BM25 of its tokens
against one of the unit's bank questions, and the best cosine of its e5 query embedding with one of them.
Each (min-max normalised) is added to the fused score of config.RetrievalSettings with a weight fitted on
4 folds and scored on the 5th, as ``eval.retrieval_cv`` does; printed are the out-of-fold hit@1 / hit@5
and the weights each fold chose (0 everywhere: the signal is not used).
"""
from __future__ import annotations

import argparse
import itertools
import json
import pickle
from pathlib import Path

import numpy as np

from . import retrieval_cv as cv
from .runner import read_questions

BANK = Path(__file__).resolve().parents[1] / "ingest" / "data" / "synthetic_questions.jsonl"
WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)


def bank_signals(retriever, rows: list[cv.Row]) -> None:
    """Adds ``bank_bm25`` and ``bank_dense`` (n_units arrays) to every row's signals."""
    from ingest.bm25 import BM25

    bank = [json.loads(line) for line in BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    primary = retriever.index.documents[0].doc_id          # the bank was written on the primary document
    unit_of = {u.ref: i for i, u in enumerate(retriever.index.units) if u.doc_id == primary}
    owner = np.array([unit_of[str(b["article"])] for b in bank])
    s = retriever.settings.retrieval
    bm25 = BM25.fit([retriever.analyzer.doc_tokens(b["question"]) for b in bank], s.bm25_k1, s.bm25_b)
    vectors = np.array([retriever.embedder.encode_query(b["question"]) for b in bank])

    def per_unit(scores: np.ndarray) -> np.ndarray:
        out = np.zeros(len(retriever.index.units), dtype=np.float32)
        np.maximum.at(out, owner, scores.astype(np.float32))
        return out

    for row in rows:
        row.signals.arrays["bank_bm25"] = per_unit(bm25.scores(retriever.analyzer.query_tokens(row.text)))
        row.signals.arrays["bank_dense"] = per_unit(vectors @ np.asarray(retriever.embedder.encode_query(row.text)))


def hits(retriever, rows: list[cv.Row], w_bm25: float, w_dense: float) -> tuple[float, float]:
    """(hit@1, hit@5) with the bank signals added at these weights."""
    from chat.retrieval.signals import minmax

    h1 = h5 = 0
    for row in rows:
        a = row.signals.arrays
        fused = (row.signals.fuse(retriever.settings.retrieval) + w_bm25 * minmax(a["bank_bm25"])
                 + w_dense * minmax(a["bank_dense"]))
        fused = np.where(row.mask if row.header else row.mask & ~retriever._is_header, fused, -np.inf)
        top = [retriever.index.units[i].ref for i in np.argsort(-fused, kind="stable")[:5] if np.isfinite(fused[i])]
        h1 += bool(top) and top[0] == row.articles[0]
        h5 += row.articles[0] in top
    return h1 / len(rows), h5 / len(rows)


def main(argv: list[str] | None = None) -> int:
    """Print each candidate's out-of-fold figures; returns 0."""
    from chat.pipeline import Assistant

    parser = argparse.ArgumentParser(prog="python -m eval.question_bank_cv", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", type=Path, help="keep the computed dev signals in this pickle (re-runs)")
    args = parser.parse_args(argv)
    assistant = Assistant.from_settings()
    retriever = assistant.retriever
    if args.cache and args.cache.exists():
        rows = cv.load_rows(args.cache)
    else:
        rows = cv.collect(assistant, [q for _, q, _ in read_questions(cv.DEV_SET) if q is not None])
        if args.cache:
            args.cache.write_bytes(pickle.dumps(rows))
    bank_signals(retriever, rows)
    grids = {"config.py as is": [(0.0, 0.0)], "bank BM25": [(w, 0.0) for w in WEIGHTS],
             "bank dense": [(0.0, w) for w in WEIGHTS], "both": list(itertools.product(WEIGHTS, WEIGHTS))}
    for name, grid in grids.items():
        h1 = h5 = 0.0
        chosen = []
        for k in range(args.folds):
            train = [r for i, r in enumerate(rows) if i % args.folds != k]
            test = [r for i, r in enumerate(rows) if i % args.folds == k]
            best = max(grid, key=lambda g: (hits(retriever, train, *g), -sum(g)))
            got = hits(retriever, test, *best)
            h1, h5 = h1 + got[0] * len(test), h5 + got[1] * len(test)
            chosen.append(best)
        print(f"{name:<16} out-of-fold hit@1 {h1 / len(rows):.3f}  hit@5 {h5 / len(rows):.3f}  weights {chosen}",
              flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
