"""Adding and removing knowledge-base files safely (the 文档管理 tab uses it; the index is rebuilt after).

- A name is reduced to its last path component and checked: a supported type (ingest.readers), no
  control characters, no leading dot, not a ``.meta.json``; nothing is ever written outside ``kb_dir``.
- An added file must be readable and parse into units before it joins the folder: it is written to a
  hidden staging folder inside ``kb_dir``, read there, and only then moved into place (``os.replace``),
  so a bad upload or a crash never leaves a half-written document in the knowledge base.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from config import SETTINGS, Settings

from .parse import (
    DocumentError,
    LoadedDocument,
    claims_primary,
    doc_id_for,
    kb_files,
    load_document,
    meta_path,
)
from .readers import SUPPORTED_SUFFIXES

BAD_NAME_RE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/\u200e\u200f\u202a-\u202e\u2066-\u2069]')   # incl. bidi controls
MAX_NAME_BYTES = 255                      # the file-system limit of one name (ext4, NTFS)
STAGING_PREFIX = ".staging-"


class LibraryError(ValueError):
    """A file cannot be added or removed; ``str(exc)`` says why, in Chinese."""


def safe_name(name: str) -> str:
    """The file name to store an upload under: its last path component, checked. Raises LibraryError for
    an empty, hidden, metadata or unsupported name, or one with control or reserved characters."""
    base = re.split(r"[\\/]", str(name).strip())[-1].strip()
    if not base or base in (".", ".."):
        raise LibraryError("文件名为空")
    if base.startswith("."):
        raise LibraryError(f"“{base}”：文件名不能以“.”开头")
    if BAD_NAME_RE.search(base):
        raise LibraryError(f"“{base}”：文件名含有不允许的字符")
    if len(base.encode("utf-8")) > MAX_NAME_BYTES:
        raise LibraryError(f"“{base[:20]}…”：文件名过长")
    if base.endswith(".meta.json") or Path(base).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LibraryError(f"“{base}”：不支持的文件类型（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    return base


def add_document(kb_dir: Path, upload: Path, name: str, settings: Settings = SETTINGS) -> LoadedDocument:
    """Copy the file at ``upload`` into ``kb_dir`` as ``safe_name(name)`` once it reads and parses; returns
    the document as read. Raises LibraryError (a file of that name already there, too big, bad name, a
    doc_id another file already uses) or DocumentError (unreadable, nothing to cite); ``kb_dir`` is then
    unchanged."""
    target_name = safe_name(name)
    if (kb_dir / target_name).exists():
        raise LibraryError(f"“{target_name}”：知识库中已有同名文件；如需替换，请先删除原文件再添加")
    size = Path(upload).stat().st_size
    if size > settings.layout.max_upload_bytes:
        raise LibraryError(f"“{target_name}”：文件过大（{size / 1e6:.1f} MB，上限 "
                           f"{settings.layout.max_upload_bytes / 1e6:.0f} MB）")
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=kb_dir))
    try:
        staged = staging / target_name
        shutil.copyfile(upload, staged)
        document = load_document(staged, settings)
        for other in kb_files(kb_dir):
            if other.name == target_name:
                continue
            try:
                taken = doc_id_for(other) == document.meta.doc_id     # from its name or metadata: nothing parsed
            except DocumentError:
                continue
            if taken:
                raise LibraryError(f"“{target_name}”：文档编号 {document.meta.doc_id} 已被 {other.name} 使用")
        os.replace(staged, kb_dir / target_name)
        return document
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_document(kb_dir: Path, name: str) -> list[str]:
    """Delete the knowledge-base file called ``name`` and its ``.meta.json``; returns the names removed.
    Raises LibraryError when no such file is in the folder or it is the last document."""
    files = {p.name: p for p in kb_files(kb_dir)}
    if name not in files:
        raise LibraryError(f"知识库中没有文件“{name}”")
    if len(files) == 1:
        raise LibraryError("这是知识库中唯一的文档，不能删除")
    meta = meta_path(files[name])
    if claims_primary(files[name]):
        raise LibraryError(f"“{name}”是主文档（其 .meta.json 标明 primary），不能在此删除")
    removed = [files[name]]
    meta = meta_path(files[name])
    if meta.exists() and not any(p != files[name] and meta_path(p) == meta for p in files.values()):
        removed.append(meta)
    for path in removed:
        path.unlink()
    return [p.name for p in removed]
