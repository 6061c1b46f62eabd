"""The page layout of a PDF's text layer, undone: running headers and footers, page-number lines, and
sentences broken across lines (ingest/readers/pdf.py). Pure functions on lines of text.

- A *running line* sits among the first or last ``edge_lines`` lines of a page and, with its digits
  replaced, repeats there on at least ``running_min_share`` of the pages ("黔江区……规划纲要", "— 3 —").
  A *page-number line* ("3", "— 3 —", "- 3 -", "第 3 页 共 10 页", "3/10") at a page's edge goes whatever the
  page count. Only lines at the very top or bottom are removed, outermost first, so a chapter heading that
  happens to open several pages stays.
- A line *runs on* into the next when it is full (at least ``full_line_share`` of the typical page's widest
  line), does not end in sentence punctuation (。！？；：」” …), and the next line does not open a heading or
  a numbered item (一、 （一） 1. 第X篇/章/节/条 专栏). Short lines (headings, table rows, a paragraph's last
  line) never run on; joins cross page breaks.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter

from config import ReaderSettings

PAGE_NUMBER = re.compile(
    r"^(?:[-—–－‒―_~～\s]*\d+[-—–－‒―_~～\s]*"                 # 3  — 3 —  - 3 -
    r"|第\s*\d+\s*页(?:\s*[,，/、]?\s*共\s*\d+\s*页)?"          # 第 3 页 共 10 页
    r"|共\s*\d+\s*页\s*[,，/、]?\s*第\s*\d+\s*页"
    r"|\d+\s*/\s*\d+"                                          # 3/10
    r"|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)
NUMERAL = "一二三四五六七八九十百零〇两"
STARTS_NEW = re.compile(
    rf"^(?:[{NUMERAL}]+、|[（(][{NUMERAL}\d]+[）)]|\d+[.．、](?!\d)"
    rf"|第[{NUMERAL}\d]+[篇章节条部]|专栏)"
)
CLOSERS = tuple("。！？；：」”』!?;")


def display_width(line: str) -> int:
    """Width of ``line`` counting a wide (CJK) character as 2 and any other as 1."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _shape(line: str) -> str:
    """A line with digits and spaces neutralised, so "— 3 —" and "— 4 —" compare equal."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def running_shapes(pages: list[list[str]], settings: ReaderSettings) -> set[str]:
    """Shapes of the lines repeating at page edges on enough pages (empty below ``running_min_pages``)."""
    if len(pages) < settings.running_min_pages:
        return set()
    edge = settings.edge_lines
    counts = Counter(shape for lines in pages for shape in {_shape(line) for line in lines[:edge] + lines[-edge:]})
    needed = max(2.0, settings.running_min_share * len(pages))
    return {shape for shape, count in counts.items() if shape and count >= needed}


def strip_running_lines(pages: list[list[str]], settings: ReaderSettings) -> tuple[list[list[str]], int]:
    """``pages`` (stripped, non-empty lines per page) without running headers, footers and page-number
    lines at their edges: ``(pages, number of lines removed)``."""
    running = running_shapes(pages, settings)

    def is_edge(line: str) -> bool:
        return bool(PAGE_NUMBER.match(line)) or _shape(line) in running

    kept, removed = [], 0
    for lines in pages:
        start, end = 0, len(lines)
        while start < min(settings.edge_lines, end) and is_edge(lines[start]):
            start += 1
        while end > start and len(lines) - end < settings.edge_lines and is_edge(lines[end - 1]):
            end -= 1
        removed += len(lines) - (end - start)
        kept.append(lines[start:end])
    return kept, removed


def _glue(left: str, right: str) -> str:
    """Two pieces of one sentence: joined directly, with a space only between two Latin letters/digits."""
    spaced = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    return f"{left} {right}" if spaced else left + right


def join_broken_lines(pages: list[list[str]], settings: ReaderSettings) -> list[str]:
    """The pages' lines as one list, each line that runs on (see the module docstring) joined to the next."""
    widest = [max(display_width(line) for line in lines) for lines in pages if lines]
    if not widest:
        return []
    full = settings.full_line_share * statistics.median(widest)
    out: list[str] = []
    runs_on = False
    for lines in pages:
        for line in lines:
            if runs_on and out and not STARTS_NEW.match(line):
                out[-1] = _glue(out[-1], line)
            else:
                out.append(line)
            runs_on = display_width(line) >= full and not line.endswith(CLOSERS)
    return out
