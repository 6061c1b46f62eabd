"""Source files into plain text: .txt and .md in UTF-8 or GB18030, .docx through python-docx, .pdf through
pypdf's text layer. ``read_document(path)`` picks the reader by suffix and returns a ``SourceText``; a file
that cannot be read as a plan document raises ``UnreadableDocument`` with one Chinese sentence naming it.

One module per format: ``plain`` (.txt, and the decoding shared with .md), ``markdown``, ``word`` (.docx),
``pdf`` with ``pdf_layout`` (running headers, footers, page numbers, lines broken by the layout).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from config import SETTINGS, ReaderSettings

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class SourceText:
    """One source file as text.

    - ``text``: the document's lines joined by "\\n" (never "\\r"); unit spans index into it.
    - ``format``: "txt" | "md" | "docx" | "pdf".
    - ``encoding``: the encoding a .txt/.md was decoded with ("utf-8", "utf-8-sig", "utf-16", "gb18030", or
      another that charset-normalizer named); "" for .docx and .pdf.
    - ``heading_levels``: ``(line index in text.split("\\n"), level 1..9)`` for each line the file itself
      marks as a heading (Word heading styles or outline levels, Markdown "#"), in line order; () when none.
    - ``warnings``: Chinese, one line each, naming the file (e.g. how many running-header lines were removed).
    """

    text: str
    format: str
    encoding: str
    heading_levels: tuple[tuple[int, int], ...] = ()
    warnings: tuple[str, ...] = ()


class UnreadableDocument(ValueError):
    """The file cannot be read as a plan document; ``str(exc)`` is one Chinese sentence that names the file
    and the reason ("规划.pdf：……需要先进行 OCR 文字识别")."""


def unreadable(path: Path, reason: str) -> UnreadableDocument:
    """The ``UnreadableDocument`` for ``path``: "file name：reason"."""
    return UnreadableDocument(f"{path.name}：{reason}")


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a file that cannot be opened raises ``UnreadableDocument``."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise unreadable(path, f"无法打开文件（{exc.strerror or exc}）") from exc


def lines_text(lines: list[str]) -> str:
    """``lines`` joined by "\\n"."""
    return "\n".join(lines)


def read_document(path: Path, settings: ReaderSettings = SETTINGS.readers) -> SourceText:
    """Read ``path`` by its suffix (case-insensitive): .txt, .md, .docx or .pdf, into a ``SourceText``.

    Raises ``UnreadableDocument`` (a Chinese sentence naming the file) for an unsupported suffix, an old
    binary .doc, an undecodable, empty, corrupt, encrypted or scanned file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from ingest.readers.plain import read_plain
        source = read_plain(path)
    elif suffix == ".md":
        from ingest.readers.markdown import read_markdown
        source = read_markdown(path)
    elif suffix == ".docx":
        from ingest.readers.word import read_word
        source = read_word(path)
    elif suffix == ".pdf":
        from ingest.readers.pdf import read_pdf
        source = read_pdf(path, settings)
    elif suffix == ".doc":
        raise unreadable(path, "是旧版 Word 文件（.doc），请在 Word 或 WPS 中另存为 .docx 后再添加")
    else:
        raise unreadable(path, f"不支持的文件类型（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    if not source.text.strip():
        raise unreadable(path, "文件为空")
    return source
