"""The 建议原文 tab: keyword search, the outline and the full text of one unit at a time."""
from __future__ import annotations

import gradio as gr

from ui import render
from ui.state import UIContext
from ui.widgets import SCROLL_JS, clickable, event_data, search_row


class PlanHandlers:
    """The tab's event handlers over one UIContext."""

    def __init__(self, ctx: UIContext):
        """Handlers reading ``ctx.index``."""
        self.ctx = ctx

    def open_unit(self, keyword: str, evt: gr.EventData) -> str:
        """The clicked outline item or search result as a full unit, ``keyword`` highlighted in it."""
        data = event_data(evt)
        unit = self.ctx.index.unit(str(data.get("ref", "")), data.get("doc") or None)
        spans = []
        if unit is not None and (keyword or "").strip():
            spans = next((s for u, s, _ in render.search_units([unit], keyword)), [])
        return render.render_unit(unit, spans=spans)


def build_plan_tab(ctx: UIContext) -> None:
    """Lay out the 建议原文 tab inside the current gr.Tabs and wire its events."""
    handlers = PlanHandlers(ctx)

    def search_html(keyword: str = "") -> str:                 # the live index: a re-index shows at once
        return render.render_search(ctx.units, keyword)
    with gr.Tab("建议原文", id="plan"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=320):
                keyword, search = search_row("关键词，如：低空经济", "搜索", "plan-search")
                results = clickable(search_html, elem_id="search-results", max_height=360)
                outline = clickable(lambda: render.render_outline(ctx.units, ctx.doc_titles), elem_id="outline",
                                    max_height=560)
            with gr.Column(scale=3, min_width=420):
                viewer = gr.HTML(lambda: render.render_unit(ctx.units[0]) if ctx.units else "", elem_id="viewer",
                                 js_on_load=SCROLL_JS, max_height=760)
    for html in (outline, results):
        html.click(handlers.open_unit, keyword, viewer, concurrency_limit=None, show_progress="hidden")
    search.click(search_html, keyword, results, concurrency_limit=None)
    keyword.submit(search_html, keyword, results, concurrency_limit=None)
