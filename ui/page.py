"""The whole page: header and the seven tabs over one (live) Assistant, with the queue that bounds answering."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr

from ui import render
from ui.briefing_tab import build_briefing_tab
from ui.chat_tab import build_chat_tab
from ui.documents_tab import build_documents_tab
from ui.glossary_tab import build_glossary_tab
from ui.plan_tab import build_plan_tab
from ui.quiz_tab import build_quiz_tab
from ui.state import LiveAssistant, UIContext
from ui.targets_tab import build_targets_tab
from ui.widgets import TITLE

if TYPE_CHECKING:
    from chat.pipeline import Assistant
    from config import UISettings

DELETE_CACHE = (3600, 6 * 3600)       # Gradio's cached files: checked hourly, removed after 6 hours


def build_ui(assistant: Assistant | LiveAssistant, settings: UISettings | None = None,
             admins: frozenset[str] | None = None) -> gr.Blocks:
    """The Blocks of 智能问答, 建议原文, 指标表, 专题简报, 提法, 学习测验 and 文档管理 over ``assistant``
    (loaded, or a live one swapped on re-index), queued with ``settings.answer_slots`` handlers at once
    (default: the assistant's settings.ui). ``admins``: the user names that may add and remove documents
    when a login is configured; None when there is no login (anyone may)."""
    ctx = UIContext.create(assistant, settings or (assistant.current if isinstance(assistant, LiveAssistant)
                                                   else assistant).settings.ui)
    settings = ctx.settings
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=DELETE_CACHE) as ui:
        session = gr.State(None)
        gr.HTML(lambda: render.render_header(TITLE, ctx.doc))    # callables: read again on each page load
        with gr.Tabs():
            build_chat_tab(ctx, session)
            build_plan_tab(ctx)
            targets = build_targets_tab(ctx)
            build_briefing_tab(ctx)
            build_glossary_tab(ctx)
            build_quiz_tab(ctx)
            documents = build_documents_tab(ctx, admins)
        ui.load(lambda: (documents.choices(), targets.doc_dropdown()), None,
                [documents.choice, targets.doc_filter], queue=False)      # after a re-index, a reload shows it
    ui.queue(default_concurrency_limit=settings.answer_slots, max_size=settings.queue_size)
    return ui
