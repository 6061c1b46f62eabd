"""Briefings out: Markdown and Word (.docx) renderings, atomic writes, and the ``brief`` CLI.

    python -m chat brief "低空经济" --out brief.docx
    python -m chat brief --questions questions.txt --out brief.md
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ingest.targets import KIND_LABELS, Target
from ingest.text.normalize import normalize

from chat.answer import Answer
from chat.briefing.build import EAST_ASIAN_BODY_FONT, EAST_ASIAN_HEADING_FONT, FINAL_NOTE, LATIN_FONT, Briefing, build_briefing
from chat.inputs import QuestionError, clean_question


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


def to_markdown(b: Briefing) -> str:
    """The briefing as Markdown: heading and source line, 要点摘要, 相关条文, 相关指标 table, 问答, closing note."""
    lines = [f"# {b.title or b.topic}", "", f"> 来源：{b.source}　生成日期：{b.generated}", ""]
    lines += ["## 要点摘要", ""]
    lines += [f"- {s}" for s in b.summary] or ["- （无）"]
    lines.append("")
    if b.sections:
        lines += ["## 相关条文", ""]
        for s in b.sections:
            lines += [f"### {s.heading}", ""]
            lines += [f"- {p}{s.marker}" for p in s.points]
            lines.append("")
    if b.targets:
        lines += ["## 相关指标", "", "| 指标 | 数值 | 年份 | 类别 | 出处 |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in target_rows(b)]
        lines.append("")
    if b.qa:
        lines += ["## 问答", ""]
        for question, answer in b.qa:
            lines += [f"### 问：{question}", ""]
            previous = None
            for kind, text in _qa_blocks(answer):
                if previous is not None and (kind == "para" or previous == "para"):
                    lines.append("")
                lines.append(f"- {text}" if kind == "bullet" else text)
                previous = kind
            for notice in answer.notices:
                lines += ["", f"（{notice}）"]
            lines.append("")
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


def _set_fonts(style, east_asian: str, latin: str = LATIN_FONT, size_pt: float | None = None,
               bold: bool | None = None) -> None:
    """Font names on a style, East Asian one via w:rFonts/@w:eastAsia; theme fonts removed so they apply."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = latin
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def build_docx(b: Briefing):
    """The briefing as a python-docx Document (not yet saved)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    styles = doc.styles
    _set_fonts(styles["Normal"], EAST_ASIAN_BODY_FONT, size_pt=12)
    _set_fonts(styles["Title"], EAST_ASIAN_HEADING_FONT, size_pt=20, bold=True)
    for name, size in (("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        _set_fonts(styles[name], EAST_ASIAN_HEADING_FONT, size_pt=size, bold=True)
    _set_fonts(styles["List Bullet"], EAST_ASIAN_BODY_FONT, size_pt=12)
    doc.core_properties.title = b.title or b.topic
    doc.core_properties.subject = b.topic

    title = doc.add_paragraph(b.title or b.topic, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    source = doc.add_paragraph(f"来源：{b.source}　生成日期：{b.generated}")
    source.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("要点摘要", level=1)
    for line in b.summary or ["（无）"]:
        doc.add_paragraph(line, style="List Bullet")

    if b.sections:
        doc.add_heading("相关条文", level=1)
        for s in b.sections:
            doc.add_heading(s.heading, level=2)
            for point in s.points:
                doc.add_paragraph(f"{point}{s.marker}", style="List Bullet")

    if b.targets:
        doc.add_heading("相关指标", level=1)
        header = ("指标", "数值", "年份", "类别", "出处")
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in target_rows(b):
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text

    if b.qa:
        doc.add_heading("问答", level=1)
        for question, answer in b.qa:
            doc.add_heading(f"问：{question}", level=2)
            for kind, text in _qa_blocks(answer):
                doc.add_paragraph(text, style="List Bullet" if kind == "bullet" else None)
            for notice in answer.notices:
                doc.add_paragraph(f"（{notice}）")

    doc.add_paragraph(FINAL_NOTE)
    return doc


def to_docx(b: Briefing, path: Path) -> Path:
    """Write the briefing as a Word document, atomically (temp file in the same folder + os.replace)."""
    doc = build_docx(b)
    return _atomic_write(path, lambda tmp: doc.save(str(tmp)))


def save(b: Briefing, path: Path) -> Path:
    """.docx -> Word, .md/.markdown -> Markdown."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return to_docx(b, path)
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
    path = save(briefing, Path(args.out))
    what = (f"{len(briefing.sections)} 条相关条文，{len(briefing.targets)} 项指标"
            if briefing.sections else briefing.summary[0])
    if briefing.qa:
        what += f"，{len(briefing.qa)} 个问答"
    print(f"已生成 {path}（{what}）")
    return 0
