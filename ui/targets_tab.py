"""The 指标表 tab: the targets table, filtered by kind and keyword, sorted, downloadable as CSV."""
from __future__ import annotations

import hashlib
import json

import gradio as gr

from ui import render
from ui.state import UIContext

KIND_CHOICES = ["全部", "成果", "目标", "远景", "其他"]
COLUMN_WIDTHS = ["16%", "9%", "7%", "7%", "6%", "7%", "48%"]
FOOTNOTE = ("成果：2025年及“十四五”时期已取得的成绩；目标：2030年及“十五五”时期要实现的目标；"
            "远景：2035年远景；其他：纪念年份、所融入的外部产业规模等。")


class TargetHandlers:
    """The tab's event handlers over one UIContext."""

    def __init__(self, ctx: UIContext):
        """Handlers reading ``ctx.index.targets`` and writing CSV files under ``ctx.files_dir``."""
        self.ctx = ctx

    def targets_csv(self, rows: list[list[str]]) -> str:
        """Path of a CSV of ``rows``: one file per distinct table content, so concurrent users never
        overwrite each other's download."""
        digest = hashlib.sha1(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]
        return str(render.write_csv(rows, self.ctx.files_dir / digest / "黔江十五五建议-指标表.csv"))

    def filter_targets(self, kind: str, keyword: str, sort: str) -> tuple:
        """(table rows, count line, CSV download) for one kind (or 全部), keyword and sort order."""
        rows = render.target_rows(self.ctx.index.targets, "" if kind == "全部" else kind, keyword, sort)
        return rows, f"共 {len(rows)} 项指标", gr.DownloadButton(value=self.targets_csv(rows))


def build_targets_tab(ctx: UIContext) -> None:
    """Lay out the 指标表 tab inside the current gr.Tabs and wire its events."""
    handlers = TargetHandlers(ctx)
    with gr.Tab("指标表", id="targets"):
        rows0 = render.target_rows(ctx.index.targets)
        with gr.Row(equal_height=True):
            kind = gr.Radio(KIND_CHOICES, value="全部", label="类别", scale=3, elem_id="target-kind")
            tkey = gr.Textbox(label="关键词", placeholder="指标或原句中的词，如：人口", scale=2,
                              elem_id="target-keyword")
            tsort = gr.Dropdown(list(render.SORTS), value="按条文顺序", label="排序", scale=1,
                                min_width=140, elem_id="target-sort")
        with gr.Row(equal_height=True, elem_classes="count-row"):
            count = gr.Markdown(f"共 {len(rows0)} 项指标", elem_id="target-count")
            csv_button = gr.DownloadButton(
                "下载 CSV（Excel 可直接打开）", size="sm", scale=0, min_width=220, elem_id="target-csv",
                value=handlers.targets_csv(rows0))
        table = gr.Dataframe(rows0, headers=render.TARGET_HEADERS, interactive=False, wrap=True,
                             max_height=620, elem_id="targets-table", column_widths=COLUMN_WIDTHS)
        gr.Markdown(FOOTNOTE, elem_classes="footnote")
    for trigger in (kind.change, tkey.submit, tkey.change, tsort.change):
        trigger(handlers.filter_targets, [kind, tkey, tsort], [table, count, csv_button], concurrency_limit=None,
                show_progress="hidden")
