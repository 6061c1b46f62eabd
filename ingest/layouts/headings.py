"""The heading patterns of Chinese plan documents, in one table shared by layout detection and every
layout strategy.

Each ``HeadingLevel`` reads one numbering style at the start of a line: its number (1-based), the piece
of the document's own label it contributes (第三章, 二, （三）, 1) and whether it is a heading-only line
(第X章 标题) or an item whose text runs on after the number (（一）总体目标。到2027年……).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.numerals import CN_NUMERALS, cn_number, cn_to_int

_CN = f"[{CN_NUMERALS}两]{{1,3}}"


@dataclass(frozen=True)
class HeadingLevel:
    """One numbering style. ``pattern`` matches at a line's start, group ``n`` the number token.
    ``in_ref``: whether the number is part of a unit's dotted ref (篇 is not: chapters number on across
    篇). ``heading_only``: a matching line is a heading only when short and without a final stop."""

    name: str
    pattern: re.Pattern
    label_format: str        # str.format with {cn} (Chinese numeral) or {n} (digits): "第{cn}章", "（{cn}）"
    in_ref: bool = True
    heading_only: bool = False
    may_repeat: bool = True  # a repeated or skipped number is a new heading (a numbering slip), not body text

    def number(self, line: str, max_heading_chars: int) -> int | None:
        """The number this level reads at the start of ``line`` (第三章 → 3), or None when the line is
        not a heading of this level."""
        match = self.pattern.match(line)
        if match is None:
            return None
        if self.heading_only and (len(line) > max_heading_chars or "。" in line or line.endswith("；")):
            return None
        token = match.group("n")
        try:
            value = int(token) if token.isdigit() else cn_to_int(token)
        except ValueError:
            return None
        return value if value > 0 else None

    def label(self, number: int) -> str:
        """This level's piece of a label: 3 → 第三章 / 三 / （三） / 3."""
        return self.label_format.format(cn=cn_number(number), n=number)


PIAN = HeadingLevel("篇", re.compile(rf"^第(?P<n>{_CN})篇(?![的是])"), "第{cn}篇", in_ref=False, heading_only=True)
ZHANG = HeadingLevel("章", re.compile(rf"^第(?P<n>{_CN})章(?![的是])"), "第{cn}章", heading_only=True)
JIE = HeadingLevel("节", re.compile(rf"^第(?P<n>{_CN})节(?![的是])"), "第{cn}节", heading_only=True)
CN_ITEM = HeadingLevel("一、", re.compile(rf"^(?P<n>{_CN})、"), "{cn}")
PAREN_ITEM = HeadingLevel("（一）", re.compile(rf"^[（(](?P<n>{_CN})[）)]"), "（{cn}）")
ARABIC_ITEM = HeadingLevel("1.", re.compile(r"^(?P<n>\d{1,3})[.．、](?!\d)"), "{n}", may_repeat=False)
TIAO = HeadingLevel("条", re.compile(rf"^第(?P<n>{_CN})条(?=[\s\u3000])"), "第{cn}条", may_repeat=False)
LAW_CHAPTER = HeadingLevel("章", ZHANG.pattern, "第{cn}章", in_ref=False, heading_only=True)
LAW_SECTION = HeadingLevel("节", JIE.pattern, "第{cn}节", in_ref=False, heading_only=True)

OUTLINE_LEVELS = (PIAN, ZHANG, JIE)                 # 纲要
SCHEME_LEVELS = (CN_ITEM, PAREN_ITEM, ARABIC_ITEM)  # 方案 / 报告 / 意见
LAW_LEVELS = (LAW_CHAPTER, LAW_SECTION, TIAO)       # 条例 / 办法: 第X条 numbered on across chapters
ALL_LEVELS = OUTLINE_LEVELS + (TIAO,) + SCHEME_LEVELS


ANNEX_LINE_RE = re.compile(r"^附件\s*[0-9一二三四五六七八九十]*[：:]?$")   # "附件1" above a title: not the title


def is_numbered(line: str) -> bool:
    """Whether ``line`` opens with a heading number of any layout (第三章, 二、, （一）, 1.)."""
    return any(level.pattern.match(line) for level in ALL_LEVELS)


def strip_item_number(words: str) -> str:
    """``words`` without a leading item number of any layout (1. / １． / （二） / 第一节): not part of a name."""
    for level in ALL_LEVELS:
        match = level.pattern.match(words)
        if match:
            return words[match.end():].lstrip(" \u3000")
    return words
