"""Plain text (.txt) in UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030/GBK/GB2312.

Detection: a BOM decides; otherwise strict UTF-8; otherwise charset-normalizer's candidates. Short Chinese
texts in GB18030 are often named big5, cp949 or utf_16_be first, with gb18030 further down the list, so a GB
family anywhere among the candidates decodes as gb18030 (the superset of gbk and gb2312); a genuine Big5 text
has no GB candidate and stays Big5.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer

from ingest.readers import SourceText, read_bytes, unreadable

GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "cp936", "hz"})
NOT_TEXT = "无法识别文字编码（不是 UTF-8 或 GB18030 文本）"


def normalize_newlines(text: str) -> str:
    """``text`` with "\\r\\n" and lone "\\r" turned into "\\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _candidates(data: bytes) -> list[str]:
    """charset-normalizer's encodings for ``data``, best first (Python codec names); [] when none fits."""
    return [match.encoding for match in charset_normalizer.from_bytes(data)]


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a text file's bytes: ``(text with "\\n" line ends and no BOM, encoding name)``.

    Raises ``UnreadableDocument`` naming ``path`` when the bytes are binary or fit no encoding; an empty
    result is left to the caller.
    """
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text, encoding = data.decode("utf-16"), "utf-16"
        elif b"\x00" in data:                      # NUL is no character of a text file: binary
            raise unreadable(path, NOT_TEXT)
        elif data.startswith(codecs.BOM_UTF8):
            text, encoding = data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        else:
            text, encoding = _decode_utf8_or_legacy(data, path)
    except UnicodeDecodeError as exc:               # a BOM before another encoding's bytes, a bad guess
        raise unreadable(path, NOT_TEXT) from exc
    return normalize_newlines(text), encoding


def _decode_utf8_or_legacy(data: bytes, path: Path) -> tuple[str, str]:
    """Strict UTF-8; else GB18030 when charset-normalizer names a GB family at all, else its best guess."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    names = _candidates(data)
    if not names:
        raise unreadable(path, NOT_TEXT)
    gb = any(codecs.lookup(name).name in GB_FAMILY for name in names)
    encoding = "gb18030" if gb else codecs.lookup(names[0]).name
    return data.decode(encoding), encoding


def read_plain(path: Path) -> SourceText:
    """Read a .txt file: its decoded text, ``format="txt"``, the encoding used, no headings.

    Raises ``UnreadableDocument`` for an unopenable, binary or undecodable file, or an empty one.
    """
    data = read_bytes(path)
    text, encoding = decode_text(data, path)
    if not text.strip():
        raise unreadable(path, "文件为空")
    return SourceText(text=text, format="txt", encoding=encoding)
