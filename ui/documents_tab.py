"""The 文档管理 tab: the knowledge base's documents (title, layout, units, status, problems), adding files
(type and size checked, names sanitised, nothing written outside kb/) and removing them; the index is then
rebuilt in the background while the chat keeps answering from the previous one. With a login configured,
only administrators (PLANQA_USERS entries ending in ":admin") may add or remove."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr

from ingest.library import LibraryError, add_document, remove_document
from ingest.parse import DocumentError, kb_files
from ingest.readers import SUPPORTED_SUFFIXES
from ui.reindex import Reindexer
from ui.render import esc
from ui.state import UIContext

HEADERS = ["文件", "标题", "简称", "版式", "单元数", "状态", "说明"]
COLUMN_WIDTHS = ["20%", "24%", "11%", "7%", "6%", "10%", "22%"]
HELP = ("支持 .txt（UTF-8 或 GB18030）、.md、.docx 和带文字层的 .pdf（扫描件须先做 OCR）。版式（建议、纲要、方案、"
        "Word 标题样式或按段落）自动识别，标题、简称和通过日期取自正文，同名 .meta.json 可覆盖。添加或删除后自动重建索引，"
        "建成之前问答仍使用原有文档。")


class DocumentHandlers:
    """The tab's handlers over one UIContext and its Reindexer."""

    def __init__(self, ctx: UIContext, admins: frozenset[str] | None):
        """``admins``: who may add and remove (None: no login, anyone may)."""
        self.ctx = ctx
        self.admins = admins
        self.reindexer = Reindexer(ctx.live)
        self.choice: gr.Dropdown | None = None      # the remove list, refreshed on each page load

    @property
    def kb_dir(self) -> Path:
        """The knowledge-base folder of the live assistant's settings."""
        return self.ctx.assistant.settings.paths.kb_dir

    def allowed(self, request: gr.Request | None) -> bool:
        """Whether the user of ``request`` may change the documents."""
        if self.admins is None:
            return True
        return request is not None and getattr(request, "username", None) in self.admins

    def rows(self) -> list[list[str]]:
        """One row per file of the knowledge base: indexed (with its layout and units), not indexed (why),
        or waiting for the next index."""
        index = self.ctx.index
        docs = {d.source_file: d for d in index.documents}
        skipped = {s["file"]: s["reason"] for s in index.manifest.get("skipped", [])}
        counts = {d.doc_id: sum(u.doc_id == d.doc_id for u in index.units) for d in index.documents}
        out = []
        for path in kb_files(self.kb_dir):
            doc = docs.get(path.name)
            if doc is not None:
                status = "已索引（主文档）" if doc.primary else "已索引"
                out.append([path.name, doc.title, doc.short_title, doc.layout, str(counts[doc.doc_id]), status,
                            "；".join(doc.warnings)])
            elif path.name in skipped:
                out.append([path.name, "", "", "", "0", "未索引", skipped[path.name]])
            else:
                out.append([path.name, "", "", "", "", "待索引", "将在下次重建索引时读取"])
        return out

    def choices(self) -> gr.Dropdown:
        """The remove list: every file of the knowledge base."""
        return gr.Dropdown(choices=[p.name for p in kb_files(self.kb_dir)], value=None)

    def _status(self, lines: list[str], kind: str = "") -> str:
        return f'<div class="doc-status {kind}">' + "".join(f"<p>{esc(x)}</p>" for x in lines) + "</div>"

    def _rebuild(self, done: list[str]) -> Iterator[tuple[str, list[list[str]], gr.Dropdown]]:
        if not self.reindexer.start():
            yield self._status(done + ["已有重建索引正在进行，完成后将一并读取。"], "warn"), self.rows(), self.choices()
            return
        while not self.reindexer.wait(self.ctx.settings.reindex_poll_s):
            seconds = time.monotonic() - self.reindexer.started
            last = self.reindexer.steps[-1] if self.reindexer.steps else "starting"
            yield (self._status(done + [f"正在重建索引（已用 {seconds:.0f} 秒），问答仍使用原有文档……", last], "busy"),
                   self.rows(), self.choices())
        if self.reindexer.error:
            yield (self._status(done + ["重建索引失败，问答仍使用原有文档：", self.reindexer.error], "error"),
                   self.rows(), self.choices())
            return
        seconds = time.monotonic() - self.reindexer.started
        yield (self._status(done + [f"索引已重建（{seconds:.0f} 秒），新文档已可提问；刷新页面后其他标签页也显示新文档。"], "ok"),
               self.rows(), self.choices())

    def add(self, files: list[str] | None, request: gr.Request) -> Iterator[tuple[str, list[list[str]], gr.Dropdown]]:
        """Add the uploaded ``files`` (paths Gradio saved, under their original names) and re-index."""
        if not self.allowed(request):
            yield self._status(["只有管理员可以添加或删除文档。"], "error"), self.rows(), self.choices()
            return
        if not files:
            yield self._status(["请先选择要添加的文件。"], "warn"), self.rows(), self.choices()
            return
        done, added = [], 0
        for file in files:
            path = Path(file)
            try:
                document = add_document(self.kb_dir, path, path.name, self.ctx.assistant.settings)
            except (LibraryError, DocumentError, OSError) as exc:
                done.append(f"未添加：{exc}")
                continue
            added += 1
            done.append(f"已添加 {path.name}：《{document.meta.title}》，版式“{document.meta.layout}”，"
                        f"{len(document.units)} 个单元")
        if not added:
            yield self._status(done, "error"), self.rows(), self.choices()
            return
        yield from self._rebuild(done)

    def remove(self, name: str | None, request: gr.Request) -> Iterator[tuple[str, list[list[str]], gr.Dropdown]]:
        """Remove the knowledge-base file ``name`` (and its .meta.json) and re-index."""
        if not self.allowed(request):
            yield self._status(["只有管理员可以添加或删除文档。"], "error"), self.rows(), self.choices()
            return
        try:
            removed = remove_document(self.kb_dir, name or "")
        except LibraryError as exc:
            yield self._status([str(exc)], "error"), self.rows(), self.choices()
            return
        yield from self._rebuild([f"已删除：{'、'.join(removed)}"])


def build_documents_tab(ctx: UIContext, admins: frozenset[str] | None) -> DocumentHandlers:
    """Lay out the 文档管理 tab inside the current gr.Tabs and wire its events; returns its handlers."""
    handlers = DocumentHandlers(ctx, admins)
    with gr.Tab("文档管理", id="documents"):
        gr.Markdown(HELP)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                upload = gr.File(label="选择文档", file_count="multiple", file_types=list(SUPPORTED_SUFFIXES),
                                 type="filepath", elem_id="doc-upload")
                add = gr.Button("添加并重建索引", variant="primary", elem_id="doc-add")
            with gr.Column(scale=2):
                choice = gr.Dropdown(label="删除文档", choices=[p.name for p in kb_files(handlers.kb_dir)],
                                     elem_id="doc-remove-choice")
                remove = gr.Button("删除并重建索引", variant="stop", elem_id="doc-remove")
        status = gr.HTML("", elem_id="doc-status")
        table = gr.Dataframe(value=handlers.rows, headers=HEADERS, interactive=False, wrap=True,
                             column_widths=COLUMN_WIDTHS, elem_id="doc-table")
    handlers.choice = choice
    add.click(handlers.add, upload, [status, table, choice], concurrency_limit=1)
    remove.click(handlers.remove, choice, [status, table, choice], concurrency_limit=1)
    return handlers
