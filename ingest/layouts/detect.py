"""Which layout a document is in, read from how its lines are numbered (the ``headings`` table)."""
from __future__ import annotations

from config import SETTINGS, LayoutSettings

from .base import Layout, source_lines
from .headings import ALL_LEVELS, ARABIC_ITEM


def heading_counts(source: str, settings: LayoutSettings = SETTINGS.layout) -> tuple[dict[str, int], list[int]]:
    """How many lines open with each numbering style (by ``HeadingLevel.name``), and the numbers of the
    1. 2. … lines in order."""
    counts = {level.name: 0 for level in ALL_LEVELS}
    arabic: list[int] = []
    for line in source_lines(source):
        for level in ALL_LEVELS:
            number = level.number(line.text, settings.max_heading_chars)
            if number is not None:
                counts[level.name] += 1
                if level is ARABIC_ITEM:
                    arabic.append(number)
                break
    return counts, arabic


def detect_layout(source: str, styled_headings: bool = False,
                  settings: LayoutSettings = SETTINGS.layout) -> Layout:
    """纲要 when chapters (or a chapter and its sections) are numbered; 建议 when 一、 parts hold articles
    numbered 1, 2, 3 … on across them; 方案 when 一、/（一）/1. headings restart under each other; else the
    file's own heading styles when it marks any (``styled_headings``); else paragraphs."""
    counts, arabic = heading_counts(source, settings)
    enough = settings.min_layout_headings
    if counts["章"] >= enough or (counts["章"] >= 1 and counts["节"] >= enough):
        return Layout.OUTLINE
    continuous = len(arabic) >= enough and arabic == list(range(1, len(arabic) + 1))
    if counts["一、"] >= 1 and continuous and counts["（一）"] == 0:
        return Layout.PROPOSAL
    if counts["一、"] + counts["（一）"] + len(arabic) >= enough:
        return Layout.SCHEME
    if styled_headings:
        return Layout.HEADINGS
    return Layout.PARAGRAPHS
