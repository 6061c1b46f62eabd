"""The 指标表 tab: a chart of the indicators with both a 2025 value and a 2030 goal, and the targets table,
filtered by kind and keyword, sorted, downloadable as CSV; bars and article chips open the article beside."""
from __future__ import annotations

import hashlib
import json

import gradio as gr

from ui import render, targets_render
from ui.state import UIContext
from ui.widgets import SCROLL_JS, clickable, event_data

KIND_CHOICES = ["全部", "成果", "目标", "远景", "其他"]
ALL_DOCS = "全部文档"
FOOTNOTE = ("成果：2025年及“十四五”时期已取得的成绩；目标：2030年及“十五五”时期要实现的目标；"
            "远景：2035年远景；其他：纪念年份、所融入的外部产业规模等。年份“—”：原文未给出年份"
            "（如“由…调整为…”的起点）。同一原句中的指标归为一组，原句只列一次；下载的 CSV 每行都带原句。")
EVIDENCE_HINT = ('<div class="unit-view empty"><p class="muted">点击图中的条形或表中的条文标签（如〔第7条〕），'
                 '在此查看该条原文，指标所在的原句以高亮显示。</p></div>')


class TargetHandlers:
    """The tab's event handlers over one UIContext."""

    def __init__(self, ctx: UIContext):
        """Handlers reading ``ctx.index.targets`` and writing CSV files under ``ctx.files_dir``."""
        self.ctx = ctx
        self.doc_filter: gr.Dropdown | None = None   # the 文档 filter, refreshed on each page load

    def targets_csv(self, rows: list[list[str]]) -> str:
        """Path of a CSV of ``rows``: one file per distinct table content, so concurrent users never
        overwrite each other's download."""
        digest = hashlib.sha1(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]
        return str(render.write_csv(rows, self.ctx.files_dir / digest / "黔江十五五建议-指标表.csv"))

    def doc_dropdown(self) -> gr.Dropdown:
        """The document filter as it should be after a re-index (shown only with several documents)."""
        return gr.Dropdown(choices=self.doc_choices(), value=ALL_DOCS, visible=len(self.ctx.index.documents) > 1)

    def doc_choices(self) -> list[str]:
        """The document filter: 全部文档 and each document's 简称."""
        return [ALL_DOCS] + [d.short_title for d in self.ctx.index.documents]

    def table(self, kind: str, keyword: str, sort: str, doc: str = "") -> tuple[str, str, list[list[str]]]:
        """(table HTML, count line, CSV rows) for one kind (or 全部), keyword, sort order and document
        (a 简称, or 全部文档)."""
        targets = self.ctx.index.targets
        selected = render.select_targets(targets, "" if kind == "全部" else kind, keyword, sort)
        doc_ids = {d.doc_id for d in self.ctx.index.documents if d.short_title == doc}
        if doc_ids:
            selected = [i for i in selected if targets[i].doc_id in doc_ids]
        rows = [render.target_row(targets[i]) for i in selected]
        return targets_render.render_table(targets, selected), f"共 {len(selected)} 项指标", rows

    def filter_targets(self, kind: str, keyword: str, sort: str, doc: str = "") -> tuple:
        """(table HTML, count line, CSV download) for one kind (or 全部), keyword, sort order and document."""
        html, count, rows = self.table(kind, keyword, sort, doc)
        return html, count, gr.DownloadButton(value=self.targets_csv(rows))

    def chart(self) -> str:
        """The chart of every indicator with a 2025 value and a 2030 goal (UISettings bound its size), and,
        with several documents, the indicators they state alike side by side."""
        settings = self.ctx.settings
        index = self.ctx.index
        documents = [(d.doc_id, d.short_title) for d in index.documents]
        return (targets_render.render_chart(index.targets, settings.chart_max_indicators, settings.chart_bar_px)
                + targets_render.render_comparison(index.targets, documents))

    def open_unit(self, evt: gr.EventData) -> str:
        """The clicked bar's or chip's article, the sentence of its row (``data-turn``) highlighted."""
        data = event_data(evt)
        ref, doc_id, turn = str(data.get("ref", "")), data.get("doc") or None, str(data.get("turn", ""))
        unit = self.ctx.index.unit(ref, doc_id)
        targets = self.ctx.index.targets
        row = targets[int(turn)] if turn.isdigit() and int(turn) < len(targets) else None
        if unit is None or row is None or row.ref != ref:
            return render.render_unit(unit)
        return render.render_unit(unit, [row.sentence], note=f"高亮部分为“{row.indicator} {row.reading}”所在的原句。")


def build_targets_tab(ctx: UIContext) -> TargetHandlers:
    """Lay out the 指标表 tab inside the current gr.Tabs and wire its events; returns its handlers."""
    handlers = TargetHandlers(ctx)
    height = ctx.settings.targets_panel_px
    with gr.Tab("指标表", id="targets"):
        rows0 = handlers.table("全部", "", "按条文顺序")[2]
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=560):
                chart = clickable(handlers.chart, elem_id="targets-chart")
                with gr.Row(equal_height=True):
                    kind = gr.Radio(KIND_CHOICES, value="全部", label="类别", scale=3, elem_id="target-kind")
                    tkey = gr.Textbox(label="关键词", placeholder="指标或原句中的词，如：人口", scale=2,
                                      elem_id="target-keyword")
                    tsort = gr.Dropdown(list(render.SORTS), value="按条文顺序", label="排序", scale=1,
                                        min_width=140, elem_id="target-sort")
                    tdoc = gr.Dropdown(handlers.doc_choices(), value=ALL_DOCS, label="文档", scale=1, min_width=140,
                                       visible=len(ctx.index.documents) > 1, elem_id="target-doc")
                with gr.Row(equal_height=True, elem_classes="count-row"):
                    count = gr.Markdown(lambda: handlers.table("全部", "", "按条文顺序")[1], elem_id="target-count")
                    csv_button = gr.DownloadButton(
                        "下载 CSV（Excel 可直接打开）", size="sm", scale=0, min_width=220, elem_id="target-csv",
                        value=handlers.targets_csv(rows0))
                table = clickable(lambda: handlers.table("全部", "", "按条文顺序")[0], elem_id="targets-table",
                                  max_height=height)
                gr.Markdown(FOOTNOTE, elem_classes="footnote")
            with gr.Column(scale=2, min_width=360, elem_classes="targets-side"):
                gr.Markdown("#### 原文")
                evidence = gr.HTML(EVIDENCE_HINT, elem_id="targets-evidence", js_on_load=SCROLL_JS,
                                   max_height=height)
    handlers.doc_filter = tdoc
    for trigger in (kind.change, tkey.submit, tkey.change, tsort.change, tdoc.change):
        trigger(handlers.filter_targets, [kind, tkey, tsort, tdoc], [table, count, csv_button], concurrency_limit=None,
                show_progress="hidden")
    for panel in (chart, table):
        panel.click(handlers.open_unit, None, evidence, concurrency_limit=None, show_progress="hidden")
    return handlers
