"""The targets table as aligned plain text for ``python -m chat targets`` (CJK characters count double)."""
from __future__ import annotations

from collections.abc import Iterable

from wcwidth import wcswidth

from ingest.targets import KIND_LABELS, KINDS, Target


def format_table(targets: Iterable[Target], kind: str | None = None) -> str:
    """Aligned plain-text table (CJK characters count double) for the CLI."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    rows = [t for t in targets if kind is None or t.kind == kind]
    header = ("条款", "类别", "年份", "指标", "数值", "单位", "限定", "原文")
    body = [(t.label, KIND_LABELS[t.kind], t.year or "—", t.indicator, t.value, t.unit or "—",
             t.qualifier or "—", t.reading) for t in rows]
    widths = [max(wcswidth(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(c + " " * (w - wcswidth(c)) for c, w in zip(r, widths)).rstrip() for r in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} 项)")
    return "\n".join(lines)
