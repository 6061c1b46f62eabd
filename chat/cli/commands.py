"""The commands of ``python -m chat``: retrieve, ask, targets, brief, and the interactive chat.

Every user error (bad question, unknown document, unreadable question file, …) ends with ONE
Chinese line on stderr and exit status 2, before any model loads where it can be checked earlier.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chat.cli.parser import build_parser, user_error
from chat.cli.targets_table import format_table
from config import SETTINGS
from ingest.targets import targets_to_rows


def print_json(data) -> None:
    """Print ``data`` as indented JSON with Chinese kept readable."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def print_answer(answer, out=None) -> None:
    """Print an Answer as the CLI shows it: the text, then each notice in full-width brackets."""
    out = out or sys.stdout
    print(answer.answer, file=out)
    for notice in answer.notices:
        print(f"（{notice}）", file=out)


def unknown_doc(doc_id: str | None, documents) -> str | None:
    """The error message for a doc_id that is not among ``documents`` (each with ``doc_id``); else None."""
    known = sorted(d.doc_id for d in documents)
    if doc_id is None or doc_id in known:
        return None
    return f"没有这个文档：{doc_id[:40]}（可选：{'、'.join(known)}）"


def check_doc(doc_id: str | None) -> str | None:
    """``unknown_doc`` against the built index, read without loading any model (well under a second)."""
    if doc_id is None:
        return None
    from ingest.index import load_index

    return unknown_doc(doc_id, load_index(SETTINGS).documents)


def run_targets(args: argparse.Namespace) -> int:
    """``targets [--kind KIND] [--json]``: the targets table, or its rows as JSON."""
    from ingest.index import load_index

    targets = load_index(SETTINGS).targets
    if args.json:
        print_json([r for r in targets_to_rows(targets) if not args.kind or r["kind"] == args.kind])
    else:
        print(format_table(targets, args.kind))
    return 0


def _file_problem(exc: Exception) -> str:
    """Why a file could not be read, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个目录"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 文本"
    return str(exc).split("\n")[0]


def run_brief(args: argparse.Namespace) -> int:
    """``brief``: checks that ``--questions`` is a readable text file, then runs the briefing CLI."""
    from chat.briefing.export import read_questions, run_cli

    if args.questions:
        try:
            read_questions(Path(args.questions))
        except (OSError, UnicodeDecodeError) as exc:
            return user_error(f"无法读取问题清单 {args.questions}：{_file_problem(exc)}")
    return run_cli(args)


def run_question(args: argparse.Namespace) -> int:
    """``retrieve`` and ``ask``: checks the question and ``--doc`` before the model loads, then answers.

    Returns 0, or 2 after one error line for a question or document the pipeline cannot take."""
    from chat.inputs import QuestionError, clean_question

    try:
        clean_question(args.question)             # a clear message before any model loads
    except QuestionError as exc:
        return user_error(str(exc))
    problem = check_doc(getattr(args, "doc", None))
    if problem:
        return user_error(problem)

    from chat.pipeline import Assistant

    assistant = Assistant.from_settings()
    if args.command == "retrieve":
        hits = assistant.retriever.retrieve(args.question, args.k)
        if args.json:
            print_json([h.to_json() for h in hits])
        else:
            for rank, h in enumerate(hits, 1):
                print(f"{rank:2d}. {h.label:<10} {h.score:.3f}  {h.unit.title}")
        return 0
    try:
        answer = assistant.ask(args.question, backend=args.backend, doc_id=args.doc)
    except QuestionError as exc:                  # e.g. nothing searchable left once symbols are dropped
        return user_error(str(exc))
    if args.json:
        print_json(answer.to_json())
    else:
        print_answer(answer)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m chat``; ``argv`` defaults to the process arguments.

    Returns the exit status: 0 on success, 2 for a user error (usage errors exit 2 from argparse)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from chat.cli.repl import run_interactive

        return run_interactive(backend=args.chat_backend, doc_id=args.chat_doc)
    if args.chat_backend != "extractive" or args.chat_doc is not None:
        parser.error("--backend 和 --doc 写在命令之前只用于交互式问答；请写在命令之后，"
                     f"如 python -m chat {args.command} … --backend local")
    if args.command == "brief":
        return run_brief(args)
    if args.command == "targets":
        return run_targets(args)
    if args.command in ("glossary", "quiz"):
        from chat.cli.study import run_glossary, run_quiz

        return run_glossary(args) if args.command == "glossary" else run_quiz(args)
    return run_question(args)
