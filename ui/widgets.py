"""What every tab shares: the title, backend choices, theme, page scripts and the clickable HTML panel."""
from __future__ import annotations

import gradio as gr

TITLE = "黔江区“十五五”规划建议 · 智能问答"
BACKENDS = [("原文摘录", "extractive"), ("本地模型", "local"), ("接口", "openai")]


def offered_backends() -> list[tuple[str, str]]:
    """The backend choices a user is offered: 接口 only when its endpoint is configured
    (PLANQA_OPENAI_BASE_URL and PLANQA_OPENAI_MODEL set)."""
    from chat.models.llm import openai_configured

    return [b for b in BACKENDS if b[1] != "openai" or openai_configured()]
SYSTEM_FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
                "Source Han Sans SC", "system-ui", "sans-serif"]
MONO_FONTS = ["Consolas", "DejaVu Sans Mono", "monospace"]
THEME = gr.themes.Default(primary_hue="red", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
    button_primary_background_fill="#a61b1b", button_primary_background_fill_hover="#8c1414",
    button_primary_text_color="#ffffff")

# Clicks on chips and outline items inside an HTML component become a 'click' event with the ref.
CLICK_JS = """
element.addEventListener('click', (e) => {
  const el = e.target.closest('.cite-chip, .outline-item');
  if (!el || !element.contains(el)) return;
  e.preventDefault();
  trigger('click', {ref: el.dataset.ref || '', doc: el.dataset.doc || '', turn: el.dataset.turn ?? ''});
});
"""
# A shown article scrolls (inside its panel) to its first highlighted sentence, with one line above it for context.
# The scroll lands on a line boundary at the bottom edge of the sticky header (which sticks at the panel's
# padding edge, not at its border): a line is then either wholly below the header or wholly under it, never
# half-hidden.
SCROLL_JS = """
watch('value', () => {
  const box = element.closest('.html-container') || element.parentElement;
  if (!box || !box.clientHeight) return;
  const mark = element.querySelector('mark');
  const text = mark && mark.closest('.unit-text');
  if (!text) { box.scrollTop = 0; return; }
  const head = element.querySelector('.unit-head');
  const stuck = box.getBoundingClientRect().top + box.clientTop + parseFloat(getComputedStyle(box).paddingTop)
    + (head ? head.offsetHeight : 0);
  const first = mark.getClientRects()[0], top = text.getBoundingClientRect().top;
  const pitch = parseFloat(getComputedStyle(text).lineHeight) || first.height;
  const line = Math.max(0, Math.floor((first.top + first.height / 2 - top) / pitch) - 1);
  let target = box.scrollTop + top + line * pitch - stuck;
  const end = box.scrollHeight - box.clientHeight;
  if (target > end) target -= Math.ceil((target - end) / pitch) * pitch;
  box.scrollTop = Math.max(0, target);
});
"""
# The conversation keeps its newest answer in view.
BOTTOM_JS = """
watch('value', () => {
  const box = element.closest('.html-container') || element.parentElement;
  if (box) box.scrollTop = box.scrollHeight;
});
"""

# The copy button of an answer puts its data-copy text on the clipboard: the Clipboard API where the page
# is a secure context (https, or http on localhost), else a hidden textarea and execCommand('copy').
COPY_JS = """
element.addEventListener('click', (e) => {
  const btn = e.target.closest('button.copy-answer');
  if (!btn || !element.contains(btn)) return;
  e.preventDefault();
  e.stopPropagation();
  const text = btn.dataset.copy || '';
  const done = (ok) => {
    btn.textContent = ok ? '已复制' : '复制失败';
    btn.classList.toggle('copied', ok);
    setTimeout(() => { btn.textContent = '复制'; btn.classList.remove('copied'); }, 1500);
  };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
    area.remove();
    done(ok);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => done(true), fallback);
  } else {
    fallback();
  }
});
"""


def clickable(value: str = "", extra_js: str = "", **kw) -> gr.HTML:
    """An HTML panel whose chips and outline items fire a 'click' event carrying {ref, doc, turn};
    ``extra_js`` is appended to its on-load script, ``kw`` goes to gr.HTML."""
    return gr.HTML(value, js_on_load=CLICK_JS + extra_js, **kw)


def event_data(evt: gr.EventData) -> dict:
    """The payload a clickable panel's 'click' sent ({} when there is none)."""
    return getattr(evt, "_data", None) or {}


def search_row(placeholder: str, button: str, elem_id: str) -> tuple[gr.Textbox, gr.Button]:
    """A keyword box with its button on one row (ids ``elem_id`` and ``elem_id``-btn); call inside a
    Blocks context. Returns (textbox, button)."""
    with gr.Row(equal_height=True, elem_classes="search-row"):
        keyword = gr.Textbox(show_label=False, placeholder=placeholder, scale=4, container=False, elem_id=elem_id)
        search = gr.Button(button, scale=1, min_width=70, elem_id=f"{elem_id}-btn")
    return keyword, search
