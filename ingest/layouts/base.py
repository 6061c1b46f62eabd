"""What every layout strategy shares: the Layout enum, the parse error, the document's lines with their
character spans, the header (title and adoption line) and the one signature a strategy has.

A strategy module (``proposal``, ``hierarchy`` for 纲要/方案 and Word headings, ``paragraphs``) turns a
document's text into citable units::

    parse(text: str, doc_id: str, title: str, settings: LayoutSettings) -> list[Unit]

Units keep exact spans: ``text[unit.start:unit.end] == unit.text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Layout(str, Enum):
    """The layouts a plan document is read in (value: the name shown to users)."""

    PROPOSAL = "建议"        # 一、 parts; 1. 2. … articles numbered on across parts
    OUTLINE = "纲要"         # 第X篇 / 第X章 / 第X节 (专栏 boxes stay inside their section)
    SCHEME = "方案"          # 一、 / （一） / 1. (方案, 报告, 意见), numbers restarting under each heading
    HEADINGS = "标题样式"     # headings marked by Word heading styles (or Markdown #), no numbering in the text
    PARAGRAPHS = "段落"      # nothing numbered: one unit per paragraph


class ParseError(ValueError):
    """The text does not have the structure of the layout it was read in (str: the reason)."""


@dataclass(frozen=True)
class Line:
    """One non-empty line of the source, stripped, with its span: ``source[start:end] == text``."""

    text: str
    start: int
    end: int
    index: int               # its line number in ``source.split("\n")`` (0-based)


DATE_LINE_RE = re.compile(r"^[(（].*[)）]$")                     # (2025年12月6日……通过)


def source_lines(source: str) -> list[Line]:
    """The non-empty lines of ``source`` (any line ending), each stripped, with exact spans."""
    out, pos = [], 0
    for number, raw in enumerate(source.splitlines(keepends=True)):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append(Line(stripped, pos + lead, pos + lead + len(stripped), number))
        pos += len(raw)
    return out


def header_length(lines: list[Line], title: str) -> int:
    """How many leading lines are the header: the title (possibly repeated or split over lines) and a
    parenthesised adoption line right after it. 0 when the document does not open with its title."""
    i, seen = 0, ""
    while i < len(lines):
        text = lines[i].text
        if text == title or (seen + text and title.startswith(seen + text) and seen + text != ""):
            seen = "" if text == title else seen + text
            i += 1
        elif DATE_LINE_RE.match(text):
            i += 1
        else:
            break
    return i
