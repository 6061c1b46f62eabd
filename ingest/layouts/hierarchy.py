"""Layouts numbered in levels: 纲要 (第X篇 / 第X章 / 第X节), 方案 and 报告 (一、 / （一） / 1.), and documents
whose headings are marked by Word heading styles rather than numbers.

The unit of citation is the lowest numbered level: a heading with nothing numbered below it is one unit
(its heading line and everything up to the next heading); a heading with numbered children gets an
"intro" unit only for text of its own before its first child. A unit's ``ref`` is the dotted path of its
numbers ("3.2" for 第三章第二节: 篇 is left out, chapters number on across 篇; "2.3.1" for 二、（三）1.),
its ``numbering`` the document's own label (第三章第二节, 二（三）1). Text under a 篇 before its first
chapter is the 篇's intro, ref "P<n>". A numbered line whose number does not follow its predecessor's
(a list inside a 专栏 box, a quoted item) is content, not a heading: 专栏 boxes stay inside their section;
only 1. 2. lists are held to that strictly: a repeated or skipped 一、/（一）/第X章 is a numbering slip and
still opens its unit (a repeated number's ref gets a suffix: "1.2-2").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from config import SETTINGS, LayoutSettings

from ..units import Unit, UnitKind
from .base import Line, ParseError, header_length, source_lines
from .headings import LAW_LEVELS, OUTLINE_LEVELS, SCHEME_LEVELS, HeadingLevel

TITLE_END_RE = re.compile(r"[。！？：；]")


@dataclass
class _Node:
    level: int               # depth in the layout's levels (0 = top)
    number: int
    piece: str               # this level's piece of the label: 第三章, 二, （三）, 1, or "3" for style headings
    in_ref: bool
    line: Line
    parent: _Node | None
    title: str
    children: int = 0
    unit: dict | None = field(default=None, repr=False)

    def path(self) -> list[_Node]:
        """The nodes from the top level down to this one."""
        node, out = self, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out[::-1]


# (line, current innermost node) -> (level, number, label piece, in_ref, heading_only, title) or None
Classifier = Callable[[Line, "_Node | None"], "tuple[int, int, str, bool, bool, str] | None"]


def _title(text: str, heading_only: bool, limit: int) -> str:
    if heading_only:
        return text.strip()[:limit]
    match = TITLE_END_RE.search(text)
    return (text[: match.start()] if match else text).strip()[:limit]


def numbered_classifier(levels: tuple[HeadingLevel, ...], settings: LayoutSettings) -> Classifier:
    """Classify lines by the numbering ``levels`` (a table of ``headings``). A number must follow the last
    one read at its level (counters restart under a new heading of a level above that is part of the ref);
    the first of a heading-only level may start anywhere (an excerpt that opens at 第三章)."""
    counters = [0] * len(levels)

    def classify(line: Line, _current: _Node | None):
        for depth, level in enumerate(levels):
            number = level.number(line.text, settings.max_heading_chars)
            if number is None:
                continue
            expected = counters[depth] + 1
            slip = level.may_repeat and number >= counters[depth] > 0      # （二）（二）（四）: a slip, not text
            if number != expected and not slip and not (level.heading_only and counters[depth] == 0):
                return None
            counters[depth] = number
            for deeper in range(depth + 1, len(levels)):
                if level.in_ref:
                    counters[deeper] = 0
            rest = level.pattern.sub("", line.text, count=1)
            title = _title(rest, level.heading_only, settings.max_title_chars)
            return depth, number, level.label(number), level.in_ref, level.heading_only, title
        return None
    return classify


def style_classifier(heading_levels: dict[int, int], settings: LayoutSettings) -> Classifier:
    """Classify lines by the heading levels the file marks (line index → level 1..9): each heading is
    numbered by its position among its siblings; its label is the dotted path (2.3)."""
    counters: dict[int, int] = {}

    def classify(line: Line, _current: _Node | None):
        level = heading_levels.get(line.index)
        if level is None:
            return None
        counters[level] = counters.get(level, 0) + 1
        for deeper in [k for k in counters if k > level]:
            counters[deeper] = 0
        return (level, counters[level], str(counters[level]), True, True,
                line.text[: settings.max_title_chars])
    return classify


def parse_hierarchy(source: str, doc_id: str, title: str, classify: Classifier, separator: str = "",
                    marked: frozenset[int] = frozenset(), settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """Split ``source`` into units under the headings ``classify`` finds (see the module docstring).
    ``separator`` joins label pieces (""  → 第三章第二节, "." → 2.3); ``marked``: lines the file marks as
    headings (never taken for the title unless they are it). Raises ParseError when no line is a heading."""
    lines = source_lines(source)
    skip = header_length(lines, title, settings.max_title_line_chars, marked)
    units: list[dict] = []
    if skip:
        units.append(dict(ref="H", kind="header", numbering="", part_no=0, part_heading="", title="题注",
                          start=lines[0].start, end=lines[skip - 1].end, node=None))
    current: dict | None = None
    innermost: _Node | None = None
    found = False

    def open_unit(node: _Node | None, line: Line) -> dict:
        unit = dict(node=node, start=line.start, end=line.end)
        units.append(unit)
        if node is not None:
            node.unit = unit
        return unit

    for line in lines[skip:]:
        heading = classify(line, innermost)
        if heading is None:
            if current is not None:
                current["end"] = line.end
            elif innermost is None:
                current = open_unit(None, line)           # the preamble
            else:
                current = open_unit(innermost, innermost.line)
                current["end"] = line.end
            continue
        found = True
        depth, number, piece, in_ref, heading_only, node_title = heading
        parent = innermost
        while parent is not None and parent.level >= depth:
            parent = parent.parent
        if parent is not None:
            parent.children += 1
        innermost = _Node(depth, number, piece, in_ref, line, parent, node_title)
        current = None if heading_only else open_unit(innermost, line)
        if heading_only:
            units.append(dict(node=innermost, start=line.start, end=line.end, pending=True))
    if not found:
        raise ParseError("no numbered heading found")
    return _finish(units, doc_id, source, separator)


def _finish(raw: list[dict], doc_id: str, source: str, separator: str) -> list[Unit]:
    """Resolve kinds, refs and labels once every node knows whether it has children."""
    out: list[Unit] = []
    seen: set[str] = set()
    for u in raw:
        node: _Node | None = u.pop("node")
        if u.pop("pending", False):
            if node.unit is not None or node.children:
                continue                                  # a bare heading: its unit or its children hold it
        elif node is not None and node.children and (u["start"], u["end"]) == (node.line.start, node.line.end) \
                and not TITLE_END_RE.search(node.line.text):
            continue                                      # 二、重点任务 over its items: a heading, not a unit
        if "ref" in u:                                    # the header
            out.append(Unit(doc_id=doc_id, text=source[u["start"]:u["end"]], **u))
            continue
        if node is None:
            ref, numbering, kind, part_no, part_heading, title = "P0", "", "preamble", 0, "", "序言"
        else:
            path = node.path()
            in_ref = [n for n in path if n.in_ref]
            kind: UnitKind = "intro" if node.children else "article"
            if in_ref:
                ref = ".".join(str(n.number) for n in in_ref)
                numbering = separator.join(n.piece for n in in_ref)
            else:
                ref, numbering = f"P{node.number}", node.piece
            part_no, part_heading, title = path[0].number, path[0].line.text, node.title or numbering
        base, label, k = ref, numbering, 2
        while ref in seen:                                # a number repeated under one parent: a slip
            ref, numbering, k = f"{base}-{k}", f"{label}-{k}", k + 1
        seen.add(ref)
        context = " ".join(n.line.text for n in node.path()[:-1]) if node is not None else ""
        out.append(Unit(doc_id=doc_id, ref=ref, kind=kind, numbering=numbering, part_no=part_no,
                        part_heading=part_heading, title=title, text=source[u["start"]:u["end"]],
                        start=u["start"], end=u["end"], context=context))
    return sorted(out, key=lambda unit: unit.start)


def parse_outline(source: str, doc_id: str, title: str, settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """The 纲要 layout: 第X篇 / 第X章 / 第X节."""
    return parse_hierarchy(source, doc_id, title, numbered_classifier(OUTLINE_LEVELS, settings), settings=settings)


def parse_scheme(source: str, doc_id: str, title: str, settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """The 方案 / 报告 layout: 一、 / （一） / 1."""
    return parse_hierarchy(source, doc_id, title, numbered_classifier(SCHEME_LEVELS, settings), settings=settings)


def parse_law(source: str, doc_id: str, title: str, settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """The 条例 / 办法 layout: 第X章 / 第X节 / 第X条, articles numbered on across chapters (ref "5", 第五条)."""
    return parse_hierarchy(source, doc_id, title, numbered_classifier(LAW_LEVELS, settings), settings=settings)


def parse_styled(source: str, doc_id: str, title: str, heading_levels: dict[int, int],
                 settings: LayoutSettings = SETTINGS.layout) -> list[Unit]:
    """Headings marked by the file's heading styles (line index → level), labelled by dotted path."""
    return parse_hierarchy(source, doc_id, title, style_classifier(heading_levels, settings), separator=".",
                           marked=frozenset(heading_levels), settings=settings)
