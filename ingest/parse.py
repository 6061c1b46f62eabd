"""Load the knowledge base: every file of ``kb/`` read (ingest.readers), described (its ``.meta.json`` or
ingest.metadata) and split into units in its layout (ingest.layouts), each file on its own.

One bad file never blocks the rest: ``load_documents`` returns the documents it read and, for every other
file of the folder, a ``SkippedFile`` naming it with its reason. Nothing in the folder is silently
ignored except hidden files and the ``.meta.json`` companions.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from config import SETTINGS, Settings

from .layouts import Layout, ParseError, parse_layout
from .metadata import URL_SAFE_RE, doc_id_of, infer_metadata
from .readers import UnreadableDocument, read_document
from .units import DocumentMeta, Unit

META_SUFFIX = ".meta.json"
TEXT_FIELDS = ("doc_id", "title", "short_title", "issuer", "adopted")
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

__all__ = ["DocumentError", "LoadedDocument", "ParseError", "SkippedFile", "claims_primary", "doc_id_for",
           "kb_files", "load_document", "load_documents", "meta_path"]


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
        meta = json.loads(meta_file.read_text(encoding="utf-8-sig"))       # Notepad saves with a BOM
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{meta_file.name}：不是有效的 JSON（{exc}）") from exc
    if not isinstance(meta, dict):
        raise DocumentError(f"{meta_file.name}：应是一个 JSON 对象")
    for key in TEXT_FIELDS:
        if key in meta and not isinstance(meta[key], str):
            raise DocumentError(f"{meta_file.name}：“{key}”应是文字（字符串），不是 {json.dumps(meta[key], ensure_ascii=False)}")
    if "primary" in meta and not isinstance(meta["primary"], bool):
        raise DocumentError(f"{meta_file.name}：“primary”应是 true 或 false")
    if meta.get("doc_id") and not URL_SAFE_RE.match(meta["doc_id"]):
        raise DocumentError(f"{meta_file.name}：doc_id “{meta['doc_id']}” 只能由字母、数字和 . _ - 组成")
    return meta


def doc_id_for(path: Path) -> str:
    """The doc_id ``path`` is indexed under, without reading the document: its .meta.json's, else the one
    made from its file name. Raises DocumentError for an invalid .meta.json."""
    return _read_meta(path).get("doc_id") or doc_id_of(path.stem)


def load_document(path: Path, settings: Settings = SETTINGS) -> LoadedDocument:
    """Read, describe and parse one file. Raises DocumentError (naming the file) when it cannot be read
    or has nothing to cite."""
    try:
        source = read_document(path, settings.readers)
    except UnreadableDocument as exc:
        raise DocumentError(str(exc)) from exc
    given = _read_meta(path)
    meta = infer_metadata(path.stem, source.text, settings.layout) | {
        k: v for k, v in given.items() if k in TEXT_FIELDS and v}
    if given.get("doc_id") and given.get("title") and not given.get("short_title"):
        meta["short_title"] = given["title"]
    headings = dict(source.heading_levels)
    try:
        layout, units = parse_layout(source.text, meta["doc_id"], meta["title"], headings, settings.layout)
    except ParseError as exc:
        raise DocumentError(f"{path.name}：没有可引用的正文（{exc}）") from exc
    warnings = list(source.warnings)
    if meta.get("adopted") and not ISO_DATE_RE.match(meta["adopted"]):
        warnings.append(f"{meta_path(path).name}：adopted “{meta['adopted']}” 不是 YYYY-MM-DD 日期，已忽略")
        meta["adopted"] = ""
    if layout is Layout.PARAGRAPHS:
        warnings.append(f"{path.name}：未识别出篇、章、节或条目编号，按段落切分（每段一个单元）")
    doc = DocumentMeta(
        doc_id=meta["doc_id"], title=meta["title"], short_title=meta["short_title"],
        issuer=meta.get("issuer", ""), adopted=meta.get("adopted", ""), source_file=path.name,
        source_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), primary=bool(given.get("primary", False)),
        layout=layout.value, source_format=source.format, encoding=source.encoding, warnings=tuple(warnings))
    return LoadedDocument(doc, units, source.text)


def load_documents(kb_dir: Path, settings: Settings = SETTINGS) -> tuple[list[LoadedDocument], list[SkippedFile]]:
    """Every file of ``kb_dir`` loaded on its own: the documents read and the files skipped with their
    reasons (a subfolder is named too: its files are not read). The file whose .meta.json says
    ``"primary": true`` is read first, so it keeps its doc_id when another file claims the same one; a
    second primary is read as an ordinary document, with a warning; a 简称 already taken gets a number."""
    loaded: list[LoadedDocument] = []
    skipped = [SkippedFile(p.name, f"{p.name}：是文件夹，其中的文件不会被读取（请把文档直接放在知识库文件夹中）")
               for p in sorted(kb_dir.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    paths = kb_files(kb_dir)
    paths.sort(key=lambda p: not claims_primary(p))
    for path in paths:
        try:
            document = load_document(path, settings)
        except DocumentError as exc:
            skipped.append(SkippedFile(path.name, str(exc)))
            continue
        except OSError as exc:
            skipped.append(SkippedFile(path.name, f"{path.name}：无法读取（{exc}）"))
            continue
        meta = document.meta
        taken = next((d.meta.source_file for d in loaded if d.meta.doc_id == meta.doc_id), None)
        if taken:
            skipped.append(SkippedFile(path.name, f"{path.name}：doc_id “{meta.doc_id}” 已被 {taken} 使用"))
            continue
        notes = list(meta.warnings)
        if meta.primary and any(d.meta.primary for d in loaded):
            notes.append(f"{path.name}：已有主文档，本文件按普通文档引用（《简称》）")
            meta = replace(meta, primary=False)
        names = {d.meta.short_title for d in loaded}
        if meta.short_title in names:
            short = next(f"{meta.short_title}（{n}）" for n in range(2, len(loaded) + 3)
                         if f"{meta.short_title}（{n}）" not in names)
            notes.append(f"{path.name}：简称“{meta.short_title}”已被使用，改用“{short}”")
            meta = replace(meta, short_title=short)
        loaded.append(document._replace(meta=replace(meta, warnings=tuple(notes))))
    return loaded, skipped


def claims_primary(path: Path) -> bool:
    """Whether the .meta.json beside ``path`` says ``"primary": true`` (False when absent or invalid)."""
    try:
        return _read_meta(path).get("primary") is True
    except DocumentError:
        return False
