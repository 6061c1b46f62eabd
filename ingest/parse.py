"""Load the knowledge base: every file of ``kb/`` read (ingest.readers), described (its ``.meta.json`` or
ingest.metadata) and split into units in its layout (ingest.layouts), each file on its own.

One bad file never blocks the rest: ``load_documents`` returns the documents it read and, for every other
file of the folder, a ``SkippedFile`` naming it with its reason. Nothing in the folder is silently
ignored except hidden files and the ``.meta.json`` companions.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from config import SETTINGS, Settings

from .layouts import Layout, ParseError, parse_layout
from .metadata import infer_metadata
from .readers import UnreadableDocument, read_document
from .units import DocumentMeta, Unit

META_SUFFIX = ".meta.json"

__all__ = ["DocumentError", "LoadedDocument", "ParseError", "SkippedFile", "kb_files", "load_document",
           "load_documents", "meta_path"]


class DocumentError(ValueError):
    """A file of the knowledge base cannot be indexed; ``str(exc)`` names the file and says why (Chinese)."""


class LoadedDocument(NamedTuple):
    """One document read from the knowledge base: its metadata, its units and the text they index into."""

    meta: DocumentMeta
    units: list[Unit]
    source: str


@dataclass(frozen=True)
class SkippedFile:
    """A file of the knowledge base that was not indexed, and why (Chinese, naming the file)."""

    file: str
    reason: str


def meta_path(path: Path) -> Path:
    """The ``.meta.json`` that describes ``path`` (plan.docx → plan.meta.json)."""
    return path.with_name(path.stem + META_SUFFIX)


def kb_files(kb_dir: Path) -> list[Path]:
    """Every file of the knowledge-base folder that is a candidate document: all regular, non-hidden files
    but the ``.meta.json`` companions, sorted by name."""
    return sorted(p for p in kb_dir.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(META_SUFFIX))


def _read_meta(path: Path) -> dict:
    meta_file = meta_path(path)
    if not meta_file.exists():
        return {}
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{meta_file.name}：不是有效的 JSON（{exc}）") from exc
    if not isinstance(meta, dict):
        raise DocumentError(f"{meta_file.name}：应是一个 JSON 对象")
    return meta


def load_document(path: Path, settings: Settings = SETTINGS) -> LoadedDocument:
    """Read, describe and parse one file. Raises DocumentError (naming the file) when it cannot be read
    or has nothing to cite."""
    try:
        source = read_document(path, settings.readers)
    except UnreadableDocument as exc:
        raise DocumentError(str(exc)) from exc
    given = _read_meta(path)
    meta = infer_metadata(path.stem, source.text, settings.layout) | {
        k: v for k, v in given.items() if k in ("doc_id", "title", "short_title", "issuer", "adopted") and v}
    if given.get("doc_id") and given.get("title") and not given.get("short_title"):
        meta["short_title"] = given["title"]
    headings = dict(source.heading_levels)
    try:
        layout, units = parse_layout(source.text, meta["doc_id"], meta["title"], headings, settings.layout)
    except ParseError as exc:
        raise DocumentError(f"{path.name}：没有可引用的正文（{exc}）") from exc
    warnings = list(source.warnings)
    if layout is Layout.PARAGRAPHS:
        warnings.append(f"{path.name}：未识别出篇、章、节或条目编号，按段落切分（每段一个单元）")
    doc = DocumentMeta(
        doc_id=meta["doc_id"], title=meta["title"], short_title=meta["short_title"],
        issuer=meta.get("issuer", ""), adopted=meta.get("adopted", ""), source_file=path.name,
        source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), primary=bool(given.get("primary", False)),
        layout=layout.value, source_format=source.format, encoding=source.encoding, warnings=tuple(warnings))
    return LoadedDocument(doc, units, source.text)


def load_documents(kb_dir: Path, settings: Settings = SETTINGS) -> tuple[list[LoadedDocument], list[SkippedFile]]:
    """Every file of ``kb_dir`` loaded on its own: the documents read (a later file whose doc_id is taken
    is skipped) and the files skipped with their reasons."""
    loaded: list[LoadedDocument] = []
    skipped: list[SkippedFile] = []
    for path in kb_files(kb_dir):
        try:
            document = load_document(path, settings)
        except DocumentError as exc:
            skipped.append(SkippedFile(path.name, str(exc)))
            continue
        except OSError as exc:
            skipped.append(SkippedFile(path.name, f"{path.name}：无法读取（{exc}）"))
            continue
        taken = next((d.meta.source_file for d in loaded if d.meta.doc_id == document.meta.doc_id), None)
        if taken:
            skipped.append(SkippedFile(path.name, f"{path.name}：doc_id “{document.meta.doc_id}” 已被 {taken} 使用"))
            continue
        loaded.append(document)
    return loaded, skipped
