"""Markdown (.md): decoded as plain text; ATX headings ("# 第一章 …") become their text and are recorded as
headings; "**bold**" markers are dropped; everything else (lists, tables, fenced code) is kept as text."""
from __future__ import annotations

import re
from pathlib import Path

from ingest.readers import SourceText, lines_text, read_bytes, unreadable
from ingest.readers.plain import decode_text

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def markdown_lines(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Markdown text into ``(lines, [(line index, heading level 1..6)])``: heading lines lose their "#"s,
    "**" emphasis markers are removed outside fenced code, other lines are kept as they are."""
    lines: list[str] = []
    levels: list[tuple[int, int]] = []
    fenced = False
    for line in text.split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = line.replace("**", "")
            heading = HEADING.match(line)
            if heading and heading.group(2):
                levels.append((len(lines), len(heading.group(1))))
                line = heading.group(2)
        lines.append(line)
    return lines, levels


def read_markdown(path: Path) -> SourceText:
    """Read a .md file: ``format="md"``, the encoding used, the "#" headings in ``heading_levels``.

    Raises ``UnreadableDocument`` for an unopenable, binary, undecodable or empty file.
    """
    text, encoding = decode_text(read_bytes(path), path)
    if not text.strip():
        raise unreadable(path, "文件为空")
    lines, levels = markdown_lines(text)
    return SourceText(text=lines_text(lines), format="md", encoding=encoding, heading_levels=tuple(levels))
