"""Web UI and HTTP API: ``python app.py [--host 127.0.0.1] [--port 7860]``.

Four tabs over one Assistant (loaded once at start): 智能问答 (streaming answers with citation chips and an
evidence panel), 建议原文 (outline, full text, keyword search), 指标表 (targets, CSV download) and 专题简报
(Markdown/Word). ``POST /api/ask`` {"question", "backend"?, "doc_id"?} returns the Answer JSON.
Optional login: PLANQA_USERS="name:password,…" or PLANQA_USERS_FILE (name:password lines).
Rendering lives in ui/render.py; this file only wires the interface.
"""
from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")   # offline: no telemetry, no version check

import argparse
import base64
import hashlib
import json
import re
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ui import render
from chat.inputs import QuestionError
from chat.pipeline import Assistant

TITLE = "黔江区“十五五”规划建议 · 智能问答"
BACKENDS = [("原文摘录", "extractive"), ("本地模型", "local"), ("接口", "openai")]
KIND_CHOICES = ["全部", "成果", "目标", "远景", "其他"]
EXAMPLES = [
    "2030年城市人口目标是多少？",
    "建议对低空经济提出了哪些任务？",
    "“十五五”时期的主要目标是什么？",
    "如何发展养老服务？",
    "第9条讲了什么？",
]
SYSTEM_FONTS = ["PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei",
                "Source Han Sans SC", "system-ui", "sans-serif"]
MONO_FONTS = ["Consolas", "DejaVu Sans Mono", "monospace"]
MAX_TURNS = 30
AUTH_MESSAGE = "黔江区“十五五”规划建议智能问答 · 请使用分配的账户登录"
# Clicks on chips and outline items inside an HTML component become a 'click' event with the ref.
CLICK_JS = """
element.addEventListener('click', (e) => {
  const el = e.target.closest('.cite-chip, .outline-item');
  if (!el || !element.contains(el)) return;
  e.preventDefault();
  trigger('click', {ref: el.dataset.ref || '', doc: el.dataset.doc || '', turn: el.dataset.turn ?? ''});
});
"""
# A shown article scrolls (inside its panel) to its first highlighted sentence.
SCROLL_JS = """
watch('value', () => {
  const box = element.closest('.html-container') || element.parentElement;
  const mark = element.querySelector('mark');
  const head = element.querySelector('.unit-head');
  if (!box) return;
  const offset = (head ? head.offsetHeight : 0) + 24;
  box.scrollTop = mark ? box.scrollTop + mark.getBoundingClientRect().top - box.getBoundingClientRect().top - offset : 0;
});
"""
THEME = gr.themes.Default(primary_hue="red", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS).set(
    button_primary_background_fill="#a61b1b", button_primary_background_fill_hover="#8c1414",
    button_primary_text_color="#ffffff")


# The conversation keeps its newest answer in view.
BOTTOM_JS = """
watch('value', () => {
  const box = element.closest('.html-container') || element.parentElement;
  if (box) box.scrollTop = box.scrollHeight;
});
"""


def clickable(value: str = "", extra_js: str = "", **kw) -> gr.HTML:
    return gr.HTML(value, js_on_load=CLICK_JS + extra_js, **kw)


def _data(evt: gr.EventData) -> dict:
    return getattr(evt, "_data", None) or {}


def new_session() -> dict:
    from chat.understanding.conversation import Conversation
    return {"conversation": Conversation(), "turns": []}


def build_ui(assistant: Assistant) -> gr.Blocks:
    index = assistant.index
    units = index.units
    labels = render.labels_of(units)
    titles = {u.label: u.title for u in units}
    doc = next((d for d in index.documents if d.primary), index.documents[0])
    doc_titles = {d.doc_id: f"《{d.title}》" for d in index.documents}
    files_dir = Path(tempfile.mkdtemp(prefix="planqa-ui-"))

    # ---- chat --------------------------------------------------------------------------------
    def respond(question, backend, session):
        session = session or new_session()
        if not (question or "").strip():
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), session
            return
        turns = session["turns"]
        turn = {"question": question, "backend": backend}
        turns.append(turn)
        del turns[:-MAX_TURNS]
        n = len(turns) - 1
        yield render.render_transcript(turns, labels), "", gr.skip(), gr.skip(), session
        try:
            for event in assistant.stream(question, session["conversation"], backend=backend):
                if event.kind == "delta":
                    turn["partial"] = turn.get("partial", "") + event.text
                    yield render.render_transcript(turns, labels), gr.skip(), gr.skip(), gr.skip(), session
                else:
                    turn["answer"] = event.answer
        except QuestionError as exc:
            turn["error"] = str(exc)
        except Exception as exc:  # never a traceback in the page
            print(f"[app] answer failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            turn["error"] = "处理问题时出错，请稍后重试或换一种问法。"
        answer = turn.get("answer")
        evidence = render.evidence_placeholder()           # a refusal or an error cites nothing
        if answer is not None and answer.citations:
            first = answer.citations[0]
            evidence = evidence_html(first.ref, first.doc_id, answer)
        yield (render.render_transcript(turns, labels), gr.skip(), evidence,
               render.render_retrieved(answer, titles, n), session)

    def evidence_html(ref: str, doc_id: str | None, answer) -> str:
        unit = index.unit(ref, doc_id or None)
        quotes = [c.quote for c in answer.citations
                  if c.ref == ref and (not doc_id or c.doc_id == doc_id)] if answer is not None else []
        if answer is not None and not quotes:
            return render.render_unit(unit, note="本条为检索到的相关条文，回答未直接引用。")
        return render.render_unit(unit, quotes)

    def open_evidence(session, evt: gr.EventData):
        data = _data(evt)
        answer = None
        turns = (session or {}).get("turns", [])
        turn = str(data.get("turn", ""))
        if turn.isdigit() and int(turn) < len(turns):
            answer = turns[int(turn)].get("answer")
        return evidence_html(str(data.get("ref", "")), data.get("doc") or None, answer)

    def clear():
        return render.render_transcript([]), render.evidence_placeholder(), render.render_retrieved(None, {}), new_session()

    # ---- plan browser, targets ---------------------------------------------------------------
    def open_unit(keyword, evt: gr.EventData):
        data = _data(evt)
        unit = index.unit(str(data.get("ref", "")), data.get("doc") or None)
        spans = []
        if unit is not None and (keyword or "").strip():
            spans = next((s for u, s, _ in render.search_units([unit], keyword)), [])
        return render.render_unit(unit, spans=spans)

    def targets_csv(rows) -> str:
        """One file per distinct table content, so concurrent users never overwrite each other's download."""
        digest = hashlib.sha1(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]
        return str(render.write_csv(rows, files_dir / digest / "黔江十五五建议-指标表.csv"))

    def filter_targets(kind, keyword, sort):
        rows = render.target_rows(index.targets, "" if kind == "全部" else kind, keyword, sort)
        return rows, f"共 {len(rows)} 项指标", gr.DownloadButton(value=targets_csv(rows))

    # ---- briefing ----------------------------------------------------------------------------
    def make_briefing(topic, questions, backend):
        from chat.briefing.build import build_briefing
        from chat.briefing.export import to_docx, to_markdown

        qs = [q.strip() for q in (questions or "").splitlines() if q.strip()]
        if not (topic or "").strip() and not qs:
            return "请填写专题，或逐行填写问题。", gr.DownloadButton(value=None), gr.DownloadButton(value=None)
        try:
            brief = build_briefing(assistant, topic=(topic or "").strip() or None, questions=qs or None,
                                   backend=backend)
        except QuestionError as exc:
            return f"无法生成简报：{exc}", gr.DownloadButton(value=None), gr.DownloadButton(value=None)
        md = to_markdown(brief)
        folder = Path(tempfile.mkdtemp(dir=files_dir))
        name = "专题简报" + ("-" + re.sub(r"[^\w-]", "", topic)[:20] if (topic or "").strip() else "")
        md_path = folder / f"{name}.md"
        md_path.write_text(md, encoding="utf-8")
        docx_path = to_docx(brief, folder / f"{name}.docx")
        return (render.safe_markdown(md), gr.DownloadButton(value=str(md_path), interactive=True),
                gr.DownloadButton(value=str(docx_path), interactive=True))

    # ---- layout ------------------------------------------------------------------------------
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 6 * 3600)) as ui:
        session = gr.State(None)
        gr.HTML(render.render_header(TITLE, doc))
        with gr.Tabs():
            with gr.Tab("智能问答", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        transcript = clickable(render.render_transcript([]), BOTTOM_JS, elem_id="transcript",
                                               max_height=640, min_height=360)
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(show_label=False, placeholder="请输入问题，按回车发送。例如：2030年城市人口目标是多少？",
                                                  lines=1, max_lines=4, scale=8, elem_id="question", autofocus=True)
                            send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
                        with gr.Row(equal_height=False, elem_classes="controls-row"):
                            backend = gr.Radio(BACKENDS, value="extractive", label="回答方式", scale=4,
                                               elem_id="backend")
                            reset = gr.Button("清空对话", size="sm", scale=0, min_width=96, elem_id="reset")
                        gr.Markdown("**示例问题**", elem_classes="examples-title")
                        with gr.Row(elem_classes="examples"):
                            example_buttons = [gr.Button(q, size="sm", elem_classes="example") for q in EXAMPLES]
                    with gr.Column(scale=2, min_width=340):
                        gr.Markdown("#### 原文依据")
                        evidence = clickable(render.evidence_placeholder(), SCROLL_JS, elem_id="evidence",
                                             max_height=520)
                        gr.Markdown("#### 检索到的相关条文")
                        retrieved = clickable(render.render_retrieved(None, {}), elem_id="retrieved")
            with gr.Tab("建议原文", id="plan"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=320):
                        with gr.Row(equal_height=True, elem_classes="search-row"):
                            keyword = gr.Textbox(show_label=False, placeholder="关键词，如：低空经济", scale=4,
                                                 container=False, elem_id="plan-search")
                            search = gr.Button("搜索", scale=1, min_width=70, elem_id="plan-search-btn")
                        results = clickable(render.render_search(units, ""), elem_id="search-results",
                                            max_height=360)
                        outline = clickable(render.render_outline(units, doc_titles), elem_id="outline", max_height=560)
                    with gr.Column(scale=3, min_width=420):
                        viewer = gr.HTML(render.render_unit(units[0]) if units else "", elem_id="viewer",
                                         js_on_load=SCROLL_JS, max_height=760)
            with gr.Tab("指标表", id="targets"):
                rows0 = render.target_rows(index.targets)
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
                        value=targets_csv(rows0))
                table = gr.Dataframe(rows0, headers=render.TARGET_HEADERS, interactive=False, wrap=True,
                                     max_height=620, elem_id="targets-table",
                                     column_widths=["16%", "9%", "7%", "7%", "6%", "7%", "48%"])
                gr.Markdown("成果：2025年及“十四五”时期已取得的成绩；目标：2030年及“十五五”时期要实现的目标；"
                            "远景：2035年远景；其他：纪念年份、所融入的外部产业规模等。",
                            elem_classes="footnote")
            with gr.Tab("专题简报", id="briefing"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=320):
                        topic = gr.Textbox(label="专题", placeholder="如：低空经济", elem_id="brief-topic")
                        bquestions = gr.Textbox(label="或逐行填写问题（可选）", lines=5, elem_id="brief-questions",
                                                placeholder="2030年城市人口目标是多少？\n如何发展养老服务？")
                        bbackend = gr.Radio(BACKENDS, value="extractive", label="回答方式")
                        make = gr.Button("生成简报", variant="primary", elem_id="brief-make")
                        with gr.Row():
                            md_button = gr.DownloadButton("下载 Markdown", interactive=False, elem_id="brief-md")
                            docx_button = gr.DownloadButton("下载 Word", interactive=False, elem_id="brief-docx")
                    with gr.Column(scale=3, min_width=420):
                        preview = gr.Markdown("简报预览将显示在这里。", elem_id="brief-preview",
                                              elem_classes="brief-preview")

        # ---- events ----------------------------------------------------------------------------
        chat_out = [transcript, question, evidence, retrieved, session]
        question.submit(respond, [question, backend, session], chat_out, show_progress="hidden")
        send.click(respond, [question, backend, session], chat_out, show_progress="hidden")
        for button, q in zip(example_buttons, EXAMPLES):
            button.click(lambda q=q: q, None, question, queue=False).then(
                respond, [question, backend, session], chat_out, show_progress="hidden")
        reset.click(clear, None, [transcript, evidence, retrieved, session], queue=False)
        for html in (transcript, retrieved):
            html.click(open_evidence, session, evidence, concurrency_limit=None, show_progress="hidden")
        for html in (outline, results):
            html.click(open_unit, keyword, viewer, concurrency_limit=None, show_progress="hidden")
        search.click(lambda k: render.render_search(units, k), keyword, results, concurrency_limit=None)
        keyword.submit(lambda k: render.render_search(units, k), keyword, results, concurrency_limit=None)
        for trigger in (kind.change, tkey.submit, tkey.change, tsort.change):
            trigger(filter_targets, [kind, tkey, tsort], [table, count, csv_button], concurrency_limit=None,
                    show_progress="hidden")
        make.click(make_briefing, [topic, bquestions, bbackend], [preview, md_button, docx_button])
    ui.queue(default_concurrency_limit=4, max_size=64)
    return ui


# ---- serving -------------------------------------------------------------------------------------
def load_users() -> list[tuple[str, str]]:
    """Accounts from PLANQA_USERS ("a:pw,b:pw") and PLANQA_USERS_FILE (name:password lines)."""
    entries = [e for e in os.environ.get("PLANQA_USERS", "").split(",")]
    path = os.environ.get("PLANQA_USERS_FILE", "").strip()
    if path:
        entries += Path(path).read_text(encoding="utf-8").splitlines()
    users = []
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#") or ":" not in entry:
            continue
        name, password = entry.split(":", 1)
        if name.strip() and password:
            users.append((name.strip(), password))
    return users


def _authorized(request: Request, users: list[tuple[str, str]]) -> bool:
    if not users:
        return True
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return False
    try:
        name, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except Exception:
        return False
    return any(secrets.compare_digest(name, u) and secrets.compare_digest(password, p) for u, p in users)


def build_app(assistant: Assistant, users: list[tuple[str, str]]) -> FastAPI:
    api = FastAPI(title=TITLE, docs_url=None, redoc_url=None, openapi_url=None)
    slots = threading.BoundedSemaphore(4)          # as many answers at once as the UI queue runs

    @api.get("/api/health")
    def health() -> dict:
        return {"status": "ok", "units": len(assistant.index.units)}

    @api.post("/api/ask")
    def ask(payload: dict, request: Request):
        if not _authorized(request, users):
            return JSONResponse({"error": "需要登录"}, status_code=401,
                                headers={"WWW-Authenticate": 'Basic realm="planqa"'})
        if not isinstance(payload, dict) or "question" not in payload:
            return JSONResponse({"error": "请求须为 JSON：{\"question\": \"…\"}"}, status_code=400)
        backend = payload.get("backend") or "extractive"
        if backend not in {b for _, b in BACKENDS}:
            return JSONResponse({"error": f"未知的回答方式：{backend}"}, status_code=400)
        with slots:
            try:
                answer = assistant.ask(payload["question"], backend=backend, doc_id=payload.get("doc_id") or None)
            except QuestionError as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return answer.to_json()

    ui = build_ui(assistant)
    return gr.mount_gradio_app(api, ui, path="/", auth=users or None, auth_message=AUTH_MESSAGE,
                               footer_links=[], theme=THEME, css=render.CSS, ssr_mode=False)


def main() -> None:
    parser = argparse.ArgumentParser(description="黔江“十五五”规划建议问答 · 网页界面与 /api/ask")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    started = time.perf_counter()
    users = load_users()
    print("正在加载模型与索引…", flush=True)
    assistant = Assistant.from_settings()
    assistant.ask("黔江“十五五”时期的主要目标")          # warm-up: the first real question is fast
    app = build_app(assistant, users)
    print(f"已加载（{time.perf_counter() - started:.1f} 秒）；"
          f"{'已启用登录（' + str(len(users)) + ' 个账户）' if users else '未启用登录'}", flush=True)
    print(f"访问地址：http://{args.host}:{args.port}/", flush=True)

    import uvicorn
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
