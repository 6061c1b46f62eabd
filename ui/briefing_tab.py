"""The 专题简报 tab: a briefing on a topic or a list of questions, previewed, as Markdown and Word."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import gradio as gr

from chat.inputs import QuestionError
from ui import render
from ui.state import UIContext
from ui.widgets import offered_backends

QUESTIONS_HINT = "2030年城市人口目标是多少？\n如何发展养老服务？"


class BriefingHandlers:
    """The tab's event handler over one UIContext."""

    def __init__(self, ctx: UIContext):
        """Handlers answering with ``ctx.assistant`` and writing files under ``ctx.files_dir``."""
        self.ctx = ctx

    def make_briefing(self, topic: str, questions: str, backend: str) -> tuple:
        """(preview Markdown, Markdown download, Word download) for ``topic`` and/or one question a line;
        a message and empty downloads when neither is given or a question is rejected."""
        from chat.briefing.build import build_briefing
        from chat.briefing.export import to_docx, to_markdown

        qs = [q.strip() for q in (questions or "").splitlines() if q.strip()]
        if not (topic or "").strip() and not qs:
            return "请填写专题，或逐行填写问题。", gr.DownloadButton(value=None), gr.DownloadButton(value=None)
        try:
            brief = build_briefing(self.ctx.assistant, topic=(topic or "").strip() or None, questions=qs or None,
                                   backend=backend)
        except QuestionError as exc:
            return f"无法生成简报：{exc}", gr.DownloadButton(value=None), gr.DownloadButton(value=None)
        md = to_markdown(brief)
        folder = Path(tempfile.mkdtemp(dir=self.ctx.files_dir))
        name = "专题简报" + ("-" + re.sub(r"[^\w-]", "", topic)[:20] if (topic or "").strip() else "")
        md_path = folder / f"{name}.md"
        md_path.write_text(md, encoding="utf-8")
        docx_path = to_docx(brief, folder / f"{name}.docx", self.ctx.assistant.settings.briefing)
        return (render.safe_markdown(md), gr.DownloadButton(value=str(md_path), interactive=True),
                gr.DownloadButton(value=str(docx_path), interactive=True))


def build_briefing_tab(ctx: UIContext) -> None:
    """Lay out the 专题简报 tab inside the current gr.Tabs and wire its event."""
    handlers = BriefingHandlers(ctx)
    with gr.Tab("专题简报", id="briefing"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=2, min_width=320):
                topic = gr.Textbox(label="专题", placeholder="如：低空经济", elem_id="brief-topic")
                questions = gr.Textbox(label="或逐行填写问题（可选）", lines=5, elem_id="brief-questions",
                                       placeholder=QUESTIONS_HINT)
                backend = gr.Radio(offered_backends(), value="extractive", label="回答方式")
                make = gr.Button("生成简报", variant="primary", elem_id="brief-make")
                with gr.Row():
                    md_button = gr.DownloadButton("下载 Markdown", interactive=False, elem_id="brief-md")
                    docx_button = gr.DownloadButton("下载 Word", interactive=False, elem_id="brief-docx")
            with gr.Column(scale=3, min_width=420):
                preview = gr.Markdown("简报预览将显示在这里。", elem_id="brief-preview", elem_classes="brief-preview")
    make.click(handlers.make_briefing, [topic, questions, backend], [preview, md_button, docx_button])
