"""Briefings out: Markdown and Word (.docx) renderings, atomic writes, and the ``brief`` CLI.

    python -m chat brief "低空经济" --out brief.docx
    python -m chat brief --questions questions.txt --out brief.md
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from chat.answer import Answer
from chat.briefing.build import (
    ALL_QUOTED,
    FINAL_NOTE,
    Briefing,
    BriefingSection,
    build_briefing,
)
from chat.briefing.layout import (
    add_table,
    add_title_block,
    chinese_date,
    new_document,
    section_number,
    subsection_number,
)
from chat.inputs import QuestionError, clean_question
from config import SETTINGS, BriefingSettings
from ingest.targets import KIND_LABELS, Target
from ingest.text.normalize import normalize

ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- rendering

def _year_text(t: Target, unit_text: str) -> str:
    """The year as the plan writes it (2030年, 二〇三五年, “十五五”), or — when not stated."""
    if not t.year:
        return "—"
    if t.year.isdigit():
        if t.year in normalize(unit_text):
            return f"{t.year}年"
        digits = "〇一二三四五六七八九"
        return "".join(digits[int(d)] for d in t.year) + "年"
    return f"“{t.year}”"


def _value_text(t: Target) -> str:
    return t.reading                                  # the plan's wording: 突破33万人, 由X调整为Y


def target_rows(b: Briefing) -> list[tuple[str, str, str, str, str]]:
    """(指标, 数值, 年份, 类别, 出处) for each related target."""
    rows = []
    for t in b.targets:
        text = b.unit_texts.get((t.doc_id, t.ref), t.sentence)
        rows.append((t.indicator, _value_text(t), _year_text(t, text), KIND_LABELS.get(t.kind, t.kind), t.label))
    return rows


def _qa_blocks(answer: Answer) -> list[tuple[str, str]]:
    """("bullet"|"para", text) lines of an answer."""
    out = []
    for line in answer.answer.splitlines():
        if not line.strip():
            continue
        if line.startswith("- "):
            out.append(("bullet", line[2:].strip()))
        else:
            out.append(("para", line.strip()))
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


PART_UNITS = {"要点摘要": "条", "问答": "个", "相关条文": "条", "相关指标": "项"}


def section_text(s: BriefingSection) -> str:
    """What 相关条文 says of an article: its excerpt with the marker, or that it is all quoted above."""
    return f"{s.excerpt}{s.marker}" if s.excerpt else f"（{ALL_QUOTED}）"


def _md_part(b: Briefing, name: str) -> list[str]:
    if name == "要点摘要":
        return [f"- {s}" for s in b.summary] + [""]
    if name == "相关条文":
        lines = []
        for i, s in enumerate(b.sections, 1):
            lines += [f"### {subsection_number(i)}{s.heading}", "", section_text(s), ""]
        return lines
    if name == "相关指标":
        lines = ["| 指标 | 数值 | 年份 | 类别 | 出处 |", "|---|---|---|---|---|"]
        return lines + ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in target_rows(b)] + [""]
    lines = []
    for i, (question, answer) in enumerate(b.qa, 1):
        lines += [f"### {subsection_number(i)}问：{question}", ""]
        previous = None
        for kind, text in _qa_blocks(answer):
            if previous is not None and (kind == "para" or previous == "para"):
                lines.append("")
            lines.append(f"- {text}" if kind == "bullet" else text)
            previous = kind
        for notice in answer.notices:
            lines += ["", f"（{notice}）"]
        lines.append("")
    return lines


def to_markdown(b: Briefing) -> str:
    """The briefing as Markdown: heading and source line, then its numbered parts (Briefing.parts:
    一、要点摘要, 问答, 相关条文 with （一） articles, 相关指标 table), closing note."""
    lines = [f"# {b.title or b.topic}", "", f"> 来源：{b.source}　生成日期：{b.generated}", ""]
    for i, (name, _) in enumerate(b.parts(), 1):
        lines += [f"## {section_number(i)}{name}", ""] + _md_part(b, name)
    lines += ["---", "", FINAL_NOTE, ""]
    return "\n".join(lines)


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_markdown(b: Briefing, path: Path) -> Path:
    """Write ``to_markdown(b)`` to ``path`` atomically (temp file + os.replace, parent folders made);
    returns the path."""
    return _atomic_write(path, lambda tmp: tmp.write_text(to_markdown(b), encoding="utf-8"))


def _docx_part(doc, b: Briefing, name: str) -> None:
    if name == "要点摘要":
        for i, line in enumerate(b.summary, 1):
            doc.add_paragraph(f"{i}．{line}" if len(b.summary) > 1 else line)
    elif name == "相关条文":
        for i, s in enumerate(b.sections, 1):
            doc.add_heading(f"{subsection_number(i)}{s.heading}", level=2)
            doc.add_paragraph(section_text(s))
    elif name == "相关指标":
        add_table(doc, ("指标", "数值", "年份", "类别", "出处"), target_rows(b))
    else:
        for i, (question, answer) in enumerate(b.qa, 1):
            doc.add_heading(f"{subsection_number(i)}问：{question}", level=2)
            n = 0
            for kind, text in _qa_blocks(answer):
                n = n + 1 if kind == "bullet" else 0
                doc.add_paragraph(f"{n}．{text}" if kind == "bullet" else text)
            for notice in answer.notices:
                doc.add_paragraph(f"（{notice}）")


def build_docx(b: Briefing, settings: BriefingSettings = SETTINGS.briefing):
    """The briefing as a python-docx Document in the official layout (chat/briefing/layout.py), not yet
    saved: title block (title, date line, source line), numbered parts, closing note."""
    doc = new_document(settings)
    doc.core_properties.title = b.title or b.topic
    doc.core_properties.subject = b.topic
    source = ISO_DATE_RE.sub(lambda m: chinese_date(m.group(0)), b.source)
    add_title_block(doc, b.title or b.topic, [chinese_date(b.generated), f"来源：{source}"])
    for i, (name, _) in enumerate(b.parts(), 1):
        doc.add_heading(f"{section_number(i)}{name}", level=1)
        _docx_part(doc, b, name)
    doc.add_paragraph(FINAL_NOTE)
    return doc


def to_docx(b: Briefing, path: Path, settings: BriefingSettings = SETTINGS.briefing) -> Path:
    """Write the briefing as a Word document in ``settings``' layout, atomically (temp file in the same
    folder + os.replace)."""
    doc = build_docx(b, settings)
    return _atomic_write(path, lambda tmp: doc.save(str(tmp)))


def save(b: Briefing, path: Path, settings: BriefingSettings = SETTINGS.briefing) -> Path:
    """.docx -> Word (in ``settings``' layout), .md/.markdown -> Markdown."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return to_docx(b, path, settings)
    if suffix in (".md", ".markdown"):
        return write_markdown(b, path)
    raise ValueError(f"输出文件须以 .docx 或 .md 结尾：{path}")


# --------------------------------------------------------------------------- CLI

def read_questions(path: Path) -> list[str]:
    """One question per line; blank lines and lines starting with # are skipped."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_cli(args: argparse.Namespace) -> int:
    """``python -m chat brief [TOPIC] [--questions FILE] [--out FILE] [--backend NAME]``."""
    questions = None
    try:
        if args.questions:
            questions = read_questions(args.questions)
            if not questions:
                raise QuestionError(f"问题清单为空：{args.questions}")
        if not args.topic and not questions:
            raise QuestionError("请给出专题（如 “低空经济”）或 --questions 问题清单。")
        if args.topic:
            clean_question(args.topic)
        if args.out and Path(args.out).suffix.lower() not in (".docx", ".md", ".markdown"):
            raise QuestionError(f"输出文件须以 .docx 或 .md 结尾：{args.out}")
    except (QuestionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from chat.pipeline import Assistant

    assistant = Assistant.from_settings()
    briefing = build_briefing(assistant, args.topic, questions, backend=args.backend)
    if not args.out:
        print(to_markdown(briefing))
        return 0
    path = save(briefing, Path(args.out), assistant.settings.briefing)
    print(f"已生成 {path}（{describe(briefing)}）")
    return 0


def describe(b: Briefing) -> str:
    """What a written briefing holds, part by part as numbered in it (一、要点摘要 3 条；二、相关条文 3 条);
    a part it does not have is not named, so no count is claimed for it. A topic the plan does not treat
    is said so."""
    if not b.sections and not b.qa and b.summary:
        return b.summary[0].rstrip("。")
    return "；".join(f"{section_number(i)}{name} {n} {PART_UNITS[name]}" for i, (name, n) in enumerate(b.parts(), 1))
