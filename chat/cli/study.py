"""The study commands of ``python -m chat``: ``glossary`` (the plan's 提法) and ``quiz`` (应知应会 self-test)."""
from __future__ import annotations

import argparse
from pathlib import Path

from chat.cli.commands import print_json
from chat.cli.parser import user_error
from config import SETTINGS


def add_study_commands(sub) -> None:
    """Add the ``glossary`` and ``quiz`` subparsers to ``sub`` (an argparse subparsers action)."""
    p_glo = sub.add_parser("glossary", help="提法词典：建议中的引号提法和数字提法，各出现在哪些条文",
                           description="提法词典：建议中的引号提法（“四高六铁”）和数字提法（四篇大文章），"
                                       "列出出现的条文、原句，以及原文对它的展开（原文未展开时注明）。")
    p_glo.add_argument("term", nargs="?", help="只看这一个提法，如 四篇大文章（省略时列出全部）")
    p_glo.add_argument("--json", action="store_true", help="以 JSON 输出")
    p_quiz = sub.add_parser("quiz", help="学习测验：由原文生成填空题和选择题（附答案与出处）",
                            description="学习测验：由原文生成填空题和选择题，每题附答案、出处条文和原句。")
    p_quiz.add_argument("-n", type=int, default=20, help="题数（默认 20）")
    p_quiz.add_argument("--seed", type=int, default=0, help="随机种子：同一种子出同一套题（默认 0）")
    p_quiz.add_argument("--part", type=int, metavar="N", help="只出第 N 部分的题")
    p_quiz.add_argument("--json", action="store_true", help="以 JSON 输出")
    p_quiz.add_argument("--out", metavar="FILE", help="写成 Word 试卷（.docx）")
    p_quiz.add_argument("--key", action="store_true", help="试卷后附答案（与 --out 同用）")


def run_glossary(args: argparse.Namespace) -> int:
    """``glossary [TERM] [--json]``: every entry, or one (exit 2 when the plan has no such 提法)."""
    from ingest.glossary import build_glossary, lookup, to_json
    from ingest.index import load_index

    entries = build_glossary(load_index(SETTINGS).units)
    if args.term:
        entry = lookup(entries, args.term)
        if entry is None:
            return user_error(f"建议中没有“{args.term[:30]}”这一提法（可省略词条查看全部 {len(entries)} 条）")
        entries = [entry]
    if args.json:
        print_json([to_json(e) for e in entries])
        return 0
    for e in entries:
        definition = e.definition if e.definition is not None else "原文未展开"
        print(f"“{e.term}”　{'、'.join(e.labels)}\n　　{definition}")
    if not args.term:
        print(f"（共 {len(entries)} 条）")
    return 0


def run_quiz(args: argparse.Namespace) -> int:
    """``quiz [-n N] [--seed S] [--part N] [--json] [--out FILE.docx [--key]]``."""
    from chat.study.quiz import build_quiz, quiz_docx, to_json
    from ingest.index import load_index

    if args.n < 1:
        return user_error("题数至少为 1")
    if args.out and Path(args.out).suffix.lower() != ".docx":
        return user_error("试卷只能写成 .docx 文件")
    items = build_quiz(load_index(SETTINGS), args.n, args.seed, args.part, settings=SETTINGS.study)
    if not items:
        return user_error(f"第 {args.part} 部分没有可出的题" if args.part is not None else "没有可出的题")
    if args.out:
        print(quiz_docx(items, args.out, with_key=args.key))
    elif args.json:
        print_json([to_json(i) for i in items])
    else:
        for no, item in enumerate(items, 1):
            print(f"{no}. {item.question}")
            for letter, choice in zip("ABCD", item.choices or ()):
                print(f"   {letter}. {choice}")
            print(f"   答案：{item.answer}〔{item.label}〕")
    return 0
