"""Word (.docx) through python-docx: paragraphs and tables in body order, headings from the file itself.

A paragraph is a line (a manual line break inside one makes more lines; a heading stays one line); a table row
is one line, its cells joined by two spaces (a merged cell counted once), so a plan's 专栏 tables stay
readable. Empty paragraphs and rows are dropped. A heading is a paragraph whose style is a built-in heading
("Heading 2", or "标题 2" as WPS and Chinese Word name it) or that carries an outline level (w:outlineLvl on
the paragraph or on its style or a style it is based on; level 9 there means body text).
"""
from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.readers import SourceText, lines_text, unreadable

HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
OUTLINE_LEVEL = "./w:pPr/w:outlineLvl/@w:val"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"      # the container of old binary .doc files
CELL_SEPARATOR = "  "


def _outline_level(element) -> int | None:
    """The heading level 1..9 an element's w:outlineLvl gives (0-based in the file, 9 = body), or None."""
    values = element.xpath(OUTLINE_LEVEL)
    if not values or not str(values[0]).isdigit():
        return None
    level = int(values[0]) + 1
    return level if level <= 9 else None


def heading_level(paragraph: Paragraph) -> int | None:
    """The heading level 1..9 of ``paragraph``, or None for body text: its own outline level first, then a
    heading style name, then the outline level of its style chain."""
    own = paragraph._p.xpath(OUTLINE_LEVEL)
    if own:
        return _outline_level(paragraph._p)
    style, seen = paragraph.style, set()
    while style is not None and style.style_id not in seen:      # a style chain could loop in a bad file
        seen.add(style.style_id)
        named = HEADING_STYLE.match((style.name or "").strip())
        if named:
            return int(named.group(1))
        level = _outline_level(style.element)
        if level is not None or style.element.xpath(OUTLINE_LEVEL):
            return level
        style = style.base_style
    return None


def row_lines(table: Table) -> list[str]:
    """One line per non-empty table row: its distinct cells' text (inner line breaks as spaces), joined by
    two spaces; an empty cell between two others keeps its place (four spaces), the row's ends are stripped."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if cell._tc in seen:                      # a merged cell is repeated once per grid column
                continue
            seen.add(cell._tc)
            cells.append(" ".join(part.strip() for part in cell.text.split("\n") if part.strip()))
        line = CELL_SEPARATOR.join(cells).strip()
        if line:
            lines.append(line)
    return lines


def document_lines(document) -> tuple[list[str], list[tuple[int, int]]]:
    """A python-docx ``Document`` into ``(lines, [(line index, heading level)])`` in body order."""
    lines: list[str] = []
    levels: list[tuple[int, int]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += row_lines(block)
            continue
        parts = [part.strip() for part in block.text.split("\n") if part.strip()]
        if not parts:
            continue
        level = heading_level(block)
        if level is not None:
            levels.append((len(lines), level))
            parts = [" ".join(parts)]
        lines += parts
    return lines, levels


def read_word(path: Path) -> SourceText:
    """Read a .docx file: ``format="docx"``, ``encoding=""``, Word's headings in ``heading_levels``.

    Raises ``UnreadableDocument`` for an old binary .doc (renamed or not), a file that is not a valid .docx
    package, or one without text.
    """
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(OLE_MAGIC))
    except OSError as exc:
        raise unreadable(path, f"无法打开文件（{exc.strerror or exc}）") from exc
    if magic == OLE_MAGIC:
        raise unreadable(path, "是旧版 Word 文件（.doc），请在 Word 或 WPS 中另存为 .docx 后再添加")
    try:
        document = docx.Document(str(path))
        lines, levels = document_lines(document)
    except Exception as exc:                          # python-docx raises zip, lxml, KeyError, ValueError …
        raise unreadable(path, "不是有效的 Word 文件（.docx）") from exc
    if not lines:
        raise unreadable(path, "文件为空")
    return SourceText(text=lines_text(lines), format="docx", encoding="", heading_levels=tuple(levels))
