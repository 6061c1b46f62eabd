"""HTML for the web UI: answers with citation chips, the evidence panel, the plan outline, search.

Every piece of user-supplied or document text goes through ``esc`` (html.escape) before it is
placed in markup; markup is only ever built here, from escaped text and fixed tags. Clickable
things carry ``data-ref`` (and ``data-doc``, ``data-turn``) for the page's click handler.
"""
from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.parse import cn_to_int
from ingest.targets import KIND_LABELS, Target
from ingest.units import Unit, normalize, ref_label

from .answer import Answer

BACKEND_LABELS = {"extractive": "原文摘录", "local": "本地模型", "openai": "接口"}
MARKER_RE = re.compile(r"〔([^〔〕\n]{2,12})〕")
SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
TARGET_HEADERS = ["指标", "数值", "表述", "年份", "类别", "条文", "原句"]


def esc(text: object) -> str:
    """Escape any text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def is_label(label: str) -> bool:
    return bool(re.fullmatch(r"第\d{1,3}条|第[零一二三四五六七八九十]{1,3}部分导语|序言|结束语", label))


def ref_of_label(label: str) -> str:
    """第7条 -> '7', 第三部分导语 -> 'P3', 序言 -> 'P0', 结束语 -> 'END'."""
    if label == "序言":
        return "P0"
    if label == "结束语":
        return "END"
    if label.startswith("第") and label.endswith("条"):
        return label[1:-1]
    return f"P{cn_to_int(label[1:-4])}"


def chip(ref: str, label: str | None = None, doc_id: str = "", turn: int | None = None,
         extra: str = "") -> str:
    """A clickable citation chip that opens ``ref`` in the evidence panel."""
    turn_attr = f' data-turn="{int(turn)}"' if turn is not None else ""
    return (f'<button type="button" class="cite-chip" data-ref="{esc(ref)}" data-doc="{esc(doc_id)}"'
            f'{turn_attr} title="查看原文">{esc(label or ref_label(ref))}{extra}</button>')


def with_chips(text: str, turn: int | None = None, doc_id: str = "") -> str:
    """Escape ``text`` and turn its 〔第N条〕 markers into chips."""
    out, pos = [], 0
    for m in MARKER_RE.finditer(text):
        out.append(esc(text[pos:m.start()]))
        label = m.group(1)
        out.append(chip(ref_of_label(label), label, doc_id, turn) if is_label(label) else esc(m.group(0)))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def answer_body(text: str, turn: int | None = None, doc_id: str = "") -> str:
    """Answer text as paragraphs and lists ("- " lines), markers as chips."""
    parts, items = [], []

    def flush() -> None:
        if items:
            parts.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.lstrip().startswith(("- ", "• ")):
            items.append(with_chips(line.lstrip()[2:], turn, doc_id))
        else:
            flush()
            parts.append(f"<p>{with_chips(line, turn, doc_id)}</p>")
    flush()
    return "".join(parts)


def render_meta(answer: Answer, requested: str | None = None) -> str:
    used = BACKEND_LABELS.get(answer.backend, answer.backend)
    note = ""
    if requested and requested != answer.backend:
        note = f"（所选：{esc(BACKEND_LABELS.get(requested, requested))}）"
    seconds = answer.timings_ms.get("total", 0.0) / 1000
    return (f'<div class="answer-meta"><span class="backend">回答方式：{esc(used)}{note}</span>'
            f'<span class="timing">用时 {seconds:.2f} 秒</span></div>')


def render_notices(notices: Sequence[str]) -> str:
    if not notices:
        return ""
    return '<ul class="notices">' + "".join(f"<li>{esc(n)}</li>" for n in notices) + "</ul>"


def render_answer(answer: Answer, turn: int | None = None, requested: str | None = None) -> str:
    """A finished answer: body with chips, a refusal badge when refused, notices and meta."""
    doc_id = answer.citations[0].doc_id if answer.citations else ""
    if answer.refused:
        head = '<div class="refusal-badge">建议原文未涉及</div>'
        return (f'<div class="answer refused">{head}{answer_body(answer.answer, turn, doc_id)}'
                f'{render_notices(answer.notices)}{render_meta(answer, requested)}</div>')
    return (f'<div class="answer">{answer_body(answer.answer, turn, doc_id)}'
            f'{render_notices(answer.notices)}{render_meta(answer, requested)}</div>')


def render_turn(turn: dict, index: int) -> str:
    """One exchange: ``{"question", "answer"?: Answer, "partial"?: str, "error"?: str, "backend"?}``."""
    q = f'<div class="msg user"><div class="bubble">{esc(turn["question"])}</div></div>'
    if turn.get("error"):
        body = f'<div class="answer error"><p>{esc(turn["error"])}</p></div>'
    elif turn.get("answer") is not None:
        body = render_answer(turn["answer"], index, turn.get("backend"))
    elif turn.get("partial"):
        body = f'<div class="answer streaming">{answer_body(turn["partial"], index)}</div>'
    elif turn.get("backend", "extractive") != "extractive":
        body = ('<div class="answer pending"><p class="muted">正在检索并生成回答'
                '（模型首次使用需要加载，可能需要一两分钟）…</p></div>')
    else:
        body = '<div class="answer pending"><p class="muted">正在检索建议原文…</p></div>'
    return f'{q}<div class="msg bot">{body}</div>'


def render_transcript(turns: Sequence[dict]) -> str:
    if not turns:
        return ('<div class="transcript empty"><p class="muted">请输入问题，或点击下方示例问题。'
                '回答均摘自建议原文，并标注出处条文（如〔第7条〕），点击条文标签可查看原文。</p></div>')
    return '<div class="transcript">' + "".join(render_turn(t, i) for i, t in enumerate(turns)) + "</div>"


def render_retrieved(answer: Answer | None, titles: dict[str, str], turn: int | None = None,
                     limit: int = 10) -> str:
    """The retrieved articles of an answer with their fused scores, as chips."""
    if answer is None or not answer.retrieved:
        return '<p class="muted">提问后，这里列出检索到的相关条文及得分。</p>'
    rows = []
    for hit in answer.retrieved[:limit]:
        ref, score = str(hit["ref"]), float(hit.get("score", 0.0))
        width = max(0.0, min(score, 1.0)) * 100
        rows.append(f'<li>{chip(ref, hit.get("label"), hit.get("doc_id", ""), turn)}'
                    f'<span class="hit-title">{esc(titles.get(ref, ""))}</span>'
                    f'<span class="score"><span class="bar" style="width:{width:.0f}%"></span>'
                    f'<span class="num">{score:.2f}</span></span></li>')
    return '<ol class="retrieved">' + "".join(rows) + "</ol>"


# ---- highlighting ----------------------------------------------------------------------------
def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        elif e > s:
            merged.append((s, e))
    return merged


def _find_all(text: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(needle) if needle else -1
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + len(needle))
    return spans


def highlight(text: str, phrases: Iterable[str] = (), spans: Iterable[tuple[int, int]] = (),
              cls: str = "quote") -> str:
    """Escaped ``text`` with every occurrence of ``phrases`` (and the given spans) in <mark>."""
    found = [sp for p in phrases for sp in _find_all(text, p)] + list(spans)
    out, pos = [], 0
    for s, e in _merge(found):
        out.append(esc(text[pos:s]))
        out.append(f'<mark class="{esc(cls)}">{esc(text[s:e])}</mark>')
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def unit_heading(unit: Unit) -> str:
    title = "" if unit.kind in ("preamble", "closing") else f" · {esc(unit.title)}"
    part = f'<div class="part">{esc(unit.part_heading)}</div>' if unit.part_heading and unit.kind != "closing" else ""
    return f'{part}<h3><span class="label">{esc(unit.label)}</span>{title}</h3>'


def render_unit(unit: Unit | None, quotes: Sequence[str] = (), spans: Iterable[tuple[int, int]] = (),
                note: str | None = None) -> str:
    """The full text of a unit with its supporting sentences (``quotes``) highlighted."""
    if unit is None:
        return '<p class="muted">未找到该条文。</p>'
    found = [q for q in dict.fromkeys(quotes) if q and q in unit.text]
    if note is None and found:
        note = f"高亮部分为回答所依据的原文（{len(found)} 处）。"
    note_html = f'<p class="evidence-note">{esc(note)}</p>' if note else ""
    return (f'<div class="unit-view" data-ref="{esc(unit.ref)}"><div class="unit-head">{unit_heading(unit)}'
            f'{note_html}</div><div class="unit-text">{highlight(unit.text, found, spans)}</div></div>')


def evidence_placeholder() -> str:
    return ('<div class="unit-view empty"><p class="muted">点击回答或列表中的条文标签（如〔第7条〕），'
            '在此查看该条原文，回答所依据的句子以高亮显示。</p></div>')


# ---- plan outline and search ----------------------------------------------------------------
def render_outline(units: Sequence[Unit]) -> str:
    """Preamble, the parts with their intros and articles, and the closing, as clickable items."""
    def item(u: Unit) -> str:
        if u.kind == "article":
            inner = f'<span class="label">{esc(u.label)}</span><span class="t">{esc(u.title)}</span>'
        else:
            inner = f'<span class="label">{esc("导语" if u.kind == "intro" else u.label)}</span>'
        return (f'<li><button type="button" class="outline-item" data-ref="{esc(u.ref)}" '
                f'data-doc="{esc(u.doc_id)}">{inner}</button></li>')

    blocks, part_units = [], {}
    for u in units:
        if u.kind in ("preamble", "closing"):
            blocks.append((u.kind, u))
        else:
            if u.part_no not in part_units:
                part_units[u.part_no] = []
                blocks.append(("part", u.part_no))
            part_units[u.part_no].append(u)
    html_parts = []
    for kind, value in blocks:
        if kind == "part":
            us = part_units[value]
            html_parts.append(f'<details class="outline-part" open><summary>{esc(us[0].part_heading)}</summary>'
                              f'<ul>{"".join(item(u) for u in us)}</ul></details>')
        else:
            html_parts.append(f'<ul class="outline-single">{item(value)}</ul>')
    return '<nav class="outline">' + "".join(html_parts) + "</nav>"


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    chars, index = [], []
    for i, ch in enumerate(text):
        n = normalize(ch)
        chars.append(n)
        index.extend([i] * len(n))
    return "".join(chars), index


def search_units(units: Sequence[Unit], keyword: str, limit: int = 60) -> list[tuple[Unit, list[tuple[int, int]], list[str]]]:
    """Units containing ``keyword`` (NFKC, case-insensitive): (unit, spans in unit.text, sentences)."""
    key = normalize(keyword or "").strip()
    if not key:
        return []
    results = []
    for u in units:
        norm, index = _normalized_with_map(u.text)
        spans = [(index[s], index[e - 1] + 1) for s, e in _find_all(norm, key)]
        if spans:
            sentences = [m.group(0) for m in SENTENCE_RE.finditer(u.text)
                         if any(m.start() < e and s < m.end() for s, e in spans)]
            results.append((u, spans, sentences))
        if len(results) >= limit:
            break
    return results


def render_search(units: Sequence[Unit], keyword: str) -> str:
    key = (keyword or "").strip()
    if not key:
        return '<p class="muted">输入关键词（如“低空经济”“养老”），查找提到它的条文。</p>'
    results = search_units(units, key)
    if not results:
        return f'<p class="muted">建议原文中没有找到“{esc(key)}”。</p>'
    rows = []
    for u, spans, sentences in results:
        hits = "".join(f"<li>{highlight(s, spans=_spans_in(s, key))}</li>" for s in sentences[:4])
        more = f'<li class="muted">……另有 {len(sentences) - 4} 句</li>' if len(sentences) > 4 else ""
        rows.append(f'<li class="search-hit">{chip(u.ref, u.label, u.doc_id)}'
                    f'<span class="hit-title">{esc("" if u.kind != "article" else u.title)}</span>'
                    f'<span class="count">{len(spans)} 处</span><ul>{hits}{more}</ul></li>')
    return (f'<p class="search-summary">“{esc(key)}”出现在 {len(results)} 个条文中：</p>'
            f'<ul class="search-results">{"".join(rows)}</ul>')


def _spans_in(sentence: str, key: str) -> list[tuple[int, int]]:
    norm, index = _normalized_with_map(sentence)
    return [(index[s], index[e - 1] + 1) for s, e in _find_all(norm, normalize(key))]


# ---- targets table --------------------------------------------------------------------------
def target_rows(targets: Iterable[Target], kind: str = "", keyword: str = "") -> list[list[str]]:
    """Rows of the targets table, filtered by kind (result/goal/vision/other or its label) and keyword."""
    labels_to_kind = {v: k for k, v in KIND_LABELS.items()}
    kind = labels_to_kind.get(kind, kind)
    key = normalize(keyword or "").strip()
    rows = []
    for t in targets:
        if kind and kind != "all" and t.kind != kind:
            continue
        row = [t.indicator, t.figure, t.qualifier, t.year, KIND_LABELS.get(t.kind, t.kind), t.label, t.sentence]
        if key and key not in normalize(" ".join(row)):
            continue
        rows.append(row)
    return rows


def write_csv(rows: Sequence[Sequence[str]], path: Path, headers: Sequence[str] = TARGET_HEADERS) -> Path:
    """CSV in UTF-8 with a BOM, so that Excel opens the Chinese text correctly."""
    path = Path(path)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


# ---- page chrome ----------------------------------------------------------------------------
def render_header(title: str, doc=None) -> str:
    sub = ""
    if doc is not None:
        sub = (f'<div class="doc">《{esc(doc.title)}》<span class="adopted">{esc(doc.adopted)} 通过</span></div>')
    return (f'<header class="app-header"><div class="title">{esc(title)}</div>{sub}'
            '<div class="hint">本系统离线运行：回答均摘自建议原文并标注出处条文，原文未涉及的问题将如实说明。</div>'
            '</header>')


def safe_markdown(md: str) -> str:
    """Markdown whose text cannot carry HTML: & and < become entities (shown as text)."""
    return md.replace("&", "&amp;").replace("<", "&lt;")


CSS = """
.gradio-container { max-width: 1360px !important; margin: 0 auto !important; }
.app-header { border-left: 6px solid #a61b1b; background: linear-gradient(90deg, #fbf3f2, #ffffff);
  padding: 14px 20px; border-radius: 6px; margin-bottom: 4px; }
.app-header .title { font-size: 1.45rem; font-weight: 700; color: #7f1010; letter-spacing: .04em; }
.app-header .doc { margin-top: 4px; color: #334155; font-size: .95rem; }
.app-header .adopted { margin-left: .8em; color: #64748b; font-size: .85rem; }
.app-header .hint { margin-top: 4px; color: #64748b; font-size: .85rem; }
.muted { color: #64748b; }
.transcript { display: flex; flex-direction: column; gap: 10px; padding: 6px 4px; }
.transcript.empty { padding: 24px 12px; }
.msg.user { display: flex; justify-content: flex-end; }
.msg.user .bubble { background: #eef2f7; color: #0f172a; border-radius: 12px 12px 2px 12px;
  padding: 8px 14px; max-width: 80%; white-space: pre-wrap; word-break: break-word; }
.answer { background: #ffffff; border: 1px solid #e2e8f0; border-left: 4px solid #a61b1b;
  border-radius: 4px 12px 12px 12px; padding: 10px 16px; line-height: 1.75; color: #1e293b; }
.answer p { margin: 0 0 6px 0; }
.answer ul { margin: 4px 0 6px 1.2em; padding: 0; }
.answer li { margin: 2px 0; }
.answer.refused { border-left-color: #b45309; background: #fffbeb; }
.answer.error { border-left-color: #64748b; background: #f8fafc; }
.answer.pending, .answer.streaming { border-left-color: #94a3b8; }
.refusal-badge { display: inline-block; background: #b45309; color: #fff; font-size: .8rem;
  border-radius: 4px; padding: 1px 8px; margin-bottom: 6px; }
.answer-meta { display: flex; gap: 16px; margin-top: 6px; font-size: .8rem; color: #64748b;
  border-top: 1px dashed #e2e8f0; padding-top: 4px; }
.notices li { list-style: none; }
.notices { list-style: none; margin: 6px 0 0 0 !important; padding: 6px 10px !important; background: #f1f5f9;
  border-radius: 6px; font-size: .85rem; color: #475569; }
button.cite-chip { display: inline-block; border: 1px solid #d9a3a3; background: #fdf2f2; color: #8c1414;
  border-radius: 999px; padding: 0 8px; margin: 0 2px; font-size: .8rem; line-height: 1.6;
  cursor: pointer; vertical-align: baseline; font-family: inherit; }
button.cite-chip:hover, button.cite-chip:focus-visible { background: #a61b1b !important; color: #fff !important;
  border-color: #a61b1b !important; opacity: 1 !important; outline: none; }
.unit-view { padding: 0 2px 4px 2px; }
.unit-head { position: sticky; top: 0; background: var(--background-fill-primary, #fff); z-index: 1;
  padding: 4px 0 2px 0; border-bottom: 1px solid #f1f5f9; margin-bottom: 6px; }
.unit-view .part { color: #64748b; font-size: .85rem; }
.unit-view h3 { margin: 2px 0 6px 0; font-size: 1.05rem; color: #0f172a; }
.unit-view h3 .label { color: #a61b1b; margin-right: .3em; }
.unit-text { white-space: pre-wrap; line-height: 1.9; color: #1e293b; text-align: justify; }
.evidence-note { font-size: .8rem; color: #64748b; margin: 0 0 6px 0; }
mark.quote { background: #fde68a; color: inherit; padding: 1px 0; border-radius: 2px; }
ol.retrieved { list-style: none; margin: 0; padding: 0; }
ol.retrieved li { display: grid; grid-template-columns: auto 1fr 96px; align-items: center; gap: 8px;
  padding: 4px 0; border-bottom: 1px solid #f1f5f9; font-size: .88rem; }
.hit-title { color: #334155; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.score { position: relative; height: 16px; background: #f1f5f9; border-radius: 3px; }
.score .bar { position: absolute; left: 0; top: 0; bottom: 0; background: #e8b4b4; border-radius: 3px; }
.score .num { position: relative; font-size: .75rem; padding-left: 4px; color: #334155; }
.outline details { margin: 0 0 4px 0; }
.outline summary { cursor: pointer; font-weight: 600; color: #7f1010; padding: 4px 0; font-size: .92rem; }
.outline ul { list-style: none; margin: 0; padding: 0 0 0 .6em; }
button.outline-item { display: flex; gap: .5em; width: 100%; text-align: left; background: none; border: 0;
  padding: 3px 6px; border-radius: 4px; cursor: pointer; font-family: inherit; font-size: .88rem; color: #1e293b; }
button.outline-item:hover { background: #fdf2f2; }
button.outline-item .label { color: #a61b1b; white-space: nowrap; min-width: 3.6em; }
.search-summary { font-size: .88rem; color: #334155; margin: 4px 0; }
ul.search-results { list-style: none; margin: 0; padding: 0; }
li.search-hit { padding: 6px 0; border-bottom: 1px solid #f1f5f9; font-size: .88rem; }
li.search-hit .count { color: #64748b; font-size: .78rem; margin-left: .6em; }
li.search-hit ul { margin: 4px 0 0 1.2em; padding: 0; color: #334155; line-height: 1.7; }
.examples { gap: 6px !important; flex-wrap: wrap; }
.examples button.example { flex: 0 0 auto !important; min-width: 0 !important; font-weight: normal; }
#targets-table table, #targets-table td, #targets-table th, #targets-table span { font-family: var(--font) !important; }
.count-row { align-items: center !important; }
.search-row { align-items: center !important; }
.controls-row { align-items: center !important; }
.footnote { font-size: .8rem; color: #64748b; }
.brief-preview h1 { font-size: 1.3rem !important; line-height: 1.5 !important; color: #7f1010; }
.brief-preview h2 { font-size: 1.1rem !important; border-bottom: 1px solid #e2e8f0; padding-bottom: 2px; }
.brief-preview h3 { font-size: 1rem !important; }
.brief-preview { border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px 18px; min-height: 320px; }
"""
