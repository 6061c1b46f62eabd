"""Extractive composition by shape, after the evidence has been weighed.

Exact routes come first (requests to the assistant, other regions' plans, opinions, document
metadata and structure, every mention of a term); then the retrieved evidence decides whether
to answer at all (``chat.retrieval.evidence``), unless the shape found its own evidence (a figure row, a
count); then the answer is composed by the Query's shape.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from chat.compose.extractive import Draft, ExtractiveComposer, heading
from chat.compose.figures import FigureAnswerer
from chat.compose.mentions import find_mentions, source_of
from chat.compose.refusal import (
    META_REQUEST,
    OPINION,
    OTHER_REGION,
    absent_note,
    refuse,
)
from chat.compose.shapes import ShapeComposer
from chat.compose.structure import StructureComposer, article_draft
from chat.inputs import CJK_RE
from chat.retrieval.evidence import EvidenceJudge
from chat.retrieval.retrieve import Hit, HybridRetriever
from chat.understanding.forms import ARTICLE_RE, QUOTED_RE
from chat.understanding.query import Shape, StructKind, StructRef
from config import Settings
from ingest.index import KnowledgeIndex
from ingest.text.normalize import normalize
from ingest.text.numerals import numeral_value

if TYPE_CHECKING:
    from chat.pipeline import TurnState

PART_ASKED_RE = re.compile(r"哪一部分|哪个部分|哪部分|第几部分|哪一块|哪个板块")
ARTICLE_ASKED_RE = re.compile(r"哪一条|哪条|第几条")
NO_COUNT = "建议原文未给出这一具体数量。"
SPECIFIC_ROUTES = ("figure", "figure-period", "count", "compare")   # the shape found its own evidence
COUNTED_SHAPES = (Shape.FIGURE, Shape.COUNT, Shape.COMPARE)      # asks a number: answered from a named unit, not
                                                                 # by quoting it whole


STATED_NUMBER_RE = re.compile(r"20\d\d年|\d+(?:\.\d+)?(?:%|万人|万元|亿元|万吨|平方公里|公里|个)")


class ShapeRouter:
    """Routes a turn to the composer of its shape; ``draft(turn)`` is the extractive answer."""

    def __init__(self, index: KnowledgeIndex, retriever: HybridRetriever, settings: Settings,
                 composer: ExtractiveComposer, figures: FigureAnswerer, shapes: ShapeComposer,
                 structure: StructureComposer, judge: EvidenceJudge):
        self.index = index
        self.retriever = retriever
        self.settings = settings
        self.composer = composer
        self.figures = figures
        self.shapes = shapes
        self.structure = structure
        self.judge = judge

    def draft(self, turn: "TurnState") -> Draft:
        """The extractive answer of a turn: exact routes first, then the evidence decides, then the shape."""
        query, retrieval = turn.query, turn.retrieval
        if query.shape is Shape.ASSISTANT:
            return refuse("", None, reason=META_REQUEST)
        if query.followup == "more":
            shown = {c.ref for c in turn.conversation.last.answer.citations}
            return self.composer.listing(replace(retrieval, hits=[h for h in retrieval.hits if h.ref not in shown]))
        if query.followup == "ordinal" and query.ordinal_ref is not None:
            draft = article_draft(self.index.unit(query.ordinal_ref, turn.doc_id))
            draft.notices.append(query.note)
            return draft
        if query.other_region:
            titles = "、".join(f"《{d.title}》" for d in self.index.documents)
            return refuse(query.other_region, retrieval, reason=OTHER_REGION.format(region=query.other_region,
                                                                                     titles=titles))
        if query.opinion:
            return refuse("", retrieval, reason=OPINION)
        if query.shape is Shape.METADATA:
            return self.structure.header(turn.doc_id)
        if query.shape in (Shape.STRUCTURE, Shape.COUNT) and query.struct is not None and (
                query.shape is Shape.STRUCTURE or query.struct.kind is StructKind.DOCUMENT):
            if query.struct.kind is StructKind.ARTICLE and PART_ASKED_RE.search(query.text):
                unit = self.index.unit(str(query.struct.number), turn.doc_id)   # "第36条在哪个部分？"
                part = self.structure.part_of(unit) if unit is not None else None
                if part is not None:
                    return part
            numbers = [n for n in dict.fromkeys(numeral_value(t) for t in ARTICLE_RE.findall(query.text)) if n]
            if query.struct.kind is StructKind.ARTICLE and len(numbers) > 1 and not query.struct.part:
                return _join([self.structure.lookup(replace(query, struct=StructRef(StructKind.ARTICLE, n)),
                                                    turn.doc_id) for n in numbers], "article")
            draft = self.structure.lookup(query, turn.doc_id)   # 第18条和第21条分别讲什么: each of them
            if query.followup == "ordinal" and query.struct.part:     # "第一条" read within the part just shown
                if draft.refused:                                      # it has no such article: the document's
                    return self.structure.lookup(replace(query, struct=StructRef(StructKind.ARTICLE,
                                                                                 query.struct.number)), turn.doc_id)
                draft.notices.append(query.note)
            elif query.followup == "ordinal" and query.note:          # "下一条呢": which article that is
                draft.notices.append(query.note)
            return draft
        named = self.structure.labelled(query.text, turn.doc_id) or self._named_article(query, turn.doc_id)
        if named is not None:   # 第三章第二节讲了什么, 第二十二条提到了哪些项目: the unit itself; else answer from it
            rest = normalize(query.text)
            for name in [named.numbering] + [d.short_title for d in self.index.documents]:
                rest = rest.replace(normalize(name), " ")
            if not [w for w in query.topic if normalize(w) in rest] and query.shape not in COUNTED_SHAPES:
                return article_draft(named)
            inside = [h for h in retrieval.hits if h.unit is named]
            if not inside:                      # ranked below k: it is still the unit asked about
                inside = [Hit(named, self.index.units.index(named), 1.0, 0.0, 0.0)]
            turn.retrieval = retrieval = replace(retrieval, hits=inside, scoped=True)
        if query.shape is Shape.GENERAL:
            pasted = source_of(self.index, query.text, self.settings.answer.paste_min_chars, turn.doc_id)
            if pasted is not None:
                draft = article_draft(pasted)
                draft.notices.append(f"所输入的文字出自{pasted.label}。")
                return draft
        if query.shape is Shape.LOCATE and query.all_mentions:
            found = self._mentions(query.term, turn)
            if found is not None:
                return found
        draft = self._by_shape(turn)
        # a figure row or a count found its own evidence; "它写在第几条" is answered from the last answer's units
        specific = (draft.route in SPECIFIC_ROUTES and bool(draft.text)) or (
            query.shape is Shape.LOCATE and bool(query.focus_refs))
        by_words = CJK_RE.search(query.text) is not None    # an English question is judged by meaning alone
        if self.judge.carried_by_absent(turn.evidence) or (
                by_words and not specific and not self.judge.strong(turn.evidence, query.shape)):
            words = query.absent or ((query.term,) if query.shape is Shape.EXPLAIN and query.term else ()) \
                or turn.evidence.missing
            return refuse(words[0] if words else "", retrieval)
        if not draft.text:
            draft = self.composer.general(retrieval)
        if (query.absent or query.broader) and not draft.refused:
            draft.text = absent_note(query.absent, query.broader) + "\n" + draft.text
        if query.followup == "ordinal" and query.note:
            draft.notices.append(query.note)
        return draft

    def _named_article(self, query, doc_id: str | None):
        """The article a question names once (第二十二条提到了哪些重点项目, 倒数第二条的目标), None when it names
        none or several (第7条和第26条有什么区别)."""
        struct = query.struct
        if struct is None or struct.kind is not StructKind.ARTICLE or len(ARTICLE_RE.findall(query.text)) > 1:
            return None
        if struct.number < 0 or struct.part:
            return self.structure.counted_article(struct, doc_id)
        return self.index.unit(str(struct.number), doc_id)

    def _by_shape(self, turn: "TurnState") -> Draft:
        query, retrieval, doc = turn.query, turn.retrieval, turn.doc_id
        shape = query.shape
        if shape is Shape.FIGURE and turn.part_retrievals:
            drafts = [self.figures.answer(part, r, doc, part=True) for part, r in turn.part_retrievals]
            return _join(drafts, "figure")
        if shape is Shape.FIGURE:
            return self.figures.answer(query, retrieval, doc)
        if shape is Shape.COUNT:
            stated = self.figures.answer(query, retrieval, doc, measure_units=self.shapes.count_units(query))
            if stated.route == "figure" and not turn.part_retrievals:
                return stated                                # the plan states the count: 精简子企业22家
            drafts = [self.shapes.count(part, r) for part, r in turn.part_retrievals] or [self.shapes.count(query, retrieval)]
            drafts = [d for d in drafts if d is not None]
            if drafts:
                return _join(drafts, "count")
            return self.shapes.stated_quantity(query, retrieval) or refuse(
                "", retrieval, reason=NO_COUNT)
        if shape is Shape.COMPARE:
            draft = self.shapes.compare(turn.part_retrievals, doc) if len(turn.part_retrievals) >= 2 else None
            if draft is not None and draft.text:
                return draft
            return _join([self.composer.general(r) for _, r in turn.part_retrievals] or
                         [self.composer.general(retrieval)], "compare")
        if shape is Shape.LIST:
            return self.shapes.list_all(retrieval) if query.list_all else self.composer.listing(retrieval)
        if shape is Shape.LOCATE:
            if query.focus_refs:                       # "它在哪一条": where the last answer came from
                units = sorted(((i, u) for i, u in enumerate(self.index.units) if u.ref in query.focus_refs
                                and (turn.doc_id is None or u.doc_id == turn.doc_id)),
                               key=lambda iu: query.focus_refs.index(iu[1].ref))   # as the last answer cited them
                focused = [Hit(u, i, 1.0, 0.0, 0.0) for i, u in units]
                turn.retrieval = retrieval = replace(retrieval, hits=focused + [h for h in retrieval.hits
                                                                              if h.ref not in query.focus_refs])
            if PART_ASKED_RE.search(query.text) and retrieval.hits:
                top = retrieval.hits[0].unit
                part = self.structure.part_of(top)
                if part is not None and ARTICLE_ASKED_RE.search(query.text):   # 哪一条讲的？属于第几部分？
                    return replace(part, text=f"相关内容主要在{heading(top)}。\n{part.text}",
                                   units=[top] + [u for u in part.units if u is not top])
                if part is not None:
                    return part
            # where X is written: not a unit that says nothing of X (nor one the last answer only quoted beside it)
            top = retrieval.hits[:self.settings.answer.general_units]
            cover = self.judge.coverage_of(query, top)
            if any(cover):
                retrieval = replace(retrieval, hits=[h for h, c in zip(top, cover) if c > 0])
            return self.composer.locate(retrieval)
        if shape is Shape.YESNO:
            # "有。" only when the plan names what was asked: not for 上海 answered by the 长三角 it names, nor
            # for a quoted formulation it never uses as such (“平安中国” where it says 平安黔江)
            unquoted = [t for t in QUOTED_RE.findall(normalize(query.text)) if self.judge.stats.df(t) == 0]
            # a premise with a year or figure the documents never state ("…2027年通车，对吗"): no 有。, and a
            # notice (a number in the answer's text would have to be backed by the cited units)
            unstated = [n for n in STATED_NUMBER_RE.findall(normalize(query.text)) if self.judge.stats.df(n) == 0]
            if (unquoted or unstated) and not query.absent:
                draft = self.shapes.yesno(retrieval, covered=False)
                if unquoted and draft.text:
                    draft.text = absent_note(tuple(unquoted)) + "\n" + draft.text
                draft.notices += [f"建议原文没有“{n}”这一说法；所列为相关原文。" for n in unstated]
                return draft
            return self.shapes.yesno(retrieval, covered=turn.evidence.coverage >= self.settings.evidence.yes_coverage
                                     and not query.broader and not query.absent)
        if shape is Shape.EXPLAIN:
            return self.shapes.explain(query, retrieval, doc) or self.composer.general(retrieval)
        return self.composer.general(retrieval)

    def _mentions(self, term: str, turn: "TurnState") -> Draft | None:
        """Every unit naming the term (or, failing that, one of its plan-term expansions)."""
        for candidate in [term, *self.retriever.analyzer.expansions(term)]:
            found = find_mentions(self.index, candidate, turn.doc_id)
            if found:
                return self.composer.mentions(candidate, found)
        # worded differently in the plan (黔江至吉首高铁 / 黔江至吉首高速铁路 / 渝湘高铁(黔江至吉首段)):
        # the units naming all of the term's rare words
        words = [w for w in self.retriever.analyzer.content_words(term) if len(w) >= 2]
        stats = self.judge.stats
        rare = [w for w in words if stats.df(w) > 0 and stats.idf(w) >= self.settings.evidence.rare_idf]
        if rare:
            found = find_mentions(self.index, "、".join(rare), turn.doc_id)
            if found:
                return self.composer.mentions("”“".join(rare), found)
        return None


def _join(drafts: list[Draft], route: str) -> Draft:
    """Several part answers as one draft (one block per part)."""
    drafts = [d for d in drafts if d is not None and d.text]
    if not drafts:
        return Draft("", [], route=route)
    units = list({id(u): u for d in drafts for u in d.units}.values())
    return Draft("\n".join(d.text for d in drafts), units, refused=all(d.refused for d in drafts), route=route,
                 notices=[n for d in drafts for n in d.notices], derived=[x for d in drafts for x in d.derived])
