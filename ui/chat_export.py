"""“Export this conversation as a briefing” in the 智能问答 tab: the conversation's questions with their
verified answers, as given, in the official Word layout of the 专题简报 (chat/briefing/)."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ui.state import UIContext

FILE_NAME = "对话简报.docx"
EXPORT_LABEL = "导出对话为简报"
DOWNLOAD_LABEL = "下载对话简报 (.docx)"
NOTHING = "还没有可导出的问答：请先提问。"


def answered(session: dict | None) -> list[tuple]:
    """(question, Answer) of each finished turn of the session, in order; turns that failed or are still
    being answered are left out."""
    turns = (session or {}).get("turns", [])
    return [(t["question"], t["answer"]) for t in turns if t.get("answer") is not None and not t.get("error")]


class ExportHandlers:
    """The export's event handlers over one UIContext."""

    def __init__(self, ctx: UIContext):
        """Handlers writing under ``ctx.files_dir`` with ``ctx.assistant``'s briefing settings."""
        self.ctx = ctx

    def export(self, session: dict | None) -> gr.DownloadButton:
        """Write the session's conversation as a briefing .docx; the download button offering it (labelled
        with the number of questions), or a warning and no file when nothing has been answered yet."""
        from chat.briefing.build import briefing_from_answers
        from chat.briefing.export import to_docx

        qa = answered(session)
        if not qa:
            gr.Warning(NOTHING)
            return self.stale()
        brief = briefing_from_answers(self.ctx.assistant, qa)
        folder = Path(tempfile.mkdtemp(dir=self.ctx.files_dir))
        path = to_docx(brief, folder / FILE_NAME, self.ctx.assistant.settings.briefing)
        return gr.DownloadButton(f"下载对话简报（{len(qa)} 问）", value=str(path), interactive=True, variant="primary")

    @staticmethod
    def stale() -> gr.DownloadButton:
        """The download button when the conversation changed since the last export: nothing to download."""
        return gr.DownloadButton(DOWNLOAD_LABEL, value=None, interactive=False, variant="secondary")


@dataclass
class ExportWidgets:
    """The export button and the download it fills."""

    export: gr.Button
    download: gr.DownloadButton


def export_row() -> ExportWidgets:
    """The export button and its download, on one row (inside the current Blocks context)."""
    with gr.Row(equal_height=True, elem_classes="export-row"):
        export = gr.Button(EXPORT_LABEL, size="sm", scale=0, min_width=140, elem_id="chat-export")
        download = gr.DownloadButton(DOWNLOAD_LABEL, size="sm", scale=0, min_width=180, interactive=False,
                                     elem_id="chat-export-docx")
    return ExportWidgets(export, download)


def wire_export(ctx: UIContext, w: ExportWidgets, session: gr.State, changes: list) -> None:
    """Export on click; any of ``changes`` (events that change the conversation) empties the download."""
    handlers = ExportHandlers(ctx)
    w.export.click(handlers.export, session, w.download, show_progress="hidden")
    for trigger in changes:
        trigger(handlers.stale, None, w.download, queue=False)
