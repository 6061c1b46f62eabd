"""Policy briefings for cadres: every article of the plan on a topic, quoted and cited, as .md or .docx.

    python -m chat brief "低空经济" --out brief.docx
    python -m chat brief --questions questions.txt --out brief.md

Which articles belong to a topic (deterministic, explainable):

1. *Mentions*: every unit whose normalised text contains the topic term, or one of the plan terms
   that ``colloquial.tsv`` maps the topic's everyday words to (看病 -> 就医, 医疗, 诊疗). All of them,
   not only the top-k: a cadre must not miss an article that names the topic.
2. *Retrieval*: the units the hybrid retriever ranks for the topic as a question, kept only when
   (a) they are among the top ``retrieval_k``, (b) their fused score is at least ``retrieval_min_score``
   and (c) they carry lexical evidence: at least ``min_coverage`` of the topic's character bigrams
   (and expansions) occur in the unit. (c) keeps out units that are only semantically near a topic the
   plan never names (量子计算, 地铁), where the dense score alone always produces *some* ranking.
3. A topic the evidence puts out of scope (Assistant.out_of_scope: 地铁, 房价 …) adds no retrieved units;
   with no mention either, the briefing says plainly 建议原文未涉及“…” and has no sections.

Sections are listed in *plan order* (the order of the articles in the proposal): a briefing is read
next to the original and its headings 第6条 → 第9条 → 第32条 follow the document's own structure
(goals, then industry, then investment). Relevance order is kept where it matters: the summary takes
the sections best ranked for the topic first.

Key points of a unit are its own sentences, verbatim: those containing the topic (or an expansion)
first, in text order, then the best-scoring others (dense cosine of the sentence with the topic plus
bigram overlap) if they score close to the unit's best; at most ``max_points``. The article's bare
title sentence is never a point (it is the heading). Nothing is paraphrased, so every figure in a
briefing is a figure of a cited sentence; the targets table shows the figures of the quoted sentences
and every figure whose sentence names the topic, with year and figure as the plan writes them.
The limits and thresholds are the assistant's ``settings.briefing`` (config.BriefingSettings).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from chat.answer import Answer
from chat.compose.mentions import find_mentions
from chat.compose.verify import numbers_in
from chat.inputs import QuestionError, clean_question
from config import BriefingSettings
from ingest.lexical import bigrams
from ingest.targets import Target, targets_to_rows
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE
from ingest.text.sentences import sentence_spans
from ingest.units import DocumentMeta, Unit

if TYPE_CHECKING:
    from chat.pipeline import Assistant

QA_TOPIC = "专题问答"
NOT_COVERED = "建议原文未涉及“{topic}”。"
FINAL_NOTE = "本材料摘自建议原文，引文均已核对。"

BOUNDS = ("以上", "以下", "以内", "左右", "余", "多")

EAST_ASIAN_BODY_FONT = "宋体"
EAST_ASIAN_HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"


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
        """The section's citation marker: 〔第7条〕."""
        return f"〔{self.label}〕"

    @property
    def heading(self) -> str:
        """Label and title separated by an ideographic space: 第7条　迭代升级现代制造业集群."""
        return f"{self.label}　{self.title}"


@dataclass
class Briefing:
    """A topic briefing: summary lines, relevant articles, target rows and optional Q&A, with the
    source document and generation date."""

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
        """Whether the plan treats the topic at all (at least one section)."""
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


def _topic_runs(assistant: "Assistant", topic: str) -> list[str]:
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


def _keys(assistant: "Assistant", topic: str, expansions: list[str]) -> set[str]:
    """Character bigrams of the topic's content phrases and of its expansions (short words kept whole)."""
    keys: set[str] = set()
    for word in _topic_runs(assistant, topic) + [normalize(e) for e in expansions]:
        grams = bigrams(word)
        keys.update(grams if grams else [word])
    return keys


def _coverage(text: str, keys: set[str]) -> float:
    norm = normalize(text)
    return sum(1 for k in keys if k in norm) / len(keys) if keys else 0.0


def _sentence_scores(assistant: "Assistant", cand: _Candidate, retrieval, keys: set[str]) -> dict[tuple[int, int], float]:
    """Score of each sentence: best dense cosine of its passages and its overlap, scored as the composer does."""
    passages = [(pid, p) for pid, p in enumerate(assistant.index.passages) if p.unit == cand.idx]
    floor = min(retrieval.passage_scores.values(), default=0.0)
    scores = {}
    for s, e in _sentences(cand.unit):
        dense = max((retrieval.passage_scores.get(pid, floor) for pid, p in passages
                     if p.start >= s and p.end <= e), default=floor)
        overlap = _coverage(cand.unit.text[s:e], keys)
        scores[(s, e)] = assistant.composer.sentence_score(dense, overlap)
    return scores


def _pick_points(assistant: "Assistant", cand: _Candidate, terms: list[str], retrieval, keys: set[str]) -> list[tuple[int, int]]:
    settings: BriefingSettings = assistant.settings.briefing
    text = cand.unit.text
    scores = _sentence_scores(assistant, cand, retrieval, keys)
    norm_terms = [normalize(t) for t in terms if t]
    with_term = [sp for sp in scores if any(t in normalize(text[sp[0]:sp[1]]) for t in norm_terms)]
    chosen = with_term[:settings.max_points]
    rest = sorted((sp for sp in scores if sp not in chosen), key=lambda sp: -scores[sp])
    if rest:
        best = max(scores[sp] for sp in (chosen or rest[:1]))
        for sp in rest:
            if len(chosen) >= settings.max_points or scores[sp] < settings.extra_point_ratio * best:
                break
            chosen.append(sp)
    return chosen


def _topic_terms(assistant: "Assistant", topic: str) -> tuple[str, list[str]]:
    """The topic as the plan would write it, and further terms to look for: the plan's terms for its
    everyday words (colloquial.tsv), and its content phrases when the topic has words around them
    (发展低空经济 -> 低空经济)."""
    whole = normalize(topic).strip().strip("“”\"'‘’《》")
    extra = [normalize(e) for e in assistant.retriever.analyzer.expansions(topic)]
    extra += [r for r in _topic_runs(assistant, topic) if len(r) >= 2]
    return whole, [t for t in dict.fromkeys(extra) if t and t != whole]


def _topic_candidates(assistant: "Assistant", topic: str, doc_id: str | None = None):
    """Relevant units for a topic (see the module docstring) and the out-of-scope word, if any."""
    index, settings = assistant.index, assistant.settings.briefing
    pos = _unit_positions(index)
    whole, expansions = _topic_terms(assistant, topic)
    retrieval = assistant.retriever.search(topic, settings.retrieval_k, doc_id)
    keys = _keys(assistant, topic, expansions)
    ranks = {h.unit_idx: r for r, h in enumerate(retrieval.hits)}

    cands: dict[int, _Candidate] = {}
    for term in [whole, *expansions]:
        for unit, _ in find_mentions(index, term, doc_id):
            i = pos[(unit.doc_id, unit.ref)]
            if i not in cands:
                cands[i] = _Candidate(i, unit, [], ranks.get(i), f"提及“{term}”")
            cands[i].terms.append(term)

    out_of_scope = assistant.out_of_scope(topic, doc_id)
    if out_of_scope is None:
        added = 0
        for rank, hit in enumerate(retrieval.hits):
            if hit.unit_idx in cands or added >= settings.retrieval_max_units:
                continue
            if hit.score >= settings.retrieval_min_score and _coverage(hit.unit.text, keys) >= settings.min_coverage:
                cands[hit.unit_idx] = _Candidate(hit.unit_idx, hit.unit, [], rank, "与主题检索相关")
                added += 1
    terms = [whole, *expansions]
    for cand in cands.values():
        cand.spans = _pick_points(assistant, cand, cand.terms or terms, retrieval, keys)
    return [c for c in cands.values() if c.spans], out_of_scope


def _relevance(cand: _Candidate) -> tuple:
    """Summary order: units naming the topic before retrieved-only ones, then by retrieval rank (unranked last)."""
    return (0 if cand.terms else 1, cand.rank is None, cand.rank or 0, cand.idx)


def _section(cand: _Candidate, reason: str | None = None) -> BriefingSection:
    u = cand.unit
    return BriefingSection(u.ref, u.label, u.title, u.doc_id, [u.text[s:e] for s, e in cand.spans],
                           reason or cand.reason)


def _section_line(section: BriefingSection, point: str) -> str:
    return f"{section.label}（{section.title}）：{point}{section.marker}"


def _per_section_summary(ordered: list[BriefingSection], max_lines: int) -> list[str]:
    lines = [_section_line(s, s.points[0]) for s in ordered[:max_lines]]
    if len(lines) == 1 and len(ordered[0].points) > 1:
        lines.append(_section_line(ordered[0], ordered[0].points[1]))
    return lines


def _answer_lines(answer: Answer, allowed_labels: set[str], keys: set[str] = frozenset()) -> list[str]:
    """Lines of a verified answer that end with citation markers, all of them to allowed units;
    with ``keys``, the lines sharing most of them with the question come first (stable)."""
    out = []
    for line in answer.answer.splitlines():
        line = line.strip().lstrip("-·• ").strip()
        labels = MARKER_RE.findall(line)
        if line and labels and line.endswith("〕") and set(labels) <= allowed_labels:
            out.append(line)
    if keys:
        out.sort(key=lambda line: -_coverage(MARKER_RE.sub("", line), keys))
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


def build_briefing(assistant: "Assistant", topic: str | None = None, questions: list[str] | None = None,
                   backend: str = "extractive") -> Briefing:
    """A briefing on a topic (all articles that name it or are retrieved for it), on a list of
    questions (each verified answer, the articles it cites), or both."""
    questions = [q for q in (questions or []) if q and q.strip()]
    topic = topic.strip() if topic else None
    if not topic and not questions:
        raise QuestionError("请给出专题或问题清单。")
    index, settings = assistant.index, assistant.settings.briefing
    pos = _unit_positions(index)
    label = topic or QA_TOPIC

    cands: dict[int, _Candidate] = {}
    summary: list[str] = []
    terms: list[str] = []
    not_covered, out_of_scope = False, None
    if topic:
        clean_question(topic, assistant.settings.question.max_chars)     # same limits as a question
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
            if span not in cand.spans and len(cand.spans) < settings.max_points:
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
                    summary = _answer_lines(assistant.ask(topic, backend=backend), labels)[:settings.max_summary]
                except Exception:                       # the model answer is optional here
                    summary = []
            if len(summary) < 2:
                summary = _per_section_summary(topical, settings.max_summary)
            if out_of_scope and out_of_scope != "这个问题":     # 地铁和高铁: say what is not there
                summary = summary[: settings.max_summary - 1] + [NOT_COVERED.format(topic=out_of_scope)]
    for _, answer in qa:
        if len(summary) >= settings.max_summary:
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
