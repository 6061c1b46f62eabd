"""The 建议 (proposal) layout: parts 一、二、…, articles 1. 2. … numbered on across the parts.

The shape we read (this proposal's, and that of similar 建议 texts):

    title line (possibly repeated)            -> H   题注 (with the adoption line: citable)
    (adoption date line in parentheses)       -> H   题注
    preamble paragraph(s)                     -> P0  序言
    一、part heading                          -> heading of part 1 (metadata of its units)
    intro paragraph (optional)                -> P1  第一部分导语
    1.article … (continuation lines, ——lines) -> 1   第1条
    …
    closing paragraph after the last article  -> END 结束语

A paragraph that is not a heading and not a numbered article belongs to the unit above it,
except a non-"——" paragraph that ends the document after the last article: that is the closing.
"""
from __future__ import annotations

import re

from config import SETTINGS, LayoutSettings

from ..text.numerals import cn_to_int
from ..units import Unit, UnitKind
from .base import Line, ParseError, header_length, source_lines
from .headings import ARABIC_ITEM, CN_ITEM

HEADING_RE = CN_ITEM.pattern                 # 一、 part headings
ARTICLE_LINE_RE = ARABIC_ITEM.pattern        # 1. articles
TITLE_END_RE = re.compile(r"[。！？]")


def article_title(body: str) -> str:
    """First sentence of an article without its number and final stop: 迭代升级现代制造业集群."""
    body = ARTICLE_LINE_RE.sub("", body, count=1)
    match = TITLE_END_RE.search(body)
    return (body[: match.start()] if match else body).strip()


def parse(source: str, doc_id: str, title: str, settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """Split ``source`` into the proposal layout's units. Raises ParseError when no numbered article is
    found or the articles are out of order."""
    lines = source_lines(source)
    units: list[dict] = []
    part_no, part_heading = 0, ""
    expected_article = 1
    i = header_length(lines, title, settings.max_title_line_chars)   # repeated title and date line: the header
    last_article_line = max(
        (k for k, ln in enumerate(lines) if ARTICLE_LINE_RE.match(ln.text)), default=-1
    )
    if last_article_line < 0:
        raise ParseError("no numbered article (1. 2. …) found: is this a plan document?")

    def open_unit(ref: str, kind: UnitKind, line: Line, unit_title: str) -> None:
        units.append(dict(ref=ref, kind=kind, part_no=part_no, part_heading=part_heading,
                          title=unit_title, start=line.start, end=line.end))

    if i > 0:                                   # title and adoption line: a citable unit "H"
        units.append(dict(ref="H", kind="header", part_no=0, part_heading="", title="题注",
                          start=lines[0].start, end=lines[i - 1].end))
    for k in range(i, len(lines)):
        line = lines[k]
        heading = HEADING_RE.match(line.text)
        article = ARTICLE_LINE_RE.match(line.text)
        if heading:
            part_no, part_heading = cn_to_int(heading.group(1)), line.text
            continue
        if article:
            number = int(article.group(1))
            if number != expected_article:
                raise ParseError(f"article {number} found where {expected_article} was expected "
                                 f"(character {line.start})")
            expected_article += 1
            open_unit(str(number), "article", line, article_title(line.text))
        elif k > last_article_line and not line.text.startswith("——") and k == len(lines) - 1:
            open_unit("END", "closing", line, "结束语")
        elif units and units[-1]["part_no"] == part_no and units[-1]["kind"] != "header":
            units[-1]["end"] = line.end         # continuation paragraph or ——line of the unit above
        elif part_no == 0:
            open_unit("P0", "preamble", line, "序言")
        else:
            open_unit(f"P{part_no}", "intro", line, HEADING_RE.sub("", part_heading))
    return [Unit(doc_id=doc_id, text=source[u["start"]:u["end"]], **u) for u in units]
