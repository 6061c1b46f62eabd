"""``python -m eval.lexicon_ablation``: which entries of colloquial.tsv change a dev-set result.

Each entry (everyday word -> plan terms) is removed in turn; the dev questions whose retrieval text
contains its word get their signals again (expansions, BM25, the embedding of the expanded question)
and are ranked under config.py's weights. An entry changes a result when the primary article's rank
(top 10) of any question moves. Entries that no dev question contains cannot change one. Prints the
entries that change a result (with the better/worse count) and how many change none; the blind set is
never used here.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .retrieval_cv import DEV_SET, collect, load_rows, rank_of
from .runner import read_questions


def without(analyzer, key: str):
    """A context-free swap: the analyzer's expansion table less ``key``; returns the full table."""
    full = analyzer.expansion_table
    analyzer.expansion_table = {k: v for k, v in full.items() if k != key}
    analyzer._keys_longest_first = sorted(analyzer.expansion_table, key=len, reverse=True)
    return full


def restore(analyzer, full: dict) -> None:
    """Puts the full expansion table back."""
    analyzer.expansion_table = full
    analyzer._keys_longest_first = sorted(full, key=len, reverse=True)


def main(argv: list[str] | None = None) -> int:
    """Print the ablation of every colloquial.tsv entry on the dev set; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.lexicon_ablation", description=__doc__)
    parser.add_argument("--questions", type=Path, default=DEV_SET)
    parser.add_argument("--cache", type=Path, help="signals pickle written by python -m eval.retrieval_cv --cache")
    args = parser.parse_args(argv)
    from chat.pipeline import Assistant

    assistant = Assistant.from_settings()
    retriever, settings = assistant.retriever, assistant.settings.retrieval
    if args.cache and args.cache.exists() and args.questions == DEV_SET:
        rows = load_rows(args.cache)
    else:
        rows = collect(assistant, [q for _, q, _ in read_questions(args.questions) if q is not None])
    analyzer = retriever.analyzer
    base = {r.qid: rank_of(retriever, r, settings) for r in rows}
    keys = sorted(analyzer.expansion_table)
    used = [k for k in keys if any(k in analyzer.matched_everyday_words(r.text) for r in rows)]
    changing = []
    for key in used:
        full = without(analyzer, key)
        better = worse = 0
        for row in rows:
            if key in row.text:
                trial = type(row)(**{**row.__dict__, "signals": retriever.signals(row.text, every=True)})
                new, old = rank_of(retriever, trial, settings) or 99, base[row.qid] or 99
                better, worse = better + (new < old), worse + (new > old)
        restore(analyzer, full)
        print(f"{key}\t-> {','.join(full[key])}\tremoving it: {better} better, {worse} worse", flush=True)
        if better or worse:
            changing.append(key)
    print(f"{len(keys)} entries; {len(used)} contained in a question of {args.questions.name}; "
          f"{len(changing)} change a result: {' '.join(changing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
