"""HTML for the web UI: answers with citation chips, the evidence panel, the plan outline, search.

Every piece of user-supplied or document text goes through ``esc`` (html.escape) before it is
placed in markup; markup is only ever built here, from escaped text and fixed tags. Clickable
things carry ``data-ref`` (and ``data-doc``, ``data-turn``) for the page's click handler.
"""
from __future__ import annotations

import csv
import html
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from chat.answer import Answer
from ingest.targets import KIND_LABELS, Target
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE, is_label, ref_label, ref_of_label
from ingest.text.sentences import CLAUSE_RE
from ingest.units import Unit

BACKEND_LABELS = {"extractive": "原文摘录", "local": "本地模型", "openai": "接口"}
TARGET_HEADERS = ["指标", "数值", "表述", "年份", "类别", "条文", "原句"]


def esc(text: object) -> str:
    """Escape any text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def chip(ref: str, label: str | None = None, doc_id: str = "", turn: int | None = None, cls: str = "",
         body_html: str | None = None, title: str = "查看原文") -> str:
    """A clickable citation chip that opens ``ref`` in the evidence panel; ``cls`` adds classes and
    ``body_html`` (markup built from escaped text only) replaces the label as its content (a chart bar)."""
    turn_attr = f' data-turn="{int(turn)}"' if turn is not None else ""
    classes = esc(f"cite-chip {cls}".strip())
    body = body_html if body_html is not None else esc(label or ref_label(ref))
    return (f'<button type="button" class="{classes}" data-ref="{esc(ref)}" data-doc="{esc(doc_id)}"'
            f'{turn_attr} title="{esc(title)}">{body}</button>')


Labels = dict[str, tuple[str, str]]           # citation label -> (ref, doc_id), e.g. 《简称》第3条 -> ("3", "x")


def labels_of(units: Iterable[Unit]) -> Labels:
    """Citation label -> (ref, doc_id) for each unit (第7条 -> ("7", doc_id))."""
    return {u.label: (u.ref, u.doc_id) for u in units}


def answer_labels(answer: Answer, labels: Labels | None = None) -> Labels:
    """The labels an answer can show: its citations and retrieved units, over ``labels``."""
    out = dict(labels or {})
    out.update({str(h["label"]): (str(h["ref"]), h.get("doc_id", "")) for h in answer.retrieved if "label" in h})
    out.update({c.label: (c.ref, c.doc_id) for c in answer.citations})
    return out


def with_chips(text: str, turn: int | None = None, labels: Labels | None = None) -> str:
    """Escape ``text`` and turn its 〔第N条〕 / 〔《简称》第N条〕 markers into chips."""
    out, pos = [], 0
    for m in MARKER_RE.finditer(text):
        out.append(esc(text[pos:m.start()]))
        label = m.group(1)
        if labels and label in labels:
            out.append(chip(labels[label][0], label, labels[label][1], turn))
        elif is_label(label):
            out.append(chip(ref_of_label(label), label, "", turn))
        else:
            out.append(esc(m.group(0)))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def answer_body(text: str, turn: int | None = None, labels: Labels | None = None) -> str:
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
            items.append(with_chips(line.lstrip()[2:], turn, labels))
        else:
            flush()
            parts.append(f"<p>{with_chips(line, turn, labels)}</p>")
    flush()
    return "".join(parts)


def copy_button(text: str) -> str:
    """A button that copies ``text`` (an answer's plain text, citation markers included) to the clipboard;
    the text rides in ``data-copy`` and the transcript's page script (widgets.COPY_JS) does the copying."""
    return (f'<button type="button" class="copy-answer" data-copy="{esc(text)}" '
            f'title="复制回答全文（含出处标注）">复制</button>')


def render_meta(answer: Answer, requested: str | None = None) -> str:
    """HTML line under an answer: the backend that answered (and the one asked for, when it fell back),
    the total time in seconds (from ``answer.timings_ms["total"]``) and the copy button."""
    used = BACKEND_LABELS.get(answer.backend, answer.backend)
    note = ""
    if requested and requested != answer.backend:
        note = f"（所选：{esc(BACKEND_LABELS.get(requested, requested))}）"
    seconds = answer.timings_ms.get("total", 0.0) / 1000
    return (f'<div class="answer-meta"><span class="backend">回答方式：{esc(used)}{note}</span>'
            f'<span class="timing">用时 {seconds:.2f} 秒</span>{copy_button(answer.answer)}</div>')


def render_notices(notices: Sequence[str]) -> str:
    """HTML list of an answer's notices (escaped); "" when there are none."""
    return '<ul class="notices">' + "".join(f"<li>{esc(n)}</li>" for n in notices) + "</ul>" if notices else ""


def render_answer(answer: Answer, turn: int | None = None, requested: str | None = None,
                  labels: Labels | None = None) -> str:
    """A finished answer: body with chips, a refusal badge when refused, notices and meta."""
    body = answer_body(answer.answer, turn, answer_labels(answer, labels))
    cls, head = ("answer refused", '<div class="refusal-badge">建议原文未涉及</div>') if answer.refused else ("answer", "")
    return (f'<div class="{cls}">{head}{body}'
            f'{render_notices(answer.notices)}{render_meta(answer, requested)}</div>')


def render_turn(turn: dict, index: int, labels: Labels | None = None, preview_chars: int = 80) -> str:
    """One exchange: ``{"question", "answer"?: Answer, "partial"?: str, "status"?: str (a model's expected
    wait), "error"?: str, "backend"?}``; a
    rejected question longer than ``preview_chars`` characters is shown as its beginning and its length."""
    question = turn["question"]
    if turn.get("error") and len(question) > preview_chars:    # a rejected 5,000-character paste: a preview
        question = f"{question[:preview_chars]}…（共{len(question)}字）"
    q = f'<div class="msg user"><div class="bubble">{esc(question)}</div></div>'
    if turn.get("error"):
        body = f'<div class="answer error"><p>{esc(turn["error"])}</p></div>'
    elif turn.get("answer") is not None:
        body = render_answer(turn["answer"], index, turn.get("backend"), labels)
    elif turn.get("partial"):
        note = (f'<p class="muted model-note">{esc(BACKEND_LABELS.get(turn.get("backend"), ""))}正在作答，'
                '写完后逐句核验原文，未通过核验的句子将删除。</p>' if turn.get("status") else "")
        body = f'<div class="answer streaming">{note}{answer_body(turn["partial"], index, labels)}</div>'
    elif turn.get("status"):
        body = f'<div class="answer pending"><p class="muted model-wait">{esc(turn["status"])}</p></div>'
    elif turn.get("backend", "extractive") != "extractive":
        body = ('<div class="answer pending"><p class="muted">正在检索并生成回答'
                '（模型首次使用需要加载，可能需要一两分钟）…</p></div>')
    else:
        body = '<div class="answer pending"><p class="muted">正在检索建议原文…</p></div>'
    return f'{q}<div class="msg bot">{body}</div>'


def render_transcript(turns: Sequence[dict], labels: Labels | None = None) -> str:
    """HTML of the whole conversation (each turn: the question, the answer with chips, meta, notices);
    a hint with example questions when there are no turns yet."""
    if not turns:
        return ('<div class="transcript empty"><p class="muted">请输入问题，或点击下方示例问题。'
                '回答均摘自建议原文，并标注出处条文（如〔第7条〕），点击条文标签可查看原文。</p></div>')
    return '<div class="transcript">' + "".join(render_turn(t, i, labels) for i, t in enumerate(turns)) + "</div>"


def render_retrieved(answer: Answer | None, titles: dict[str, str], turn: int | None = None,
                     limit: int = 10, question: str | None = None) -> str:
    """The retrieved articles of an answer with their fused scores, as chips (``titles`` by label), under
    the ``question`` they were retrieved for (one line, cut with an ellipsis; whole in its tooltip)."""
    if answer is None or not answer.retrieved:
        return '<p class="muted">提问后，这里列出检索到的相关条文及得分。</p>'
    head = f'<p class="retrieved-for" title="{esc(question)}">问题：{esc(question)}</p>' if question else ""
    rows = []
    for hit in answer.retrieved[:limit]:
        ref, score = str(hit["ref"]), float(hit.get("score", 0.0))
        width = max(0.0, min(score, 1.0)) * 100
        label = str(hit.get("label") or ref_label(ref))
        rows.append(f'<li>{chip(ref, label, hit.get("doc_id", ""), turn)}'
                    f'<span class="hit-title">{esc(titles.get(label, ""))}</span>'
                    f'<span class="score"><span class="bar" style="width:{width:.0f}%"></span>'
                    f'<span class="num">{score:.2f}</span></span></li>')
    return head + '<ol class="retrieved">' + "".join(rows) + "</ol>"


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
    """HTML heading of a unit in the evidence panel: its part, label and title."""
    title = "" if unit.kind in ("header", "preamble", "closing") else f" · {esc(unit.title)}"
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
    """HTML of the empty evidence panel (how to open an article)."""
    return ('<div class="unit-view empty"><p class="muted">点击回答或列表中的条文标签（如〔第7条〕），'
            '在此查看该条原文，回答所依据的句子以高亮显示。</p></div>')


# ---- plan outline and search ----------------------------------------------------------------
def render_outline(units: Sequence[Unit], doc_titles: dict[str, str] | None = None) -> str:
    """Preamble, the parts with their intros and articles, and the closing, as clickable items
    (under each document's title when there is more than one document)."""
    def item(u: Unit) -> str:
        name = f'<span class="t">{esc(u.title)}</span>' if u.kind == "article" else ""
        label = "导语" if u.kind == "intro" and u.ref.startswith("P") else u.local_label   # the document heads its list
        return (f'<li><button type="button" class="outline-item" data-ref="{esc(u.ref)}" '
                f'data-doc="{esc(u.doc_id)}"><span class="label">{esc(label)}</span>{name}</button></li>')

    several = len({u.doc_id for u in units}) > 1
    out: list[str] = []
    doc, part, items = None, None, []
    for u in list(units) + [None]:
        in_part = u is not None and u.kind in ("article", "intro")
        if items and (not in_part or u.part_no != part or u.doc_id != doc):
            out.append(f'<details class="outline-part" open><summary>{esc(items[0].part_heading)}</summary>'
                       f'<ul>{"".join(item(x) for x in items)}</ul></details>')
            items = []
        if u is not None and several and u.doc_id != doc:
            out.append(f'<div class="outline-doc">{esc((doc_titles or {}).get(u.doc_id, u.doc_id))}</div>')
        if u is not None:
            doc = u.doc_id
        if in_part:
            part = u.part_no
            items.append(u)
        elif u is not None:
            out.append(f'<ul class="outline-single">{item(u)}</ul>')
    return '<nav class="outline">' + "".join(out) + "</nav>"


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
            sentences = [m.group(0) for m in CLAUSE_RE.finditer(u.text)
                         if any(m.start() < e and s < m.end() for s, e in spans)]
            results.append((u, spans, sentences))
        if len(results) >= limit:
            break
    return results


def render_search(units: Sequence[Unit], keyword: str) -> str:
    """HTML list of the units whose text contains ``keyword`` (matched in normalised form), up to four
    sentences each with the keyword highlighted, and a chip to open the unit; a prompt when it is empty."""
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
SORTS = {"按条文顺序": "ref", "按年份": "year", "按类别": "kind"}
PERIOD_YEARS = {"十四五": 2025, "十五五": 2030}


def _year_key(year: str) -> int:
    return int(year) if year.isdigit() else PERIOD_YEARS.get(year, 9999)


def select_targets(targets: Sequence[Target], kind: str = "", keyword: str = "", sort: str = "ref") -> list[int]:
    """Indices of the rows of ``targets`` kept by kind (result/goal/vision/other or its label) and keyword,
    in plan order or sorted by year ("十四五" counts as 2025, "十五五" as 2030) or kind."""
    labels_to_kind = {v: k for k, v in KIND_LABELS.items()}
    kind = labels_to_kind.get(kind, kind)
    key = normalize(keyword or "").strip()
    kept = [i for i, t in enumerate(targets) if (not kind or kind == "all" or t.kind == kind)
            and (not key or key in normalize(" ".join(target_row(t))))]
    sort = SORTS.get(sort, sort)
    if sort == "year":
        kept.sort(key=lambda i: _year_key(targets[i].year))
    elif sort == "kind":
        order = list(KIND_LABELS)
        kept.sort(key=lambda i: order.index(targets[i].kind) if targets[i].kind in order else len(order))
    return kept


def target_row(t: Target) -> list[str]:
    """One row as TARGET_HEADERS: indicator, figure, the plan's reading (突破33万人, 由X调整为Y), year, kind,
    label, sentence."""
    return [t.indicator, t.figure, t.reading, t.year, KIND_LABELS.get(t.kind, t.kind), t.label, t.sentence]


def target_rows(targets: Sequence[Target], kind: str = "", keyword: str = "", sort: str = "ref") -> list[list[str]]:
    """Rows of the targets table (the CSV: every row with its sentence), as ``select_targets`` keeps them."""
    return [target_row(targets[i]) for i in select_targets(targets, kind, keyword, sort)]


def write_csv(rows: Sequence[Sequence[str]], path: Path, headers: Sequence[str] = TARGET_HEADERS) -> Path:
    """CSV in UTF-8 with a BOM (so that Excel opens the Chinese text correctly), written atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".csv-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


# ---- page chrome ----------------------------------------------------------------------------
def render_header(title: str, doc=None) -> str:
    """HTML page header: the product title and, for ``doc`` (a DocumentMeta), its title and adoption date,
    with the offline/citation hint."""
    sub = ""
    if doc is not None:
        sub = (f'<div class="doc">《{esc(doc.title)}》<span class="adopted">{esc(doc.adopted)} 通过</span></div>')
    return (f'<header class="app-header"><div class="title">{esc(title)}</div>{sub}'
            '<div class="hint">本系统离线运行：回答均摘自建议原文并标注出处条文，原文未涉及的问题将如实说明。</div>'
            '</header>')


def safe_markdown(md: str) -> str:
    """Markdown whose text cannot carry HTML: & and < become entities (shown as text)."""
    return md.replace("&", "&amp;").replace("<", "&lt;")


CSS = (Path(__file__).with_name("render.css")).read_text(encoding="utf-8")

