"""The fallback layout: nothing numbered was found, so each paragraph after the header is one unit,
labelled 第N段 (ref "N"); the title of a unit is its first sentence."""
from __future__ import annotations

import re

from config import SETTINGS, LayoutSettings

from ..units import Unit
from .base import ParseError, header_length, source_lines

TITLE_END_RE = re.compile(r"[。！？：；]")


def parse(source: str, doc_id: str, title: str, settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """One unit per paragraph (non-empty line) after the header. Raises ParseError for a text with no
    paragraph besides its title."""
    lines = source_lines(source)
    skip = header_length(lines, title, settings.max_title_line_chars)
    units = []
    if skip:
        units.append(Unit(doc_id=doc_id, ref="H", kind="header", part_no=0, part_heading="", title="题注",
                          text=source[lines[0].start:lines[skip - 1].end], start=lines[0].start,
                          end=lines[skip - 1].end))
    for number, line in enumerate(lines[skip:], start=1):
        match = TITLE_END_RE.search(line.text)
        first = (line.text[: match.start()] if match else line.text)[: settings.max_title_chars]
        units.append(Unit(doc_id=doc_id, ref=str(number), kind="article", numbering=f"第{number}段", part_no=0,
                          part_heading="", title=first, text=line.text, start=line.start, end=line.end))
    if len(units) == (1 if skip else 0):
        raise ParseError("no paragraph besides the title")
    return units
