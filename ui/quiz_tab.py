"""The 学习测验 tab: a self-test quiz (chat.study.quiz) made on demand, answered in the page, scored with
the right answers, their articles and source sentences, and downloadable as a Word paper and key.

The page holds ``MAX_ITEMS`` answer slots (a radio for multiple choice, a textbox for fill-in-the-blank,
a feedback panel); 出题 fills the first N and hides the rest. The items live in a gr.State.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ui import render, study_render
from ui.state import UIContext
from ui.widgets import SCROLL_JS, clickable, event_data

MAX_ITEMS = 30
DEFAULT_ITEMS = 10
PAPER_NAME, KEY_NAME = "学习测验-试卷.docx", "学习测验-答案.docx"
INTRO = '<p class="muted">选择题数、随机种子和范围后点击“出题”；作答后点击“交卷”查看得分与出处。</p>'
EVIDENCE_HINT = ('<div class="unit-view empty"><p class="muted">交卷后，点击每题下方的条文标签，'
                 '在此查看该条原文，出题所依据的原句以高亮显示。</p></div>')


def part_choices(ctx: UIContext) -> list[tuple[str, int]]:
    """(label, part number) for the 部分 dropdown: 全部 (0), then every part of the primary document."""
    heads: dict[int, str] = {}
    for u in ctx.units:
        if u.doc_id == ctx.doc.doc_id and u.part_no > 0 and u.part_heading:
            heads.setdefault(u.part_no, u.part_heading)
    return [("全部", 0)] + [(h if len(h) <= 24 else h[:23] + "…", no) for no, h in sorted(heads.items())]


class QuizHandlers:
    """The tab's event handlers over one UIContext; items travel in the page's gr.State."""

    def __init__(self, ctx: UIContext):
        """Handlers quizzing ``ctx.index`` and writing Word files under ``ctx.files_dir``."""
        self.ctx = ctx

    def make(self, n: float, seed: float | None, part: int | None) -> list:
        """Outputs of 出题: [items, status, paper download, key download] and, for every slot,
        [radio, textbox, feedback] (shown for the quiz's items, hidden beyond them)."""
        from chat.study.quiz import build_quiz, quiz_docx

        n = max(1, min(int(n or DEFAULT_ITEMS), MAX_ITEMS))
        items = build_quiz(self.ctx.index, n, int(seed or 0), int(part) if part else None,
                           settings=self.ctx.assistant.settings.study)
        if not items:
            off = gr.DownloadButton(value=None, interactive=False)
            return [[], '<p class="muted">该范围内没有可出的题。</p>', off, off] + self._slots([])
        folder = Path(tempfile.mkdtemp(dir=self.ctx.files_dir))
        paper = quiz_docx(items, folder / PAPER_NAME, with_key=False)
        key = quiz_docx(items, folder / KEY_NAME, with_key=True)
        status = f'<p class="quiz-status">共 {len(items)} 题，作答后点击“交卷”。</p>'
        return [items, status, gr.DownloadButton(value=str(paper), interactive=True),
                gr.DownloadButton(value=str(key), interactive=True)] + self._slots(items)

    @staticmethod
    def _slots(items: list) -> list:
        """[radio, textbox, feedback] updates for every slot: the items' questions, the rest hidden."""
        out: list = []
        for i in range(MAX_ITEMS):
            item = items[i] if i < len(items) else None
            label = f"{i + 1}. {item.question}" if item is not None else ""
            multiple = item is not None and item.choices is not None
            out += [gr.Radio(choices=list(item.choices) if multiple else [], value=None, label=label,
                             visible=multiple),
                    gr.Textbox(value="", label=label, visible=item is not None and not multiple),
                    gr.HTML(value="", visible=False)]
        return out

    def submit(self, items: list | None, *answers: str | None) -> list:
        """Outputs of 交卷: [score] and every slot's feedback; ``answers`` are the radios' values, then
        the textboxes' values, one per slot."""
        items = items or []
        if not items:
            return ['<p class="muted">请先点击“出题”。</p>'] + [gr.HTML(visible=False)] * MAX_ITEMS
        radios, fills = answers[:MAX_ITEMS], answers[MAX_ITEMS:]
        given = [radios[i] if item.choices is not None else fills[i] for i, item in enumerate(items)]
        right = sum(study_render.is_correct(item, g) for item, g in zip(items, given))
        feedback = [gr.HTML(value=study_render.render_feedback(i, item, g), visible=True)
                    for i, (item, g) in enumerate(zip(items, given))]
        return ([study_render.render_score(right, len(items))] + feedback
                + [gr.HTML(visible=False)] * (MAX_ITEMS - len(items)))

    def open_unit(self, items: list | None, evt: gr.EventData) -> str:
        """The clicked chip's article, the source sentence of its item highlighted."""
        data = event_data(evt)
        unit = self.ctx.index.unit(str(data.get("ref", "")), data.get("doc") or None)
        turn, items = str(data.get("turn", "")), items or []
        if unit is None or not turn.isdigit() or int(turn) >= len(items):
            return render.render_unit(unit)
        return render.render_unit(unit, [items[int(turn)].source], note="高亮部分为本题出处原句。")


@dataclass
class QuizWidgets:
    """The tab's components that events read or write."""

    n: gr.Slider
    seed: gr.Number
    part: gr.Dropdown
    make: gr.Button
    submit: gr.Button
    paper: gr.DownloadButton
    key: gr.DownloadButton
    status: gr.HTML
    radios: list[gr.Radio]
    fills: list[gr.Textbox]
    feedback: list[gr.HTML]
    evidence: gr.HTML


def _layout(ctx: UIContext) -> QuizWidgets:
    """Controls and answer slots on the left; the article of a clicked chip on the right."""
    radios, fills, feedback = [], [], []
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            with gr.Row(equal_height=True):
                n = gr.Slider(1, MAX_ITEMS, value=DEFAULT_ITEMS, step=1, label="题数", elem_id="quiz-n")
                seed = gr.Number(0, label="随机种子", precision=0, minimum=0, elem_id="quiz-seed")
                part = gr.Dropdown(part_choices(ctx), value=0, label="部分", elem_id="quiz-part")
            with gr.Row(equal_height=True):
                make = gr.Button("出题", variant="primary", elem_id="quiz-make")
                submit = gr.Button("交卷", elem_id="quiz-submit")
                paper = gr.DownloadButton("导出试卷 (.docx)", interactive=False, elem_id="quiz-paper")
                key = gr.DownloadButton("导出答案 (.docx)", interactive=False, elem_id="quiz-key")
            status = gr.HTML(INTRO, elem_id="quiz-score")
            for i in range(MAX_ITEMS):
                with gr.Column(elem_classes="quiz-item"):
                    radios.append(gr.Radio([], visible=False, elem_id=f"quiz-choice-{i}"))
                    fills.append(gr.Textbox(visible=False, placeholder="填写答案", elem_id=f"quiz-fill-{i}"))
                    feedback.append(clickable("", visible=False, elem_id=f"quiz-fb-{i}"))
        with gr.Column(scale=2, min_width=340):
            gr.Markdown("#### 原文")
            evidence = gr.HTML(EVIDENCE_HINT, elem_id="quiz-evidence", js_on_load=SCROLL_JS, max_height=700)
    return QuizWidgets(n, seed, part, make, submit, paper, key, status, radios, fills, feedback, evidence)


def build_quiz_tab(ctx: UIContext) -> QuizWidgets:
    """Lay out the 学习测验 tab inside the current gr.Tabs and wire its events; returns its components."""
    handlers = QuizHandlers(ctx)
    items = gr.State([])
    with gr.Tab("学习测验", id="quiz"):
        w = _layout(ctx)
    slots = [c for i in range(MAX_ITEMS) for c in (w.radios[i], w.fills[i], w.feedback[i])]
    w.make.click(handlers.make, [w.n, w.seed, w.part], [items, w.status, w.paper, w.key] + slots)
    w.submit.click(handlers.submit, [items] + w.radios + w.fills, [w.status] + w.feedback,
                   concurrency_limit=None, show_progress="hidden")
    for html in w.feedback:
        html.click(handlers.open_unit, items, w.evidence, concurrency_limit=None, show_progress="hidden")
    return w
