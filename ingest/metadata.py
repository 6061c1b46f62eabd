"""Document metadata when a file comes without a ``.meta.json``: what its own text and name say.

- ``doc_id``: the file name's stem when it is already URL-safe (letters, digits, . _ -), else a slug of it
  made by python-slugify (黔江纲要 → qian-jiang-gang-yao), else a hash of it: stable across builds.
- ``title``: the first line (a "附件1" line above it skipped), unless that line is a numbered heading or too
  long to be a title, then the file name's stem.
- ``short_title`` (the 简称 in 〔《简称》第三章〕): the file name's stem when short, else the title when
  short, else the title's beginning (ingest.parse numbers a 简称 already taken).
- ``adopted``: the first date (2026年1月20日, 二〇二六年一月二十日) in the opening lines, as 2026-01-20.
A ``.meta.json`` beside the file overrides any of these fields.
"""
from __future__ import annotations

import hashlib
import re

from slugify import slugify

from config import SETTINGS, LayoutSettings

from .layouts.headings import ANNEX_LINE_RE, is_numbered
from .text.numerals import cn_to_int

URL_SAFE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DIGITS = "〇一二三四五六七八九"
DATE_RE = re.compile(r"(\d{4}|[〇零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月"
                     r"(\d{1,2}|[一二三四五六七八九十]{1,3})日")


def doc_id_of(stem: str) -> str:
    """A stable, URL-safe id for a file name's stem (see the module docstring)."""
    if URL_SAFE_RE.match(stem):
        return stem
    slug = slugify(stem)
    return slug or "doc-" + hashlib.sha256(stem.encode()).hexdigest()[:10]


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    return cn_to_int(token)


def adoption_date(text: str, settings: LayoutSettings = SETTINGS.layout) -> str:
    """The first date in the opening lines of ``text`` as YYYY-MM-DD, or "" when there is none."""
    head = "\n".join(text.split("\n")[: settings.date_lines])
    for match in DATE_RE.finditer(head):
        year_token, month_token, day_token = match.groups()
        year = year_token if year_token.isdigit() else "".join(
            str(_DIGITS.index(ch) if ch in _DIGITS else 0) for ch in year_token)
        try:
            month, day = _number(month_token), _number(day_token)
        except ValueError:
            continue
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{int(year):04d}-{month:02d}-{day:02d}"
    return ""


def infer_metadata(stem: str, text: str, settings: LayoutSettings = SETTINGS.layout) -> dict[str, str]:
    """{"doc_id", "title", "short_title", "adopted"} for a file named ``stem`` holding ``text``."""
    first = next((line.strip() for line in text.split("\n") if line.strip() and not ANNEX_LINE_RE.match(line.strip())), "")
    numbered = is_numbered(first)
    title = first if first and not numbered and len(first) <= settings.max_title_line_chars else stem
    limit = settings.short_title_chars
    short = stem if len(stem) <= limit else title if len(title) <= limit else title[:limit]
    return {"doc_id": doc_id_of(stem), "title": title, "short_title": short, "adopted": adoption_date(text, settings)}
