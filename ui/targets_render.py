"""HTML of the 指标表 tab: the chart of 2025 values against 2030 goals, and the targets table with each source
sentence shown once per group of rows that share it.

Like ui/render.py, every piece of document text goes through ``esc`` (or ``highlight``, which escapes) before
it is placed in markup, and nothing refers to anything outside the page (no script, font or URL): the bars are
HTML/CSS drawn here. Bars and the table's article chips are citation chips (``render.chip``) whose
``data-turn`` is the row's index in the targets table, so the tab's article panel can highlight its sentence.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.targets import KIND_LABELS, LAST_GOAL_YEAR, LAST_RESULT_YEAR, Target
from ui.render import chip, esc, highlight

NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
RESULT_YEAR, GOAL_YEAR = str(LAST_RESULT_YEAR), str(LAST_GOAL_YEAR)
CHART_CAPTION = (f"{RESULT_YEAR}年数值与{GOAL_YEAR}年目标（建议原文同时给出两者的指标）。各项按本项较大值绘制，"
                 "单位不同，项与项之间不作比较；点击条形查看原文。")
TABLE_HEADERS = ("指标", "数值（原文表述）", "年份", "类别", "出处与原句")


def _number(value: str) -> float | None:
    """The value as a number when it is a plain number (26.5, 33), else None (ratios, 百亿级)."""
    value = unicodedata.normalize("NFKC", value)
    return float(value) if NUMBER_RE.fullmatch(value) else None


@dataclass(frozen=True)
class ChartPair:
    """One charted indicator: its 2025 row and its 2030 row (indices into the targets table)."""

    indicator: str
    unit: str
    result: int
    goal: int


def chart_pairs(targets: Sequence[Target], limit: int | None = None) -> list[ChartPair]:
    """Every indicator with a 2025 value (kind result, year 2025) and a 2030 goal (kind goal, year 2030) in
    the same document and unit, both plain numbers; the first row of each in plan order; at most ``limit``,
    in the order of their goals."""
    first: dict[tuple[str, str, str, str], int] = {}
    for i, t in enumerate(targets):
        side = {("result", RESULT_YEAR): "result", ("goal", GOAL_YEAR): "goal"}.get((t.kind, t.year))
        if side and t.unit and _number(t.value) is not None:
            first.setdefault((side, t.doc_id, t.indicator, t.unit), i)
    pairs = [ChartPair(indicator, unit, first[("result", doc, indicator, unit)], goal)
             for (side, doc, indicator, unit), goal in first.items()
             if side == "goal" and ("result", doc, indicator, unit) in first]
    pairs.sort(key=lambda p: p.goal)
    return pairs[:limit] if limit is not None else pairs


def _bar(index: int, t: Target, top: float, track_px: int) -> str:
    """One bar: a citation chip of the row's article whose content is its year, the bar and its wording."""
    value = _number(t.value) or 0.0
    share = 100 * value / top if top > 0 else 0.0
    body = (f'<span class="bar-year">{esc(t.year)}年</span>'
            f'<span class="bar-track" style="width:{int(track_px)}px">'
            f'<span class="bar-fill" style="width:{share:.1f}%"></span></span>'
            f'<span class="bar-value">{esc(t.reading)}</span><span class="bar-ref">{esc(t.label)}</span>')
    return chip(t.ref, t.label, t.doc_id, index, cls=f"chart-bar {t.kind}", body_html=body,
                title=f"{t.label}：{t.sentence}")


def render_chart(targets: Sequence[Target], max_indicators: int, track_px: int) -> str:
    """The chart: for each of ``chart_pairs`` (at most ``max_indicators``) its name and unit, and a bar for
    the 2025 value and one for the 2030 goal, scaled to the larger of the two (``track_px`` wide), each
    labelled with the plan's wording and opening its own article."""
    pairs = chart_pairs(targets, max_indicators)
    if not pairs:
        return (f'<div class="targets-chart empty"><p class="muted">没有同时给出{RESULT_YEAR}年数值和'
                f'{GOAL_YEAR}年目标的指标。</p></div>')
    items = []
    for p in pairs:
        rows = [(p.result, targets[p.result]), (p.goal, targets[p.goal])]
        top = max(_number(t.value) or 0.0 for _, t in rows)
        bars = "".join(_bar(i, t, top, track_px) for i, t in rows)
        items.append(f'<li class="chart-item" data-indicator="{esc(p.indicator)}">'
                     f'<div class="chart-name">{esc(p.indicator)}<span class="chart-unit">单位：{esc(p.unit)}'
                     f'</span></div>{bars}</li>')
    return (f'<div class="targets-chart"><p class="chart-caption">{esc(CHART_CAPTION)}</p>'
            f'<ul class="chart-items">{"".join(items)}</ul></div>')


def _groups(targets: Sequence[Target], selected: Sequence[int]) -> list[list[int]]:
    """Runs of consecutive selected rows that share one source sentence (same document and unit)."""
    def source(t: Target) -> tuple[str, str, str]:
        return t.doc_id, t.ref, t.sentence

    groups: list[list[int]] = []
    for i in selected:
        if groups and source(targets[groups[-1][0]]) == source(targets[i]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def render_table(targets: Sequence[Target], selected: Sequence[int]) -> str:
    """The rows ``selected`` (indices into ``targets``, in display order) as a table: indicator, the plan's
    wording of the figure, year (— when the plan gives none), kind, and, once per group of consecutive rows
    sharing it, the source sentence (their figures marked) after a chip opening its article."""
    if not selected:
        return '<p class="muted">没有符合条件的指标。</p>'
    body = []
    for group in _groups(targets, selected):
        first = targets[group[0]]
        marked = highlight(first.sentence, [targets[i].figure for i in group], cls="figure")
        source = (f'<td class="source" rowspan="{len(group)}">{chip(first.ref, first.label, first.doc_id, group[0])}'
                  f'<span class="sentence">{marked}</span></td>')
        for n, i in enumerate(group):
            t = targets[i]
            cells = (f'<td class="indicator">{esc(t.indicator)}</td><td class="value">{esc(t.reading)}</td>'
                     f'<td class="year">{esc(t.year or "—")}</td><td class="kind">{esc(KIND_LABELS.get(t.kind, t.kind))}</td>')
            body.append(f'<tr class="{"group-start" if n == 0 else "group-more"}" data-row="{i}">{cells}'
                        f'{source if n == 0 else ""}</tr>')
    head = "".join(f"<th>{esc(h)}</th>" for h in TABLE_HEADERS)
    return f'<table class="targets-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def comparison_rows(targets: Sequence[Target], doc_order: Sequence[str]) -> list[tuple[str, str, dict[str, int]]]:
    """The indicators that two or more documents state for the same year: (indicator, year, doc_id → the
    first row's index), in the order the first document states them. ``doc_order``: doc_ids, primary first."""
    seen: dict[tuple[str, str], dict[str, int]] = {}
    for i, t in enumerate(targets):
        if t.kind in ("result", "goal", "vision") and t.year:
            seen.setdefault((unicodedata.normalize("NFKC", t.indicator), t.year), {}).setdefault(t.doc_id, i)
    rank = {d: n for n, d in enumerate(doc_order)}
    rows = [(indicator, year, cells) for (indicator, year), cells in seen.items() if len(cells) >= 2]
    return sorted(rows, key=lambda r: min((rank.get(d, len(rank)), i) for d, i in r[2].items()))


def render_comparison(targets: Sequence[Target], documents: Sequence[tuple[str, str]]) -> str:
    """The same indicator in several documents side by side (a 纲要's 2030 target next to the proposal's):
    one column per document (``documents``: (doc_id, 简称), primary first), each cell the plan's wording
    with a chip of its article; "" when fewer than two documents state any indicator alike."""
    rows = comparison_rows(targets, [d for d, _ in documents])
    if not rows:
        return ""
    head = "".join(f"<th>{esc(h)}</th>" for h in ("指标", "年份", *(f"《{name}》" for _, name in documents)))
    body = []
    for indicator, year, cells in rows:
        tds = []
        for doc_id, _ in documents:
            i = cells.get(doc_id)
            tds.append('<td class="muted">—</td>' if i is None else
                       f'<td>{esc(targets[i].reading)} {chip(targets[i].ref, targets[i].label, doc_id, i)}</td>')
        body.append(f'<tr><td class="indicator">{esc(indicator)}</td><td class="year">{esc(year)}</td>{"".join(tds)}</tr>')
    return ('<div class="targets-compare"><p class="chart-caption">同一指标在各文档中的数值（年份相同）：</p>'
            f'<table class="targets-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
