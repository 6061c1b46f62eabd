"""Policy briefings for cadres: every article of the plan on a topic, quoted and cited, as .md or .docx.

    python -m chat brief "低空经济" --out brief.docx
    python -m chat brief --questions questions.txt --out brief.md

Which articles belong to a topic and which of their sentences are key points: chat/briefing/select.py.
With no article for the topic, the briefing says plainly 建议原文未涉及“…” and has no sections.
A briefing can also be made from questions (each asked and verified) or from answers already given
(the web chat's "export this conversation"): the articles are then the ones the answers cite.

The parts, each saying something the others do not (no sentence appears in two of them):

- 要点摘要: for the sections best ranked for the topic, one key sentence each, cited. Sentences an answer
  of the 问答 part already quotes are left out. A briefing made only of questions has no summary: its
  answers are the summary.
- 问答: each question with its verified answer, as answered.
- 相关条文: each article in *plan order* (a briefing is read next to the original, so its headings
  第6条 → 第9条 → 第32条 follow the document's own structure), showing its text *less* the sentences
  the summary or an answer already quotes (elisions marked ……): the whole article when it is up to
  ``excerpt_max_chars`` long, else the ``excerpt_context`` sentences either side of each key point.
- 相关指标: the figures of the key points, and every figure whose sentence names the topic, with year
  and figure as the plan writes them.

Nothing is paraphrased, so every figure in a briefing is a figure of a cited sentence. The limits and
thresholds are the assistant's ``settings.briefing`` (config.BriefingSettings).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from chat.answer import Answer
from chat.briefing.select import (
    Candidate,
    article_sentences,
    relevance,
    topic_candidates,
    topic_terms,
    unit_positions,
)
from chat.compose.verify import numbers_in
from chat.inputs import QuestionError, clean_question
from config import BriefingSettings
from ingest.targets import Target, targets_to_rows
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE
from ingest.units import DocumentMeta, Unit

if TYPE_CHECKING:
    from chat.pipeline import Assistant

QA_TOPIC = "专题问答"
CONVERSATION_TOPIC = "对话简报"
NOT_COVERED = "建议原文未涉及“{topic}”。"
FINAL_NOTE = "本材料摘自建议原文，引文均已核对。"
ELISION = "……"
ALL_QUOTED = "本条相关内容已在上文引用。"



@dataclass
class BriefingSection:
    """One relevant article: its key sentences (each a verbatim substring of the unit text) and its
    excerpt for 相关条文 (verbatim runs of its text joined by ……, none quoted elsewhere in the briefing)."""

    ref: str
    label: str
    title: str
    doc_id: str
    points: list[str]
    reason: str = ""                # why it is here: 提及“低空经济” / 与主题检索相关 / 问答引用
    excerpt: str = ""               # "" when everything relevant is quoted above

    @property
    def marker(self) -> str:
        """The section's citation marker: 〔第7条〕."""
        return f"〔{self.label}〕"

    @property
    def heading(self) -> str:
        """Label and title separated by an ideographic space: 第7条　迭代升级现代制造业集群."""
        return f"{self.label}　{self.title}"


@dataclass
class Briefing:
    """A briefing: summary lines, Q&A, relevant articles and target rows, with the source document and
    generation date."""

    topic: str                                  # the topic, "专题问答" or "对话简报"
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
        """Whether the plan treats the topic at all (at least one section)."""
        return bool(self.sections)

    def parts(self) -> list[tuple[str, int]]:
        """The briefing's parts in the order they are written, each with how many items it holds:
        (要点摘要, lines), (问答, questions), (相关条文, articles), (相关指标, rows); empty parts left out."""
        counts = [("要点摘要", len(self.summary)), ("问答", len(self.qa)), ("相关条文", len(self.sections)),
                  ("相关指标", len(self.targets))]
        return [(name, n) for name, n in counts if n]

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


def _section(cand: Candidate, reason: str | None = None) -> BriefingSection:
    u = cand.unit
    return BriefingSection(u.ref, u.label, u.title, u.doc_id, [u.text[s:e] for s, e in cand.spans],
                           reason or cand.reason)


def _section_line(section: BriefingSection, point: str) -> str:
    return f"{section.label}（{section.title}）：{point}{section.marker}"


def _per_section_summary(ordered: list[BriefingSection], max_lines: int, quoted: str) -> list[str]:
    """The first key point of each section, best ranked first, unless ``quoted`` (the answers) has it;
    a second point of the only section when there is one."""
    lines = []
    for section in ordered:
        fresh = [p for p in section.points if normalize(p) not in quoted]
        if fresh and len(lines) < max_lines:
            lines.append(_section_line(section, fresh[0]))
    if len(lines) == 1 and len(ordered) == 1:
        fresh = [p for p in ordered[0].points if normalize(p) not in quoted]
        if len(fresh) > 1:
            lines.append(_section_line(ordered[0], fresh[1]))
    return lines


def _answer_lines(answer: Answer, allowed_labels: set[str]) -> list[str]:
    """Lines of a verified answer that end with citation markers, all of them to allowed units."""
    out = []
    for line in answer.answer.splitlines():
        line = line.strip().lstrip("-·• ").strip()
        labels = MARKER_RE.findall(line)
        if line and labels and line.endswith("〕") and set(labels) <= allowed_labels:
            out.append(line)
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


def _title(topic: str | None, docs: list[DocumentMeta], plain: str = "") -> str:
    basis = f"（依据《{docs[0].title}》）" if docs else ""
    return f"关于“{topic}”的政策要点{basis}" if topic else f"{plain or QA_TOPIC}{basis}"




def _quoted_spans(unit: Unit, quotes: list[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        at = unit.text.find(quote) if quote else -1
        if at >= 0:
            spans.append((at, at + len(quote)))
    return spans


def excerpt(unit: Unit, points: list[str], shown: list[str], settings: BriefingSettings) -> str:
    """What 相关条文 shows of ``unit``: its sentences (the title sentence is the heading) that no text in
    ``shown`` (the summary, the answers) contains or quotes, as verbatim runs joined by …… (also at the
    start or end when something is left out there). Which sentences: the whole article when it is at most
    ``excerpt_max_chars`` long; else the paragraphs holding ``points`` (a paragraph of the plan opens
    with its own heading, ——…高地。), and of a paragraph itself that long, the ``excerpt_context``
    sentences either side of each point."""
    sentences = article_sentences(unit)
    shown_norm = "\n".join(normalize(MARKER_RE.sub("", s)) for s in shown)
    quoted = _quoted_spans(unit, [q for s in shown for q in _verbatim_in(unit, s)])
    near = list(range(len(sentences)))
    if len(unit.text) > settings.excerpt_max_chars:
        para = [unit.text.count("\n", 0, s) for s, _ in sentences]
        key = _quoted_spans(unit, points)
        hits = [i for i, (s, e) in enumerate(sentences) if any(a < e and s < b for a, b in key)]
        near = []
        for p in sorted({para[i] for i in hits}):
            members = [i for i in range(len(sentences)) if para[i] == p]
            size = sentences[members[-1]][1] - sentences[members[0]][0]
            if size > settings.excerpt_max_chars:
                members = [i for i in members if any(abs(i - h) <= settings.excerpt_context for h in hits)]
            near += members
    keep = []
    for i in near:
        s, e = sentences[i]
        text = unit.text[s:e].strip()
        if not text or normalize(text) in shown_norm or any(a < e and s < b for a, b in quoted):
            continue
        keep.append(i)
    if not keep:
        return ""
    runs: list[list[int]] = []
    for i in keep:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    pieces = [unit.text[sentences[r[0]][0]:sentences[r[-1]][1]].strip() for r in runs]
    head = ELISION if keep[0] > 0 else ""
    tail = ELISION if keep[-1] < len(sentences) - 1 else ""
    return head + ELISION.join(pieces) + tail


def _verbatim_in(unit: Unit, text: str) -> list[str]:
    """The pieces of ``text`` (split at its markers and line breaks) that occur verbatim in the unit."""
    pieces = [p.strip().lstrip("-·• ").strip() for p in MARKER_RE.sub("\n", text).splitlines()]
    for part in list(pieces):
        if "：" in part:
            pieces.append(part.split("：", 1)[1])                # 第9条（标题）：quote
    return [p for p in pieces if len(p) > 1 and p in unit.text]


def _assemble(assistant: Assistant, cands: dict[int, Candidate], qa: list[tuple[str, Answer]],
              summary: list[str], terms: list[str], label: str, title_topic: str | None,
              plain_title: str = "") -> Briefing:
    """The Briefing of ``cands`` (plan order), with ``summary`` and ``qa`` as given: excerpts leave out
    what the summary and the answers quote; targets are those of the key points or naming ``terms``."""
    settings = assistant.settings.briefing
    ordered_plan = sorted(cands.values(), key=lambda c: c.idx)
    shown = summary + [a.answer for _, a in qa]
    sections = []
    for cand in ordered_plan:
        section = _section(cand)
        section.excerpt = excerpt(cand.unit, section.points, shown, settings)
        sections.append(section)
    doc_ids = list(dict.fromkeys(s.doc_id for s in sections))
    index = assistant.index
    docs = [d for d in index.documents if d.doc_id in doc_ids] or index.documents[:1]
    return Briefing(
        topic=label, generated=date.today().isoformat(), source=_source(docs), summary=summary,
        sections=sections, targets=_targets_for(index, sections, terms), qa=qa,
        title=_title(title_topic, docs, plain_title),
        unit_texts={(c.unit.doc_id, c.unit.ref): c.unit.text for c in ordered_plan},
    )


def _cite_answer(index, cands: dict[int, Candidate], answer: Answer, max_points: int) -> None:
    """Add the units ``answer`` cites to ``cands``, each cited quote a key point (verbatim ones only)."""
    pos = unit_positions(index)
    for c in answer.citations:
        i = pos.get((c.doc_id, c.ref))
        if i is None:
            continue
        unit = index.units[i]
        if c.quote not in unit.text:                # points are verbatim or they are not points
            continue
        cand = cands.setdefault(i, Candidate(i, unit, [], None, "问答引用"))
        s = unit.text.find(c.quote)
        span = (s, s + len(c.quote))
        if span not in cand.spans and len(cand.spans) < max_points:
            cand.spans.append(span)


def briefing_from_answers(assistant: Assistant, qa: list[tuple[str, Answer]],
                          topic: str = CONVERSATION_TOPIC) -> Briefing:
    """A briefing of questions already answered (a conversation): the questions with their verified
    answers as given, the articles they cite with what the answers do not quote, and their figures."""
    cands: dict[int, Candidate] = {}
    for _, answer in qa:
        _cite_answer(assistant.index, cands, answer, assistant.settings.briefing.max_points)
    return _assemble(assistant, cands, list(qa), [], [], topic, None, plain_title=topic)


def build_briefing(assistant: Assistant, topic: str | None = None, questions: list[str] | None = None,
                   backend: str = "extractive") -> Briefing:
    """A briefing on a topic (all articles that name it or are retrieved for it), on a list of
    questions (each verified answer, the articles it cites), or both."""
    questions = [q for q in (questions or []) if q and q.strip()]
    topic = topic.strip() if topic else None
    if not topic and not questions:
        raise QuestionError("请给出专题或问题清单。")
    settings = assistant.settings.briefing

    cands: dict[int, Candidate] = {}
    terms: list[str] = []
    not_covered, out_of_scope = False, None
    if topic:
        clean_question(topic, assistant.settings.question.max_chars)     # same limits as a question
        found, out_of_scope = topic_candidates(assistant, topic)
        cands = {c.idx: c for c in found}
        whole, expansions = topic_terms(assistant, topic)
        terms = [whole, *expansions]
        not_covered = not found

    qa: list[tuple[str, Answer]] = []
    for question in questions:
        try:
            answer = assistant.ask(question, backend=backend)
        except QuestionError as exc:
            answer = _failed_answer(question, exc, backend)
        qa.append((question, answer))
        _cite_answer(assistant.index, cands, answer, settings.max_points)

    summary: list[str] = []
    if topic:
        quoted = "\n".join(normalize(a.answer) for _, a in qa)
        ordered = sorted(cands.values(), key=relevance)
        labels = {c.unit.label for c in ordered}
        topical = [_section(c) for c in ordered if c.reason != "问答引用"]
        if not_covered:
            summary.append(NOT_COVERED.format(topic=topic))
        else:
            if backend != "extractive":
                try:
                    lines = _answer_lines(assistant.ask(topic, backend=backend), labels)
                    summary = [x for x in lines if normalize(MARKER_RE.sub("", x)) not in quoted][:settings.max_summary]
                except Exception:                       # the model answer is optional here
                    summary = []
            if len(summary) < 2:
                summary = _per_section_summary(topical, settings.max_summary, quoted)
            if out_of_scope and out_of_scope != "这个问题":     # 地铁和高铁: say what is not there
                summary = summary[: settings.max_summary - 1] + [NOT_COVERED.format(topic=out_of_scope)]
    return _assemble(assistant, cands, qa, summary, terms, topic or QA_TOPIC, topic)
