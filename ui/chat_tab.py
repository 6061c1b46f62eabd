"""The 智能问答 tab: streaming answers with citation chips, the evidence panel and the retrieved units."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass

import gradio as gr

from chat.inputs import QuestionError
from ui import render
from ui.chat_export import ExportWidgets, export_row, wire_export
from ui.state import UIContext, new_session
from ui.widgets import (
    BOTTOM_JS,
    COPY_JS,
    SCROLL_JS,
    clickable,
    event_data,
    offered_backends,
)

EXAMPLES = [
    "2030年城市人口目标是多少？",
    "建议对低空经济提出了哪些任务？",
    "“十五五”时期的主要目标是什么？",
    "如何发展养老服务？",
    "第9条讲了什么？",
]
PLACEHOLDER = "请输入问题，按回车发送。例如：2030年城市人口目标是多少？"
FAILED = "处理问题时出错，请稍后重试或换一种问法。"


class ChatHandlers:
    """The tab's event handlers over one UIContext. ``session`` is the dict of state.new_session()."""

    def __init__(self, ctx: UIContext):
        """Handlers answering with ``ctx.assistant``."""
        self.ctx = ctx

    def respond(self, question: str, backend: str, session: dict | None) -> Iterator[tuple]:
        """Answer ``question`` with ``backend``, streaming; yields (transcript, question box, evidence,
        retrieved, session) with gr.skip() for what does not change. Keeps the last max_turns turns."""
        session = session or new_session()
        if not (question or "").strip():
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), session
            return
        turns = session["turns"]
        turn = {"question": question, "backend": backend}
        turns.append(turn)
        del turns[:-self.ctx.settings.max_turns]
        n = len(turns) - 1
        yield self._transcript(turns), "", gr.skip(), gr.skip(), session
        try:
            for event in self.ctx.assistant.stream(question, session["conversation"], backend=backend):
                if event.kind == "status":                  # a model is about to start: the expected wait
                    turn["status"] = event.text
                    yield self._transcript(turns), gr.skip(), gr.skip(), gr.skip(), session
                elif event.kind == "delta":
                    turn["partial"] = turn.get("partial", "") + event.text
                    yield self._transcript(turns), gr.skip(), gr.skip(), gr.skip(), session
                else:
                    turn["answer"] = event.answer
        except QuestionError as exc:
            turn["error"] = str(exc)
        except Exception as exc:  # never a traceback in the page
            print(f"[app] answer failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            turn["error"] = FAILED
        answer = turn.get("answer")
        evidence = render.evidence_placeholder()           # a refusal or an error cites nothing
        if answer is not None and answer.citations:
            first = answer.citations[0]
            evidence = self.ctx.evidence_html(first.ref, first.doc_id, answer)
        yield self._transcript(turns), gr.skip(), evidence, self._retrieved(turns, n), session

    def _transcript(self, turns: list[dict]) -> str:
        return render.render_transcript(turns, self.ctx.labels)

    def _retrieved(self, turns: list[dict], n: int) -> str:
        """The retrieved units of turn ``n``, under its question."""
        turn = turns[n]
        return render.render_retrieved(turn.get("answer"), self.ctx.titles, n, question=turn["question"])

    def open_evidence(self, session: dict | None, evt: gr.EventData) -> tuple[str, str]:
        """(evidence, retrieved) for a clicked chip or retrieved unit: the unit with the quotes of the turn
        it belongs to, and that turn's retrieved units (an older answer's chip shows that answer's list)."""
        data = event_data(evt)
        turns = (session or {}).get("turns", [])
        turn = str(data.get("turn", ""))
        n = int(turn) if turn.isdigit() and int(turn) < len(turns) else None
        answer = turns[n].get("answer") if n is not None else None
        evidence = self.ctx.evidence_html(str(data.get("ref", "")), data.get("doc") or None, answer)
        return evidence, (self._retrieved(turns, n) if n is not None else gr.skip())

    def clear(self) -> tuple[str, str, str, dict]:
        """An empty conversation: (transcript, evidence, retrieved, new session)."""
        return (render.render_transcript([]), render.evidence_placeholder(), render.render_retrieved(None, {}),
                new_session())


@dataclass
class ChatWidgets:
    """The tab's components that events read or write."""

    transcript: gr.HTML
    question: gr.Textbox
    send: gr.Button
    backend: gr.Radio
    reset: gr.Button
    examples: list[gr.Button]
    evidence: gr.HTML
    retrieved: gr.HTML
    export: ExportWidgets


def _layout() -> ChatWidgets:
    """Conversation, question box and controls on the left; evidence and retrieved units on the right."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            transcript = clickable(render.render_transcript([]), BOTTOM_JS + COPY_JS, elem_id="transcript",
                                   max_height=640, min_height=360)
            with gr.Row(equal_height=True):
                question = gr.Textbox(show_label=False, placeholder=PLACEHOLDER, lines=1, max_lines=4, scale=8,
                                      elem_id="question", autofocus=True)
                send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
            with gr.Row(equal_height=False, elem_classes="controls-row"):
                backend = gr.Radio(offered_backends(), value="extractive", label="回答方式", scale=4, elem_id="backend")
                reset = gr.Button("清空对话", size="sm", scale=0, min_width=96, elem_id="reset")
            export = export_row()
            gr.Markdown("**示例问题**", elem_classes="examples-title")
            with gr.Row(elem_classes="examples"):
                examples = [gr.Button(q, size="sm", elem_classes="example") for q in EXAMPLES]
        with gr.Column(scale=2, min_width=340):
            gr.Markdown("#### 原文依据")
            evidence = clickable(render.evidence_placeholder(), SCROLL_JS, elem_id="evidence", max_height=520)
            gr.Markdown("#### 检索到的相关条文")
            retrieved = clickable(render.render_retrieved(None, {}), elem_id="retrieved")
    return ChatWidgets(transcript, question, send, backend, reset, examples, evidence, retrieved, export)


def build_chat_tab(ctx: UIContext, session: gr.State) -> ChatWidgets:
    """Lay out the 智能问答 tab inside the current gr.Tabs and wire its events; returns its components."""
    handlers = ChatHandlers(ctx)
    with gr.Tab("智能问答", id="chat"):
        w = _layout()
    inputs = [w.question, w.backend, session]
    outputs = [w.transcript, w.question, w.evidence, w.retrieved, session]
    w.question.submit(handlers.respond, inputs, outputs, show_progress="hidden")
    w.send.click(handlers.respond, inputs, outputs, show_progress="hidden")
    for button, q in zip(w.examples, EXAMPLES):
        button.click(lambda q=q: q, None, w.question, queue=False).then(
            handlers.respond, inputs, outputs, show_progress="hidden")
    w.reset.click(handlers.clear, None, [w.transcript, w.evidence, w.retrieved, session], queue=False)
    for html in (w.transcript, w.retrieved):
        html.click(handlers.open_evidence, session, [w.evidence, w.retrieved], concurrency_limit=None,
                   show_progress="hidden")
    wire_export(ctx, w.export, session, [w.question.submit, w.send.click, w.reset.click]
                + [b.click for b in w.examples])
    return w
