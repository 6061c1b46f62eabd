"""Command line: ``python -m chat retrieve|ask|targets|brief …``."""
from __future__ import annotations

import argparse
import json
import sys

from config import SETTINGS
from ingest.targets import KINDS, format_table, targets_to_rows


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
    p_ask.add_argument("--backend", default="extractive", choices=("extractive", "local", "openai"))
    p_ask.add_argument("--doc", help="only this document (doc_id)")
    p_tgt = sub.add_parser("targets", help="the targets table (every figure of the plan)")
    p_tgt.add_argument("--kind", choices=KINDS)
    p_tgt.add_argument("--json", action="store_true")
    p_brf = sub.add_parser("brief", help="policy briefing on a topic or a question list (.docx or .md)")
    p_brf.add_argument("topic", nargs="?", help="topic, e.g. 低空经济")
    p_brf.add_argument("--questions", help="file with one question per line (instead of a topic)")
    p_brf.add_argument("--out", help="output file, .docx or .md (markdown to stdout when omitted)")
    p_brf.add_argument("--backend", default="extractive", choices=("extractive", "local", "openai"))
    args = parser.parse_args(argv)

    if args.command == "brief":
        from chat.briefing.export import run_cli

        return run_cli(args)

    if args.command == "targets":
        from ingest.index import load_index

        targets = load_index(SETTINGS).targets
        if args.json:
            _print_json([r for r in targets_to_rows(targets) if not args.kind or r["kind"] == args.kind])
        else:
            print(format_table(targets, args.kind))
        return 0

    from chat.inputs import QuestionError, clean_question
    from chat.pipeline import Assistant

    try:
        clean_question(args.question)             # a clear message before any model loads
    except QuestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    assistant = Assistant.from_settings()
    if args.command == "retrieve":
        hits = assistant.retriever.retrieve(args.question, args.k)
        if args.json:
            _print_json([h.to_json() for h in hits])
        else:
            for rank, h in enumerate(hits, 1):
                print(f"{rank:2d}. {h.label:<10} {h.score:.3f}  {h.unit.title}")
        return 0
    answer = assistant.ask(args.question, backend=args.backend, doc_id=args.doc)
    if args.json:
        _print_json(answer.to_json())
    else:
        print(answer.answer)
        for notice in answer.notices:
            print(f"（{notice}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
