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

from .headings import ANNEX_LINE_RE, is_numbered


class Layout(str, Enum):
    """The layouts a plan document is read in (value: the name shown to users)."""

    PROPOSAL = "建议"        # 一、 parts; 1. 2. … articles numbered on across parts
    OUTLINE = "纲要"         # 第X篇 / 第X章 / 第X节 (专栏 boxes stay inside their section)
    LAW = "条例"             # 第X章 / 第X节 / 第X条 (条例, 办法, 规定): articles numbered on across chapters
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


DATE_LINE_RE = re.compile(r"^[(（].*[)）]$|^——.{0,40}\d{4}年.{0,60}$")   # (2025年12月6日……通过), ——2026年1月18日在…
SENTENCE_END_RE = re.compile(r"[。；！？]")


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


def header_length(lines: list[Line], title: str, max_title_chars: int,
                  marked: frozenset[int] = frozenset()) -> int:
    """How many leading lines are the header: an 附件 line, the title (possibly repeated or split over
    lines; a first line that reads as a title counts even when the .meta.json names the document
    otherwise, unless the file marks it as a heading: ``marked``, line indices; or it is longer than
    ``max_title_chars``) and a parenthesised or ——dated adoption line. 0 when the document opens with its body."""
    i, seen = 0, ""
    while i < len(lines) and i == 0 and ANNEX_LINE_RE.match(lines[i].text):
        i += 1
    first = i
    while i < len(lines):
        text = lines[i].text
        title_like = (i == first and lines[i].index not in marked and not is_numbered(text)
                      and len(text) <= max_title_chars and not SENTENCE_END_RE.search(text))
        if text == title or title_like or (seen + text and title.startswith(seen + text) and seen + text != ""):
            seen = "" if text == title else seen + text
            i += 1
        elif DATE_LINE_RE.match(text):
            i += 1
        else:
            break
    return i
