"""The 提法 tab: the plan's formulations (ingest.glossary), searchable, each with its definition and the
articles that use it as chips that open the article beside the list."""
from __future__ import annotations

import gradio as gr

from ui import render, study_render
from ui.state import UIContext
from ui.widgets import SCROLL_JS, clickable, event_data, search_row

EVIDENCE_HINT = ('<div class="unit-view empty"><p class="muted">点击提法下方的条文标签（如〔第2条〕），'
                 '在此查看该条原文，提法出现之处以高亮显示。</p></div>')


class GlossaryHandlers:
    """The tab's event handlers over the assistant's glossary (built once, with the assistant)."""

    def __init__(self, ctx: UIContext):
        """Handlers over ``ctx.assistant.glossary`` (every document of its index)."""
        self.ctx = ctx

    @property
    def entries(self):
        """The live assistant's glossary entries (a re-index brings its documents' 提法)."""
        return self.ctx.assistant.glossary

    def search(self, keyword: str) -> str:
        """The entries whose term contains ``keyword`` (all when it is blank), with the count."""
        return study_render.render_glossary(self.entries, keyword, self.ctx.doc_titles)

    def open_unit(self, evt: gr.EventData) -> str:
        """The clicked chip's article, every occurrence of its entry's term highlighted."""
        data = event_data(evt)
        unit = self.ctx.index.unit(str(data.get("ref", "")), data.get("doc") or None)
        turn = str(data.get("turn", ""))
        if unit is None or not turn.isdigit() or int(turn) >= len(self.entries):
            return render.render_unit(unit)
        term = self.entries[int(turn)].term
        return render.render_unit(unit, [term], note=f"高亮部分为提法“{term}”在本条中出现之处。")


def build_glossary_tab(ctx: UIContext) -> GlossaryHandlers:
    """Lay out the 提法 tab inside the current gr.Tabs and wire its events; returns its handlers."""
    handlers = GlossaryHandlers(ctx)
    with gr.Tab("提法", id="glossary"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                keyword, search = search_row("查找提法，如：四篇大文章、33618", "查找", "glossary-search")
                entries = clickable(lambda: handlers.search(""), elem_id="glossary-list", max_height=700)
            with gr.Column(scale=2, min_width=340):
                gr.Markdown("#### 原文")
                evidence = gr.HTML(EVIDENCE_HINT, elem_id="glossary-evidence", js_on_load=SCROLL_JS,
                                   max_height=700)
    for trigger in (search.click, keyword.submit, keyword.change):
        trigger(handlers.search, keyword, entries, concurrency_limit=None, show_progress="hidden")
    entries.click(handlers.open_unit, None, evidence, concurrency_limit=None, show_progress="hidden")
    return handlers
