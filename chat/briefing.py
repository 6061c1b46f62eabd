"""Policy briefings for cadres: every article of the plan on a topic, quoted and cited, as .md or .docx.

    python -m chat brief "低空经济" --out brief.docx
    python -m chat brief --questions questions.txt --out brief.md

Which articles belong to a topic (deterministic, explainable):

1. *Mentions*: every unit whose normalised text contains the topic term, or one of the plan terms
   that ``colloquial.tsv`` maps the topic's everyday words to (看病 -> 就医, 医疗, 诊疗). All of them,
   not only the top-k: a cadre must not miss an article that names the topic.
2. *Retrieval*: the units the hybrid retriever ranks for the topic as a question, kept only when
   (a) they are among the top ``RETRIEVAL_K``, (b) their fused score is at least ``RETRIEVAL_MIN_SCORE``
   and (c) they carry lexical evidence: at least ``MIN_COVERAGE`` of the topic's character bigrams
   (and expansions) occur in the unit. (c) keeps out units that are only semantically near a topic the
   plan never names (量子计算, 地铁), where the dense score alone always produces *some* ranking.
3. A topic the refusal policy puts out of scope (absent_topics.txt: 地铁, 房价 …) adds no retrieved units;
   with no mention either, the briefing says plainly 建议原文未涉及“…” and has no sections.

Sections are listed in *plan order* (the order of the articles in the proposal): a briefing is read
next to the original and its headings 第6条 → 第9条 → 第32条 follow the document's own structure
(goals, then industry, then investment). Relevance order is kept where it matters: the summary takes
the sections best ranked for the topic first.

Key points of a unit are its own sentences, verbatim: those containing the topic (or an expansion)
first, in text order, then the best-scoring others (dense cosine of the sentence with the topic plus
bigram overlap) if they score close to the unit's best; at most ``MAX_POINTS``. The article's bare
title sentence is never a point (it is the heading). Nothing is paraphrased, so every figure in a
briefing is a figure of a cited sentence; the targets table shows the figures of the quoted sentences
and every figure whose sentence names the topic, with year and figure as the plan writes them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ingest.chunk import sentence_spans
from ingest.lexical import bigrams
from ingest.targets import KIND_LABELS, Target, targets_to_rows
from ingest.units import DocumentMeta, Unit, normalize

from .answer import Answer
from .inputs import QuestionError, clean_question
from .mentions import find_mentions
from .verify import CANONICAL_RE, numbers_in

QA_TOPIC = "专题问答"
NOT_COVERED = "建议原文未涉及“{topic}”。"
FINAL_NOTE = "本材料摘自建议原文，引文均已核对。"

MAX_POINTS = 4                  # key sentences per article
MAX_SUMMARY = 5                 # summary lines
RETRIEVAL_K = 10                # retrieved units considered
RETRIEVAL_MIN_SCORE = 0.6       # fused (min-max) score a retrieved-only unit needs
RETRIEVAL_MAX_UNITS = 6         # retrieved-only units added at most
MIN_COVERAGE = 0.6              # share of the topic's bigrams a retrieved-only unit must contain
EXTRA_POINT_RATIO = 0.8         # a non-term sentence needs this share of the unit's best sentence score
BOUNDS = ("以上", "以下", "以内", "左右", "余", "多")

EAST_ASIAN_BODY_FONT = "宋体"
EAST_ASIAN_HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


# --------------------------------------------------------------------------- types

@dataclass
class BriefingSection:
    """One relevant article with its key sentences (each a verbatim substring of the unit text)."""

    ref: str
    label: str
    title: str
    doc_id: str
    points: list[str]
    reason: str = ""                # why it is here: 提及“低空经济” / 与主题检索相关 / 问答引用

    @property
    def marker(self) -> str:
        return f"〔{self.label}〕"

    @property
    def heading(self) -> str:
        return f"{self.label}　{self.title}"


@dataclass
class Briefing:
    topic: str                                  # the topic or "专题问答"
    generated: str                              # YYYY-MM-DD
    source: str                                 # document title + adoption date
    summary: list[str]                          # lines ending with 〔第N条〕, or the "未涉及" line
    sections: list[BriefingSection]             # plan order
    targets: list[Target]
    qa: list[tuple[str, Answer]] = field(default_factory=list)
    title: str = ""                             # the document heading
    unit_texts: dict = field(default_factory=dict, repr=False)   # (doc_id, ref) -> text, for rendering

    @property
    def covered(self) -> bool:
        return bool(self.sections)

    def to_json(self) -> dict:
        """JSON-able form for the web UI."""
        return {
            "topic": self.topic, "title": self.title, "generated": self.generated, "source": self.source,
            "summary": self.summary,
            "sections": [asdict(s) | {"marker": s.marker} for s in self.sections],
            "targets": targets_to_rows(self.targets),
            "qa": [{"question": q, "answer": a.to_json()} for q, a in self.qa],
            "note": FINAL_NOTE,
        }


# --------------------------------------------------------------------------- building

@dataclass
class _Candidate:
    idx: int                        # position in index.units
    unit: Unit
    terms: list[str]                # topic terms the unit mentions
    rank: int | None                # retrieval rank for the topic
    reason: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def _unit_positions(index) -> dict[tuple[str, str], int]:
    return {(u.doc_id, u.ref): i for i, u in enumerate(index.units)}


def _is_title_sentence(unit: Unit, start: int, end: int) -> bool:
    return start == 0 and unit.kind == "article" and end - start <= len(unit.title) + 6


def _sentences(unit: Unit) -> list[tuple[int, int]]:
    return [(s, e) for s, e in sentence_spans(unit.text, 10_000) if not _is_title_sentence(unit, s, e)]


def _topic_runs(assistant, topic: str) -> list[str]:
    """The topic's content words, merged where they are adjacent in the topic (量子+计算 -> 量子计算),
    so that coverage is measured on the phrase and not on its common halves."""
    norm = normalize(topic)
    runs: list[str] = []
    cursor, run_end = 0, -1
    for word in assistant.retriever.analyzer.content_words(topic):
        at = norm.find(word, cursor)
        if at < 0:
            runs.append(word)
            continue
        if at == run_end and runs:
            runs[-1] += word
        else:
            runs.append(word)
        cursor = run_end = at + len(word)
    return runs or [norm.strip()]


def _keys(assistant, topic: str, expansions: list[str]) -> set[str]:
    """Character bigrams of the topic's content phrases and of its expansions (short words kept whole)."""
    keys: set[str] = set()
    for word in _topic_runs(assistant, topic) + [normalize(e) for e in expansions]:
        grams = bigrams(word)
        keys.update(grams if grams else [word])
    return keys


def _coverage(text: str, keys: set[str]) -> float:
    norm = normalize(text)
    return sum(1 for k in keys if k in norm) / len(keys) if keys else 0.0


def _sentence_scores(assistant, cand: _Candidate, retrieval, keys: set[str]) -> dict[tuple[int, int], float]:
    """Score of each sentence: best dense cosine of its passages (rescaled as the composer does) + overlap."""
    passages = [(pid, p) for pid, p in enumerate(assistant.index.passages) if p.unit == cand.idx]
    floor = min(retrieval.passage_scores.values(), default=0.0)
    scores = {}
    for s, e in _sentences(cand.unit):
        dense = max((retrieval.passage_scores.get(pid, floor) for pid, p in passages
                     if p.start >= s and p.end <= e), default=floor)
        overlap = _coverage(cand.unit.text[s:e], keys)
        scores[(s, e)] = 0.5 * max(0.0, (dense - 0.80) / 0.12) + 0.5 * overlap
    return scores


def _pick_points(assistant, cand: _Candidate, terms: list[str], retrieval, keys: set[str]) -> list[tuple[int, int]]:
    text = cand.unit.text
    scores = _sentence_scores(assistant, cand, retrieval, keys)
    norm_terms = [normalize(t) for t in terms if t]
    with_term = [sp for sp in scores if any(t in normalize(text[sp[0]:sp[1]]) for t in norm_terms)]
    chosen = with_term[:MAX_POINTS]
    rest = sorted((sp for sp in scores if sp not in chosen), key=lambda sp: -scores[sp])
    if rest:
        best = max(scores[sp] for sp in (chosen or rest[:1]))
        for sp in rest:
            if len(chosen) >= MAX_POINTS or scores[sp] < EXTRA_POINT_RATIO * best:
                break
            chosen.append(sp)
    return chosen


def _topic_terms(assistant, topic: str) -> tuple[str, list[str]]:
    """The topic as the plan would write it, and further terms to look for: the plan's terms for its
    everyday words (colloquial.tsv), and its content phrases when the topic has words around them
    (发展低空经济 -> 低空经济)."""
    whole = normalize(topic).strip().strip("“”\"'‘’《》")
    extra = [normalize(e) for e in assistant.retriever.analyzer.expansions(topic)]
    extra += [r for r in _topic_runs(assistant, topic) if len(r) >= 2]
    return whole, [t for t in dict.fromkeys(extra) if t and t != whole]


def _topic_candidates(assistant, topic: str, doc_id: str | None = None):
    """Relevant units for a topic (see the module docstring) and the out-of-scope word, if any."""
    index = assistant.index
    pos = _unit_positions(index)
    whole, expansions = _topic_terms(assistant, topic)
    retrieval = assistant.retriever.search(topic, RETRIEVAL_K, doc_id)
    keys = _keys(assistant, topic, expansions)
    ranks = {h.unit_idx: r for r, h in enumerate(retrieval.hits)}

    cands: dict[int, _Candidate] = {}
    for term in [whole, *expansions]:
        for unit, _ in find_mentions(index, term, doc_id):
            i = pos[(unit.doc_id, unit.ref)]
            if i not in cands:
                cands[i] = _Candidate(i, unit, [], ranks.get(i), f"提及“{term}”")
            cands[i].terms.append(term)

    out_of_scope = assistant.refusal.out_of_scope(topic)
    if out_of_scope is None:
        added = 0
        for rank, hit in enumerate(retrieval.hits):
            if hit.unit_idx in cands or added >= RETRIEVAL_MAX_UNITS:
                continue
            if hit.score >= RETRIEVAL_MIN_SCORE and _coverage(hit.unit.text, keys) >= MIN_COVERAGE:
                cands[hit.unit_idx] = _Candidate(hit.unit_idx, hit.unit, [], rank, "与主题检索相关")
                added += 1
    terms = [whole, *expansions]
    for cand in cands.values():
        cand.spans = _pick_points(assistant, cand, cand.terms or terms, retrieval, keys)
    return [c for c in cands.values() if c.spans], out_of_scope


def _relevance(cand: _Candidate) -> tuple:
    """Summary order: units naming the topic before retrieved-only ones, then by retrieval rank."""
    return (0 if cand.terms else 1, cand.rank if cand.rank is not None else RETRIEVAL_K, cand.idx)


def _section(cand: _Candidate, reason: str | None = None) -> BriefingSection:
    u = cand.unit
    return BriefingSection(u.ref, u.label, u.title, u.doc_id, [u.text[s:e] for s, e in cand.spans],
                           reason or cand.reason)


def _section_line(section: BriefingSection, point: str) -> str:
    return f"{section.label}（{section.title}）：{point}{section.marker}"


def _per_section_summary(ordered: list[BriefingSection]) -> list[str]:
    lines = [_section_line(s, s.points[0]) for s in ordered[:MAX_SUMMARY]]
    if len(lines) == 1 and len(ordered[0].points) > 1:
        lines.append(_section_line(ordered[0], ordered[0].points[1]))
    return lines


def _answer_lines(answer: Answer, allowed_labels: set[str], keys: set[str] = frozenset()) -> list[str]:
    """Lines of a verified answer that end with citation markers, all of them to allowed units;
    with ``keys``, the lines sharing most of them with the question come first (stable)."""
    out = []
    for line in answer.answer.splitlines():
        line = line.strip().lstrip("-·• ").strip()
        labels = CANONICAL_RE.findall(line)
        if line and labels and line.endswith("〕") and set(labels) <= allowed_labels:
            out.append(line)
    if keys:
        out.sort(key=lambda line: -_coverage(CANONICAL_RE.sub("", line), keys))
    return out


def _failed_answer(question: str, exc: Exception, backend: str) -> Answer:
    message = str(exc)
    if numbers_in(message):                 # no figure in a briefing that is not a figure of the plan
        message = "问题为空或过长，请修改后重试。"
    return Answer(question=question, answer=f"未能处理该问题：{message}", refused=True, citations=[],
                  retrieved=[], backend=backend)


def _targets_for(index, sections: list[BriefingSection], terms: list[str]) -> list[Target]:
    """Figures inside a quoted point, and figures whose sentence or indicator names the topic."""
    by_unit = {(s.doc_id, s.ref): s for s in sections}
    units = {(u.doc_id, u.ref): u for u in index.units}
    norm_terms = [normalize(t) for t in terms if t]
    out = []
    for t in index.targets:
        section = by_unit.get((t.doc_id, t.ref))
        if section is None:
            continue
        text = units[(t.doc_id, t.ref)].text
        quoted = False
        for point in section.points:
            s = text.find(point)
            if s >= 0 and s <= t.start < s + len(point):
                quoted = True
                break
        named = any(n in normalize(t.sentence) or n in normalize(t.indicator) for n in norm_terms)
        if quoted or named:
            out.append(t)
    return out


def _source(docs: list[DocumentMeta]) -> str:
    return "；".join(f"《{d.title}》（{d.adopted}通过）" for d in docs)


def _title(topic: str | None, docs: list[DocumentMeta]) -> str:
    basis = f"（依据《{docs[0].title}》）" if docs else ""
    return f"关于“{topic}”的政策要点{basis}" if topic else f"{QA_TOPIC}{basis}"


def build_briefing(assistant, topic: str | None = None, questions: list[str] | None = None,
                   backend: str = "extractive") -> Briefing:
    """A briefing on a topic (all articles that name it or are retrieved for it), on a list of
    questions (each verified answer, the articles it cites), or both."""
    questions = [q for q in (questions or []) if q and q.strip()]
    topic = topic.strip() if topic else None
    if not topic and not questions:
        raise QuestionError("请给出专题或问题清单。")
    index = assistant.index
    pos = _unit_positions(index)
    label = topic or QA_TOPIC

    cands: dict[int, _Candidate] = {}
    summary: list[str] = []
    terms: list[str] = []
    not_covered, out_of_scope = False, None
    if topic:
        clean_question(topic)                           # same limits as a question
        found, out_of_scope = _topic_candidates(assistant, topic)
        cands = {c.idx: c for c in found}
        whole, expansions = _topic_terms(assistant, topic)
        terms = [whole, *expansions]
        not_covered = not found

    qa: list[tuple[str, Answer]] = []
    for question in questions:
        try:
            answer = assistant.ask(question, backend=backend)
        except QuestionError as exc:
            answer = _failed_answer(question, exc, backend)
        qa.append((question, answer))
        for c in answer.citations:
            i = pos.get((c.doc_id, c.ref))
            if i is None:
                continue
            unit = index.units[i]
            if c.quote not in unit.text:                # points are verbatim or they are not points
                continue
            cand = cands.setdefault(i, _Candidate(i, unit, [], None, "问答引用"))
            s = unit.text.find(c.quote)
            span = (s, s + len(c.quote))
            if span not in cand.spans and len(cand.spans) < MAX_POINTS:
                cand.spans.append(span)

    ordered = sorted(cands.values(), key=_relevance)
    sections_by_rel = [_section(c) for c in ordered]
    labels = {s.label for s in sections_by_rel}
    if topic:
        if not_covered:
            summary.append(NOT_COVERED.format(topic=topic))
        else:
            topical = [s for s, c in zip(sections_by_rel, ordered) if c.reason != "问答引用"]
            if backend != "extractive":
                try:
                    summary = _answer_lines(assistant.ask(topic, backend=backend), labels)[:MAX_SUMMARY]
                except Exception:                       # the model answer is optional here
                    summary = []
            if len(summary) < 2:
                summary = _per_section_summary(topical)
            if out_of_scope and out_of_scope != "这个问题":     # 地铁和高铁: say what is not there
                summary = summary[: MAX_SUMMARY - 1] + [NOT_COVERED.format(topic=out_of_scope)]
    for _, answer in qa:
        if len(summary) >= MAX_SUMMARY:
            break
        lines = _answer_lines(answer, labels, assistant.composer.query_keys(answer.question, []))
        if lines and lines[0] not in summary:
            summary.append(lines[0])

    ordered_plan = sorted(cands.values(), key=lambda c: c.idx)
    sections = [_section(c) for c in ordered_plan]
    doc_ids = list(dict.fromkeys(s.doc_id for s in sections))
    docs = [d for d in index.documents if d.doc_id in doc_ids] or index.documents[:1]
    return Briefing(
        topic=label, generated=date.today().isoformat(), source=_source(docs), summary=summary,
        sections=sections, targets=_targets_for(index, sections, terms), qa=qa,
        title=_title(topic, docs),
        unit_texts={(c.unit.doc_id, c.unit.ref): c.unit.text for c in ordered_plan},
    )


# --------------------------------------------------------------------------- rendering

def _year_text(t: Target, unit_text: str) -> str:
    """The year as the plan writes it (2030年, 二〇三五年, “十五五”), or — when not stated."""
    if not t.year:
        return "—"
    if t.year.isdigit():
        if t.year in normalize(unit_text):
            return f"{t.year}年"
        digits = "〇一二三四五六七八九"
        return "".join(digits[int(d)] for d in t.year) + "年"
    return f"“{t.year}”"


def _value_text(t: Target) -> str:
    if t.qualifier and t.qualifier not in BOUNDS and t.qualifier not in t.figure:
        return f"{t.qualifier}{t.figure}"
    return t.figure


def target_rows(b: Briefing) -> list[tuple[str, str, str, str, str]]:
    """(指标, 数值, 年份, 类别, 出处) for each related target."""
    rows = []
    for t in b.targets:
        text = b.unit_texts.get((t.doc_id, t.ref), t.sentence)
        rows.append((t.indicator, _value_text(t), _year_text(t, text), KIND_LABELS.get(t.kind, t.kind), t.label))
    return rows


def _qa_blocks(answer: Answer) -> list[tuple[str, str]]:
    """("bullet"|"para", text) lines of an answer."""
    out = []
    for line in answer.answer.splitlines():
        if not line.strip():
            continue
        if line.startswith("- "):
            out.append(("bullet", line[2:].strip()))
        else:
            out.append(("para", line.strip()))
    return out


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(b: Briefing) -> str:
    lines = [f"# {b.title or b.topic}", "", f"> 来源：{b.source}　生成日期：{b.generated}", ""]
    lines += ["## 要点摘要", ""]
    lines += [f"- {s}" for s in b.summary] or ["- （无）"]
    lines.append("")
    if b.sections:
        lines += ["## 相关条文", ""]
        for s in b.sections:
            lines += [f"### {s.heading}", ""]
            lines += [f"- {p}{s.marker}" for p in s.points]
            lines.append("")
    if b.targets:
        lines += ["## 相关指标", "", "| 指标 | 数值 | 年份 | 类别 | 出处 |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in target_rows(b)]
        lines.append("")
    if b.qa:
        lines += ["## 问答", ""]
        for question, answer in b.qa:
            lines += [f"### 问：{question}", ""]
            previous = None
            for kind, text in _qa_blocks(answer):
                if previous is not None and (kind == "para" or previous == "para"):
                    lines.append("")
                lines.append(f"- {text}" if kind == "bullet" else text)
                previous = kind
            for notice in answer.notices:
                lines += ["", f"（{notice}）"]
            lines.append("")
    lines += ["---", "", FINAL_NOTE, ""]
    return "\n".join(lines)


def _atomic_write(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_markdown(b: Briefing, path: Path) -> Path:
    return _atomic_write(path, lambda tmp: tmp.write_text(to_markdown(b), encoding="utf-8"))


def _set_fonts(style, east_asian: str, latin: str = LATIN_FONT, size_pt: float | None = None,
               bold: bool | None = None) -> None:
    """Font names on a style, East Asian one via w:rFonts/@w:eastAsia; theme fonts removed so they apply."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = latin
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def build_docx(b: Briefing):
    """The briefing as a python-docx Document (not yet saved)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    styles = doc.styles
    _set_fonts(styles["Normal"], EAST_ASIAN_BODY_FONT, size_pt=12)
    _set_fonts(styles["Title"], EAST_ASIAN_HEADING_FONT, size_pt=20, bold=True)
    for name, size in (("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        _set_fonts(styles[name], EAST_ASIAN_HEADING_FONT, size_pt=size, bold=True)
    _set_fonts(styles["List Bullet"], EAST_ASIAN_BODY_FONT, size_pt=12)
    doc.core_properties.title = b.title or b.topic
    doc.core_properties.subject = b.topic

    title = doc.add_paragraph(b.title or b.topic, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    source = doc.add_paragraph(f"来源：{b.source}　生成日期：{b.generated}")
    source.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("要点摘要", level=1)
    for line in b.summary or ["（无）"]:
        doc.add_paragraph(line, style="List Bullet")

    if b.sections:
        doc.add_heading("相关条文", level=1)
        for s in b.sections:
            doc.add_heading(s.heading, level=2)
            for point in s.points:
                doc.add_paragraph(f"{point}{s.marker}", style="List Bullet")

    if b.targets:
        doc.add_heading("相关指标", level=1)
        header = ("指标", "数值", "年份", "类别", "出处")
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in target_rows(b):
            cells = table.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = text

    if b.qa:
        doc.add_heading("问答", level=1)
        for question, answer in b.qa:
            doc.add_heading(f"问：{question}", level=2)
            for kind, text in _qa_blocks(answer):
                doc.add_paragraph(text, style="List Bullet" if kind == "bullet" else None)
            for notice in answer.notices:
                doc.add_paragraph(f"（{notice}）")

    doc.add_paragraph(FINAL_NOTE)
    return doc


def to_docx(b: Briefing, path: Path) -> Path:
    """Write the briefing as a Word document, atomically (temp file in the same folder + os.replace)."""
    doc = build_docx(b)
    return _atomic_write(path, lambda tmp: doc.save(str(tmp)))


def save(b: Briefing, path: Path) -> Path:
    """.docx -> Word, .md/.markdown -> Markdown."""
    suffix = Path(path).suffix.lower()
    if suffix == ".docx":
        return to_docx(b, path)
    if suffix in (".md", ".markdown"):
        return write_markdown(b, path)
    raise ValueError(f"输出文件须以 .docx 或 .md 结尾：{path}")


# --------------------------------------------------------------------------- CLI

def read_questions(path: Path) -> list[str]:
    """One question per line; blank lines and lines starting with # are skipped."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_cli(args: argparse.Namespace) -> int:
    """``python -m chat brief [TOPIC] [--questions FILE] [--out FILE] [--backend NAME]``."""
    questions = None
    try:
        if args.questions:
            questions = read_questions(args.questions)
            if not questions:
                raise QuestionError(f"问题清单为空：{args.questions}")
        if not args.topic and not questions:
            raise QuestionError("请给出专题（如 “低空经济”）或 --questions 问题清单。")
        if args.topic:
            clean_question(args.topic)
        if args.out and Path(args.out).suffix.lower() not in (".docx", ".md", ".markdown"):
            raise QuestionError(f"输出文件须以 .docx 或 .md 结尾：{args.out}")
    except (QuestionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from .pipeline import Assistant

    assistant = Assistant.from_settings()
    briefing = build_briefing(assistant, args.topic, questions, backend=args.backend)
    if not args.out:
        print(to_markdown(briefing))
        return 0
    path = save(briefing, Path(args.out))
    what = (f"{len(briefing.sections)} 条相关条文，{len(briefing.targets)} 项指标"
            if briefing.sections else briefing.summary[0])
    if briefing.qa:
        what += f"，{len(briefing.qa)} 个问答"
    print(f"已生成 {path}（{what}）")
    return 0
