"""``python -m eval.verify_sample``: how the paraphrase check of model sentences was chosen.

``eval/verify_sample.jsonl`` holds hand-labelled sentences, each with the verbatim plan sentences it cites:
faithful paraphrases and summaries, and unfaithful ones (a changed number, a place or project the source
does not name, a changed quoted formulation, a claim the source does not make, a guess, the user's question
restated as its answer — such rows carry the "question"). For each candidate overlap
threshold this prints the share of faithful and of unfaithful sentences :func:`paraphrase_failure` keeps,
and the reason each unfaithful sentence is dropped at the configured threshold
(``VerifySettings.paraphrase_min_overlap``). The sample uses the plan's sentences, not eval questions.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from chat.compose.paraphrase import content_overlap, paraphrase_failure
from config import SETTINGS
from ingest.text.normalize import normalize

SAMPLE = Path(__file__).with_name("verify_sample.jsonl")
GRID = tuple(round(0.05 * i, 2) for i in range(4, 17))


def read_sample(path: Path = SAMPLE) -> list[dict]:
    """The labelled rows: {"id", "faithful", "kind", "sources", "sentence"}."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def kept_shares(rows: list[dict], threshold: float) -> tuple[float, float]:
    """(share of faithful rows kept, share of unfaithful rows kept) at this overlap threshold."""
    settings = dataclasses.replace(SETTINGS.verify, paraphrase_min_overlap=threshold)
    kept = {True: [], False: []}
    for row in rows:
        kept[row["faithful"]].append(paraphrase_failure(row["sentence"], row["sources"], settings,
                                                        row.get("question", "")) is None)
    return (sum(kept[True]) / max(1, len(kept[True])), sum(kept[False]) / max(1, len(kept[False])))


def main(argv: list[str] | None = None) -> int:
    """Print the kept shares per threshold and the configured threshold's verdict on every row; returns 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.verify_sample", description=__doc__)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    args = parser.parse_args(argv)
    rows = read_sample(args.sample)
    n_true = sum(r["faithful"] for r in rows)
    print(f"{args.sample.name}: {n_true} faithful, {len(rows) - n_true} unfaithful sentences")
    print(f"{'threshold':>9}  {'faithful kept':>13}  {'unfaithful kept':>15}")
    for t in GRID:
        f, u = kept_shares(rows, t)
        mark = "  <- configured" if abs(t - SETTINGS.verify.paraphrase_min_overlap) < 1e-9 else ""
        print(f"{t:>9.2f}  {f:>13.2f}  {u:>15.2f}{mark}")
    print(f"\nat {SETTINGS.verify.paraphrase_min_overlap:g}:")
    for row in rows:
        why = paraphrase_failure(row["sentence"], row["sources"], question=row.get("question", ""))
        overlap = content_overlap(row["sentence"], normalize("\n".join(row["sources"])), SETTINGS.verify)
        verdict = "kept   " if why is None else "dropped"
        flag = "" if (why is None) == row["faithful"] else "   <- WRONG"
        print(f"{row['id']} {row['kind']:<10} overlap {overlap:.2f} {verdict} {why or ''}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
