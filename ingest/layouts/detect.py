"""Which layout a document is in, read from how its lines are numbered (the ``headings`` table)."""
from __future__ import annotations

from config import SETTINGS, LayoutSettings

from .base import Layout, source_lines
from .headings import ALL_LEVELS, ARABIC_ITEM, CN_ITEM


def heading_counts(source: str, settings: LayoutSettings = SETTINGS.layout) -> tuple[dict[str, int], list[int], int]:
    """How many lines open with each numbering style (by ``HeadingLevel.name``), the numbers of the
    1. 2. … lines in order, and how many 一、 parts hold any of them."""
    counts = {level.name: 0 for level in ALL_LEVELS}
    arabic: list[int] = []
    parts_with_items: set[int] = set()
    for line in source_lines(source):
        for level in ALL_LEVELS:
            number = level.number(line.text, settings.max_heading_chars)
            if number is not None:
                counts[level.name] += 1
                if level is ARABIC_ITEM:
                    arabic.append(number)
                    parts_with_items.add(counts[CN_ITEM.name])
                break
    return counts, arabic, len(parts_with_items)


def detect_layout(source: str, styled_headings: bool = False,
                  settings: LayoutSettings = SETTINGS.layout) -> Layout:
    """条例 when articles are numbered 第X条; 纲要 when chapters (or a chapter and its sections) are numbered;
    建议 when two or more 一、 parts hold articles numbered 1, 2, 3 … on across them; 方案 when 一、/（一）/1.
    headings restart under each other; else the file's own heading styles when it marks any
    (``styled_headings``); else paragraphs."""
    counts, arabic, parts_with_items = heading_counts(source, settings)
    enough = settings.min_layout_headings
    if counts["条"] >= enough:
        return Layout.LAW
    if counts["章"] >= enough or (counts["章"] >= 1 and counts["节"] >= enough):
        return Layout.OUTLINE
    continuous = len(arabic) >= enough and arabic == list(range(1, len(arabic) + 1))
    if parts_with_items >= 2 and continuous and counts["（一）"] == 0:
        return Layout.PROPOSAL
    if counts["一、"] + counts["（一）"] + len(arabic) >= enough:
        return Layout.SCHEME
    if styled_headings:
        return Layout.HEADINGS
    return Layout.PARAGRAPHS
