"""Command line: ``python -m chat retrieve|ask …``."""
from __future__ import annotations

import argparse
import json
import sys

from config import SETTINGS


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chat", description="黔江“十五五”规划建议问答")
    sub = parser.add_subparsers(dest="command", required=True)
    p_ret = sub.add_parser("retrieve", help="ranked articles for a question")
    p_ret.add_argument("question")
    p_ret.add_argument("-k", type=int, default=SETTINGS.retrieval.default_k)
    p_ret.add_argument("--json", action="store_true")
    p_ask = sub.add_parser("ask", help="answer a question with cited articles")
    p_ask.add_argument("question")
    p_ask.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from .pipeline import Assistant

    assistant = Assistant.from_settings()
    if args.command == "retrieve":
        hits = assistant.retriever.retrieve(args.question, args.k)
        if args.json:
            _print_json([h.to_json() for h in hits])
        else:
            for rank, h in enumerate(hits, 1):
                print(f"{rank:2d}. {h.label:<10} {h.score:.3f}  {h.unit.title}")
        return 0
    answer = assistant.ask(args.question)
    if args.json:
        _print_json(answer.to_json())
    else:
        print(answer.answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
