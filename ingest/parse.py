"""Parse a plan text into citable units with stable refs and exact character spans.

The shape we read (the proposal's, and that of similar 建议/纲要 texts):

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

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .text.numerals import CN_NUMERALS, cn_to_int
from .units import DocumentMeta, Unit, UnitKind

HEADING_RE = re.compile(rf"^([{CN_NUMERALS}]+)、")
ARTICLE_LINE_RE = re.compile(r"^(\d{1,3})[.．]")
DATE_LINE_RE = re.compile(r"^[(（].*[)）]$")
TITLE_END_RE = re.compile(r"[。！？]")


class ParseError(ValueError):
    """The text does not have the structure of a plan document."""


@dataclass
class _Line:
    text: str
    start: int
    end: int


def _lines(source: str) -> list[_Line]:
    out, pos = [], 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            out.append(_Line(stripped, pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return out


def article_title(body: str) -> str:
    """First sentence of an article without its number and final stop: 迭代升级现代制造业集群."""
    body = ARTICLE_LINE_RE.sub("", body, count=1)
    match = TITLE_END_RE.search(body)
    return (body[: match.start()] if match else body).strip()


def parse_units(source: str, doc_id: str, title: str) -> list[Unit]:
    """Split ``source`` into units. Raises ParseError when no numbered article is found."""
    lines = _lines(source)
    units: list[dict] = []
    part_no, part_heading = 0, ""
    expected_article = 1
    i = 0
    while i < len(lines) and (lines[i].text == title or DATE_LINE_RE.match(lines[i].text)):
        i += 1                                  # repeated title and date line: the header
    last_article_line = max(
        (k for k, ln in enumerate(lines) if ARTICLE_LINE_RE.match(ln.text)), default=-1
    )
    if last_article_line < 0:
        raise ParseError("no numbered article (1. 2. …) found: is this a plan document?")

    def open_unit(ref: str, kind: UnitKind, line: _Line, unit_title: str) -> None:
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


def load_document(text_path: Path) -> tuple[DocumentMeta, list[Unit], str]:
    """Read a plan text and its ``.meta.json`` neighbour; return metadata, units and the source."""
    meta_path = text_path.with_suffix(".meta.json")
    if not meta_path.exists():
        raise ParseError(f"{text_path.name}: missing metadata file {meta_path.name}")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{meta_path.name}: invalid JSON ({exc})") from exc
    missing = {"doc_id", "title"} - meta.keys()
    if missing:
        raise ParseError(f"{meta_path.name}: missing fields {sorted(missing)}")
    raw = text_path.read_bytes()
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{text_path.name}: not UTF-8 text ({exc})") from exc
    doc = DocumentMeta(
        doc_id=meta["doc_id"], title=meta["title"],
        short_title=meta.get("short_title", meta["title"]), issuer=meta.get("issuer", ""),
        adopted=meta.get("adopted", ""), source_file=text_path.name,
        source_sha256=hashlib.sha256(raw).hexdigest(), primary=bool(meta.get("primary", False)),
    )
    return doc, parse_units(source, doc.doc_id, doc.title), source


def kb_documents(kb_dir: Path) -> list[Path]:
    """The plan texts of a knowledge-base folder (each ``*.txt`` with a ``.meta.json`` beside it)."""
    return sorted(p for p in kb_dir.glob("*.txt") if p.with_suffix(".meta.json").exists())
