"""Which articles belong to a briefing's topic, and which of their sentences are its key points.

Which articles (deterministic, explainable):

1. *Mentions*: every unit whose normalised text contains the topic term, or one of the plan terms
   that ``colloquial.tsv`` maps the topic's everyday words to (看病 -> 就医, 医疗, 诊疗). All of them,
   not only the top-k: a cadre must not miss an article that names the topic.
2. *Retrieval*: the units the hybrid retriever ranks for the topic as a question, kept only when
   (a) they are among the top ``retrieval_k``, (b) their fused score is at least ``retrieval_min_score``
   and (c) they carry lexical evidence: at least ``min_coverage`` of the topic's character bigrams
   (and expansions) occur in the unit. (c) keeps out units that are only semantically near a topic the
   plan never names (量子计算, 地铁), where the dense score alone always produces *some* ranking.
3. A topic the evidence puts out of scope (Assistant.out_of_scope: 地铁, 房价 …) adds no retrieved units.

Key points of a unit are its own sentences, verbatim: those containing the topic (or an expansion)
first, in text order, then the best-scoring others (dense cosine of the sentence with the topic plus
bigram overlap) if they score close to the unit's best; at most ``max_points``. The article's bare
title sentence is never a point (it is the heading).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chat.compose.mentions import find_mentions
from config import BriefingSettings
from ingest.lexical import bigrams
from ingest.text.normalize import normalize
from ingest.text.sentences import sentence_spans
from ingest.units import Unit

if TYPE_CHECKING:
    from chat.pipeline import Assistant


@dataclass
class Candidate:
    """A unit taking part in a briefing: why, and the spans of its key points."""

    idx: int                        # position in index.units
    unit: Unit
    terms: list[str]                # topic terms the unit mentions
    rank: int | None                # retrieval rank for the topic
    reason: str
    spans: list[tuple[int, int]] = field(default_factory=list)


def unit_positions(index) -> dict[tuple[str, str], int]:
    """(doc_id, ref) -> position of the unit in ``index.units``."""
    return {(u.doc_id, u.ref): i for i, u in enumerate(index.units)}


def _is_title_sentence(unit: Unit, start: int, end: int) -> bool:
    return start == 0 and unit.kind == "article" and end - start <= len(unit.title) + 6


def article_sentences(unit: Unit) -> list[tuple[int, int]]:
    """Spans of the unit's sentences, its bare title sentence left out (the title is the heading)."""
    return [(s, e) for s, e in sentence_spans(unit.text, 10_000) if not _is_title_sentence(unit, s, e)]


def _topic_runs(assistant: Assistant, topic: str) -> list[str]:
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


def topic_keys(assistant: Assistant, topic: str, expansions: list[str]) -> set[str]:
    """Character bigrams of the topic's content phrases and of its expansions (short words kept whole)."""
    keys: set[str] = set()
    for word in _topic_runs(assistant, topic) + [normalize(e) for e in expansions]:
        grams = bigrams(word)
        keys.update(grams if grams else [word])
    return keys


def coverage(text: str, keys: set[str]) -> float:
    """Share of ``keys`` (bigrams) that occur in the normalised ``text`` (0 when there are no keys)."""
    norm = normalize(text)
    return sum(1 for k in keys if k in norm) / len(keys) if keys else 0.0


def _sentence_scores(assistant: Assistant, cand: Candidate, retrieval, keys: set[str]) -> dict[tuple[int, int], float]:
    """Score of each sentence: best dense cosine of its passages and its overlap, scored as the composer does."""
    passages = [(pid, p) for pid, p in enumerate(assistant.index.passages) if p.unit == cand.idx]
    floor = min(retrieval.passage_scores.values(), default=0.0)
    scores = {}
    for s, e in article_sentences(cand.unit):
        dense = max((retrieval.passage_scores.get(pid, floor) for pid, p in passages
                     if p.start >= s and p.end <= e), default=floor)
        overlap = coverage(cand.unit.text[s:e], keys)
        scores[(s, e)] = assistant.composer.sentence_score(dense, overlap)
    return scores


def _pick_points(assistant: Assistant, cand: Candidate, terms: list[str], retrieval, keys: set[str]) -> list[tuple[int, int]]:
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


def topic_terms(assistant: Assistant, topic: str) -> tuple[str, list[str]]:
    """The topic as the plan would write it, and further terms to look for: the plan's terms for its
    everyday words (colloquial.tsv), and its content phrases when the topic has words around them
    (发展低空经济 -> 低空经济)."""
    whole = normalize(topic).strip().strip("“”\"'‘’《》")
    extra = [normalize(e) for e in assistant.retriever.analyzer.expansions(topic)]
    extra += [r for r in _topic_runs(assistant, topic) if len(r) >= 2]
    return whole, [t for t in dict.fromkeys(extra) if t and t != whole]


def topic_candidates(assistant: Assistant, topic: str, doc_id: str | None = None):
    """Relevant units for a topic (see the module docstring) and the out-of-scope word, if any."""
    index, settings = assistant.index, assistant.settings.briefing
    pos = unit_positions(index)
    whole, expansions = topic_terms(assistant, topic)
    retrieval = assistant.retriever.search(topic, settings.retrieval_k, doc_id)
    keys = topic_keys(assistant, topic, expansions)
    ranks = {h.unit_idx: r for r, h in enumerate(retrieval.hits)}

    cands: dict[int, Candidate] = {}
    for term in [whole, *expansions]:
        for unit, _ in find_mentions(index, term, doc_id):
            i = pos[(unit.doc_id, unit.ref)]
            if i not in cands:
                cands[i] = Candidate(i, unit, [], ranks.get(i), f"提及“{term}”")
            cands[i].terms.append(term)

    out_of_scope = assistant.out_of_scope(topic, doc_id)
    if out_of_scope is None:
        added = 0
        for rank, hit in enumerate(retrieval.hits):
            if hit.unit_idx in cands or added >= settings.retrieval_max_units:
                continue
            if hit.score >= settings.retrieval_min_score and coverage(hit.unit.text, keys) >= settings.min_coverage:
                cands[hit.unit_idx] = Candidate(hit.unit_idx, hit.unit, [], rank, "与主题检索相关")
                added += 1
    terms = [whole, *expansions]
    for cand in cands.values():
        cand.spans = _pick_points(assistant, cand, cand.terms or terms, retrieval, keys)
    return [c for c in cands.values() if c.spans], out_of_scope


def relevance(cand: Candidate) -> tuple:
    """Summary order: units naming the topic before retrieved-only ones, then by retrieval rank (unranked last)."""
    return (0 if cand.terms else 1, cand.rank is None, cand.rank or 0, cand.idx)
