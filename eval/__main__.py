"""``python -m eval --questions FILE.jsonl --out PRED.jsonl [--baseline] [--gate | --gate-set blind|dev2|dev3|dev4]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEV_SET = Path(__file__).with_name("dev.jsonl")


def main(argv: list[str] | None = None) -> int:
    """Run the eval set (default eval/dev.jsonl) and print the metrics table. Returns the exit status:
    0; 1 when ``--gate``/``--gate-set`` bounds in eval/gate.json fail; 2 for a missing or unverifiable question file."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument("--questions", type=Path, default=DEV_SET, help="JSONL eval file (default: the dev set)")
    parser.add_argument("--out", type=Path, help="write one prediction per line here")
    parser.add_argument("--baseline", action="store_true", help="also run the naive LangChain baseline")
    parser.add_argument("--gate", action="store_true", help="exit 1 unless eval/gate.json is met")
    parser.add_argument("--gate-set", choices=("blind", "dev2", "dev3", "dev4"),
                        help="check this set's own bounds in eval/gate.json (blind: its frozen file, sha256-checked)")
    parser.add_argument("--backend", default="extractive", choices=("extractive", "local", "openai"))
    parser.add_argument("--limit", type=int, help="an evenly spread sample of this many questions")
    args = parser.parse_args(argv)
    if args.gate_set:
        from .gate import frozen_file

        try:
            args.questions = frozen_file(args.gate_set) if args.gate_set == "blind" else DEV_SET.with_name(f"{args.gate_set}.jsonl")
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if not args.questions.is_file():
        print(f"error: no such question file: {args.questions}", file=sys.stderr)
        return 2

    from chat.pipeline import Assistant

    from .gate import check_gate
    from .runner import evaluate, print_table

    summaries, errors = evaluate(Assistant.from_settings(), args.questions, args.out,
                                 args.baseline or (args.gate and not args.gate_set),
                                 args.backend, args.limit)
    print(f"{args.questions}: {errors} questions rejected" + (f", predictions in {args.out}" if args.out else ""))
    print_table(summaries)
    for name in ("answered_by_model", "latency_ms"):
        if summaries["ours"].get(name):
            print(f"{name}: {summaries['ours'][name]}")
    if args.gate or args.gate_set:
        failures = check_gate(summaries["ours"], summaries.get("baseline") if args.gate else None,
                              section=args.gate_set)
        for line in failures:
            print(f"GATE FAIL: {line}")
        print("gate: " + ("FAILED" if failures else "passed"))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
