"""The argument parser of ``python -m chat``: Chinese help, one-line Chinese usage errors (status 2).

argparse writes its own words in English ("usage:", "options", "invalid choice: …"); the
subclasses here put them in Chinese and print a usage error as ONE line on stderr, so every user
error of the command line looks the same: ``python -m chat ask：错误：…`` and exit status 2.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

from config import SETTINGS
from ingest.targets import KIND_LABELS

BACKENDS = ("extractive", "local", "openai")
KIND_HELP = "、".join(KIND_LABELS.values()) + "，或 " + "、".join(KIND_LABELS)

# argparse's English messages (Python 3.11) and their Chinese; anything else passes through.
_MESSAGES = (
    (re.compile(r"^argument (.+?): invalid choice: (.+?) \(choose from (.+)\)$"), r"参数 \1 的取值无效：\2（可选：\3）"),
    (re.compile(r"^argument (.+?): invalid (\w+) value: (.+)$"), r"参数 \1 的值无效：\3"),
    (re.compile(r"^argument (.+?): expected one argument$"), r"参数 \1 需要一个值"),
    (re.compile(r"^argument (.+?): expected at least one argument$"), r"参数 \1 至少需要一个值"),
    (re.compile(r"^argument (.+?): (.+)$"), r"参数 \1：\2"),
    (re.compile(r"^the following arguments are required: (.+)$"), r"缺少参数：\1"),
    (re.compile(r"^unrecognized arguments: (.+)$"), r"无法识别的参数：\1"),
    (re.compile(r"^ambiguous option: (.+?) could match (.+)$"), r"选项 \1 有歧义，可能是：\2"),
)


def translate(message: str) -> str:
    """argparse's English error message in Chinese (unknown messages are returned unchanged)."""
    for pattern, chinese in _MESSAGES:
        if pattern.match(message):
            return pattern.sub(chinese, message)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with a Chinese usage prefix."""

    def add_usage(self, usage, actions, groups, prefix=None):
        """As argparse's, with "用法：" instead of "usage: " unless a prefix is given."""
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser with Chinese section titles, ``-h`` help and one-line errors.

    Subparsers made with ``add_parser`` are of this class too (argparse uses the parent's class).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        """Print ``PROG：错误：MESSAGE`` (one line, Chinese) on stderr and exit with status 2."""
        self.exit(2, f"{self.prog}：错误：{translate(message)}（查看帮助：{self.prog} -h）\n")


def user_error(message: str) -> int:
    """Print one Chinese error line on stderr; returns 2, the exit status of every user error."""
    print(f"错误：{message}", file=sys.stderr)
    return 2


def parse_kind(value: str) -> str:
    """A target kind given as 成果/目标/远景/其他 or result/goal/vision/other → its key ("goal").

    Raises argparse.ArgumentTypeError (a one-line usage error) for anything else."""
    key = value.strip().lower()
    by_label = {label: kind for kind, label in KIND_LABELS.items()}
    if key in KIND_LABELS:
        return key
    if key in by_label:
        return by_label[key]
    raise argparse.ArgumentTypeError(f"未知的类别：{value}（可选：{KIND_HELP}）")


def build_parser() -> ChineseArgumentParser:
    """The parser of ``python -m chat``; ``command`` is None for the interactive chat."""
    parser = ChineseArgumentParser(
        prog="python -m chat", description="黔江“十五五”规划建议问答。不带命令运行时进入交互式问答（可追问）。")
    parser.add_argument("--backend", dest="chat_backend", default="extractive", choices=BACKENDS,
                        help="交互式问答的回答方式（默认 extractive：原文摘录）")
    parser.add_argument("--doc", dest="chat_doc", metavar="DOC_ID", help="交互式问答只查这一份文档（doc_id）")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="COMMAND", help="不写命令时进入交互式问答")

    p_ret = sub.add_parser("retrieve", help="按相关度列出与问题相关的条文", description="按相关度列出与问题相关的条文。")
    p_ret.add_argument("question", help="问题")
    p_ret.add_argument("-k", type=int, default=SETTINGS.retrieval.default_k,
                       help=f"列出多少条（默认 {SETTINGS.retrieval.default_k}）")
    p_ret.add_argument("--json", action="store_true", help="以 JSON 输出")

    p_ask = sub.add_parser("ask", help="回答一个问题，并注明引用的条文", description="回答一个问题，并注明引用的条文。")
    p_ask.add_argument("question", help="问题")
    p_ask.add_argument("--json", action="store_true", help="以 JSON 输出（含引文、检索结果、耗时）")
    p_ask.add_argument("--backend", default="extractive", choices=BACKENDS,
                       help="回答方式：extractive 原文摘录（默认）、local 本地模型、openai 兼容接口")
    p_ask.add_argument("--doc", metavar="DOC_ID", help="只查这一份文档（doc_id）")

    p_tgt = sub.add_parser("targets", help="指标表（建议中的全部数字）", description="指标表：建议中的全部数字。")
    p_tgt.add_argument("--kind", type=parse_kind, metavar="KIND", help=f"只列这一类：{KIND_HELP}")
    p_tgt.add_argument("--json", action="store_true", help="以 JSON 输出")

    p_brf = sub.add_parser("brief", help="按专题或问题清单生成政策简报（.docx 或 .md）",
                           description="按专题或问题清单生成政策简报（.docx 或 .md）。")
    p_brf.add_argument("topic", nargs="?", help="专题，如 低空经济")
    p_brf.add_argument("--questions", metavar="FILE", help="问题清单文件，每行一个问题（代替专题）")
    p_brf.add_argument("--out", metavar="FILE", help="输出文件，.docx 或 .md（省略时把 Markdown 打印到标准输出）")
    p_brf.add_argument("--backend", default="extractive", choices=BACKENDS,
                       help="回答方式：extractive（默认）、local 或 openai")
    from chat.cli.study import add_study_commands

    add_study_commands(sub)
    return parser
