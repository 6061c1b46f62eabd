"""``python -m eval.retrieval_cv``: choose the retrieval fusion (config.RetrievalSettings) by
cross-validation on the dev set, and print every candidate's out-of-fold hit@1 / hit@5.

Each answerable dev question goes through the pipeline's own understanding (earlier turns first,
its scope, metadata questions with the header), then its signals are computed once
(chat/retrieval/signals.py, every signal, whatever its weight). The ranking under any weights
follows from these, so each candidate — a grid over some weights, the rest as in config.py — is
fitted on k-1 folds (most hit@1, then hit@5, then MRR; ties to the smallest weights, i.e. the least
change) and scored on the held-out fold. ``--sets dev dev2`` pools the two tuning sets (dev has no
follow-ups and few resident-voice figure questions). The blind set is never used here.
"""
from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .runner import read_questions

DEV_SET = Path(__file__).with_name("dev.jsonl")
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)
CANDIDATES = {
    "config.py as is": {},
    "dense weight": {"dense_weight": (0.3, 0.4, 0.5, 0.6, 0.7)},   # refitted when the model changes (DomainTuningSettings)
    "pseudo-relevance feedback": {"prf_weight": WEIGHTS},
    "sentence-level BM25": {"sentence_weight": (0.0, 0.1, 0.2, 0.3)},
    "feedback + sentence": {"prf_weight": WEIGHTS, "sentence_weight": (0.0, 0.1, 0.2, 0.3)},
    "词林 synonyms": {"synonym_weight": WEIGHTS},
    "title BM25": {"title_weight": (0.0, 0.05, 0.1, 0.2)},
    "figure match": {"figure_weight": (0.0, 0.1, 0.2, 0.3, 0.5, 0.8, 1.0)},
    "fusion of all signals": {"dense_weight": (0.3, 0.4, 0.5, 0.6), "expansion_weight": (0.2, 0.3, 0.5),
                              "sentence_weight": (0.0, 0.1, 0.2), "title_weight": (0.0, 0.05, 0.1),
                              "synonym_weight": (0.0, 0.1, 0.2), "prf_weight": (0.0, 0.1, 0.2, 0.3),
                              "figure_weight": (0.0, 0.1, 0.2, 0.3, 0.5)},
}


@dataclass
class Row:
    """One answerable dev question: its signals, scope and expected refs."""

    qid: str
    text: str               # what retrieval sees (Query.text)
    signals: object
    doc_id: str | None
    header: bool
    articles: tuple[str, ...]
    mask: np.ndarray        # units in scope


def collect(assistant, questions) -> list[Row]:
    """One Row per answerable question, understood as the pipeline understands it."""
    from chat.inputs import prepare_question
    from chat.pipeline import TurnState
    from chat.understanding.conversation import Conversation
    from chat.understanding.query import Shape

    rows = []
    for q in questions:
        if not q.answerable:
            continue
        conversation = Conversation()
        for earlier in q.turns:
            assistant.ask(earlier, conversation)
        turn = assistant._understand(TurnState(prepare_question(q.question), conversation=conversation))
        rows.append(Row(q.id, turn.query.text, assistant.retriever.signals(turn.query.text, every=True), turn.doc_id,
                        turn.query.shape is Shape.METADATA, q.articles,
                        np.array([turn.doc_id in (None, u.doc_id) for u in assistant.index.units])))
    return rows


class _RowUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        return Row if name == "Row" else super().find_class(module, name)


def load_rows(path: Path) -> list[Row]:
    """Rows pickled by ``--cache`` (whether written under ``python -m`` or imported)."""
    with open(path, "rb") as fh:
        return _RowUnpickler(fh).load()


def rank_of(retriever, row: Row, settings) -> int | None:
    """1-based rank of the row's primary ref under the retrieval ``settings`` (None past k)."""
    fused = row.signals.fuse(settings)
    fused = np.where(row.mask if row.header else row.mask & ~retriever._is_header, fused, -np.inf)
    refs = [retriever.index.units[i].ref for i in np.argsort(-fused, kind="stable")[:settings.default_k]
            if np.isfinite(fused[i])]
    return refs.index(row.articles[0]) + 1 if row.articles[0] in refs else None


def scores(retriever, rows: list[Row], settings) -> tuple[float, float, float]:
    """(hit@1, hit@5, MRR@10) of ``rows`` under ``settings``."""
    ranks = [rank_of(retriever, r, settings) for r in rows]
    n = max(1, len(rows))
    return (sum(r == 1 for r in ranks) / n, sum(r is not None and r <= 5 for r in ranks) / n,
            sum(1 / r for r in ranks if r) / n)


def fit(retriever, rows: list[Row], base, grid: dict):
    """The grid point with the best (hit@1, hit@5, MRR) on ``rows``; ties to the smallest weights."""
    best = None
    for values in itertools.product(*grid.values()):
        settings = replace(base, **dict(zip(grid, values)))
        if settings.dense_weight + settings.sentence_weight + settings.title_weight > 1:
            continue
        key = scores(retriever, rows, settings) + (-sum(values),)
        if best is None or key > best[0]:
            best = (key, settings)
    return best[1]


def fit_coordinates(retriever, rows: list[Row], base, grid: dict, sweeps: int = 2):
    """Coordinate ascent over ``grid`` from ``base``: each weight in turn takes its best value with the
    others held (a change only when it scores strictly better), ``sweeps`` times over."""
    current = base
    best = scores(retriever, rows, current)
    for _ in range(sweeps):
        for name, values in grid.items():
            for value in values:
                trial = replace(current, **{name: value})
                if trial.dense_weight + trial.sentence_weight + trial.title_weight > 1:
                    continue
                got = scores(retriever, rows, trial)
                if got > best:
                    best, current = got, trial
    return current


def fitter(grid: dict):
    """Grid search for one or two weights, coordinate ascent for more."""
    return fit if len(grid) <= 2 else fit_coordinates


def cross_validate(retriever, rows: list[Row], grid: dict, folds: int) -> tuple[float, float]:
    """Out-of-fold (hit@1, hit@5) of fitting ``grid`` on k-1 folds and ranking the held-out one."""
    base = retriever.settings.retrieval
    h1 = h5 = 0.0
    for k in range(folds):
        train = [r for i, r in enumerate(rows) if i % folds != k]
        test = [r for i, r in enumerate(rows) if i % folds == k]
        chosen = fitter(grid)(retriever, train, base, grid) if grid else base
        s = scores(retriever, test, chosen)
        h1, h5 = h1 + s[0] * len(test), h5 + s[1] * len(test)
    return h1 / len(rows), h5 / len(rows)


RANKER_SIGNALS = ("bm25", "expansion", "synonym", "prf", "dense", "sentence", "title", "figure")


def ranker_cv(retriever, rows: list[Row], folds: int, c: float) -> tuple[float, float]:
    """Out-of-fold (hit@1, hit@5) of a pointwise logistic-regression ranker (scikit-learn, inverse
    regularisation ``c``) over every signal min-max normalised per question (figure as is), trained
    on k-1 folds with the primary article as the positive unit."""
    from sklearn.linear_model import LogisticRegression

    from chat.retrieval.signals import minmax

    refs = [u.ref for u in retriever.index.units]

    def scoped(row):
        keep = row.mask & (row.header | ~retriever._is_header)
        a = row.signals.arrays
        feats = np.stack([a[n] if n == "figure" else minmax(a[n]) for n in RANKER_SIGNALS], 1)
        return feats, keep

    h1 = h5 = 0
    for k in range(folds):
        xs, ys = [], []
        for i, row in enumerate(rows):
            if i % folds != k:
                feats, keep = scoped(row)
                xs.append(feats[keep])
                ys.append(np.array([refs[j] == row.articles[0] for j in np.flatnonzero(keep)]))
        model = LogisticRegression(C=c, max_iter=2000).fit(np.vstack(xs), np.concatenate(ys))
        for i, row in enumerate(rows):
            if i % folds == k:
                feats, keep = scoped(row)
                score = np.where(keep, feats @ model.coef_[0], -np.inf)
                top = [refs[j] for j in np.argsort(-score, kind="stable")[:5]]
                h1 += top[0] == row.articles[0]
                h5 += row.articles[0] in top
    return h1 / len(rows), h5 / len(rows)


def main(argv: list[str] | None = None) -> int:
    """Print each candidate's out-of-fold figures and the weights it fits on all of dev; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.retrieval_cv", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="candidate names to run (default: all)")
    parser.add_argument("--cache", type=Path, help="keep the computed signals in this pickle (re-runs)")
    parser.add_argument("--sets", nargs="+", default=["dev"], choices=["dev", "dev2", "dev3", "dev4"],
                        help="tuning sets pooled for the folds (default: dev; figure_weight was fitted on dev dev2)")
    args = parser.parse_args(argv)
    from chat.pipeline import Assistant

    assistant = Assistant.from_settings()
    retriever = assistant.retriever
    if args.cache and args.cache.exists():
        rows = load_rows(args.cache)
    else:
        rows = [row for name in args.sets for row in
                collect(assistant, [q for _, q, _ in read_questions(DEV_SET.with_name(f"{name}.jsonl")) if q is not None])]
        if args.cache:
            args.cache.write_bytes(pickle.dumps(rows))
    print(f"{' + '.join(args.sets)}: {len(rows)} answerable questions, {args.folds}-fold out-of-fold")
    for name, grid in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        h1, h5 = cross_validate(retriever, rows, grid, args.folds)
        fitted = fitter(grid)(retriever, rows, retriever.settings.retrieval, grid) if grid else None
        shown = {k: getattr(fitted, k) for k in grid} if fitted else "(nothing fitted)"
        print(f"{name:<28} hit@1 {h1:.3f}  hit@5 {h5:.3f}   fitted on all of them: {shown}", flush=True)
    for c in (0.1, 1.0, 10.0):
        if not args.only or "logistic ranker" in args.only:
            h1, h5 = ranker_cv(retriever, rows, args.folds, c)
            print(f"{'logistic ranker C=' + str(c):<28} hit@1 {h1:.3f}  hit@5 {h5:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
