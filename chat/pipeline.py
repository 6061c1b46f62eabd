"""One question-answering pipeline for the CLI, the evaluation and the web UI.

    question ─▶ clean ─▶ understand (with dialogue state) ─▶ retrieve (per part)
             ─▶ decide on the evidence ─▶ compose by shape ─▶ verify ─▶ Answer

The steps are LangChain runnables; ``ask`` is the last event of ``stream``. Every backend goes
through the same understanding, retrieval and verification; only open shapes go to a model.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from langchain_core.runnables import RunnableLambda

from config import SETTINGS, Settings
from ingest.lexical import read_word_list

from .answer import Answer
from .conversation import Conversation, follow
from .evidence import Evidence, EvidenceJudge
from .extractive import Draft, ExtractiveComposer
from .figures import FigureAnswerer
from .inputs import Prepared, QuestionError, prepare_question
from .mentions import find_mentions, source_of
from .query import Query, Shape, StructKind
from .places import PlaceResolver
from .refusal import META_REQUEST, OPINION, OTHER_REGION, absent_note, refuse
from .retrieve import HybridRetriever, Retrieval
from .shapes import ShapeComposer
from .structure import StructureComposer, article_draft, structure_facts
from .understand import Understander
from .verify import CANONICAL_RE, normalize_markers, verify

LLM_SHAPES = (Shape.GENERAL, Shape.LIST, Shape.LOCATE, Shape.EXPLAIN, Shape.YESNO)
LLM_FAILED = "模型服务未能作答（{reason}），以下为原文摘录回答。"
LLM_UNVERIFIED = "模型的回答未能通过引文核验，以下为原文摘录回答。"
LLM_NOT_FOUND = "模型未能从所给条文中作答，以下为原文摘录回答。"
LLM_MIN_KEPT_CHARS = 20          # verified model text shorter than this is no answer (e.g. an echoed heading)
LLM_MIN_KEPT_SHARE = 0.5         # … and so is one that lost more than half of what it wrote
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
PART_ASKED_RE = re.compile(r"哪一部分|哪个部分|哪部分|第几部分|哪一块|哪个板块")
NO_COUNT = "建议原文未给出这一具体数量。"
STRIPPED_NOTICE = "问题中对助手的指令已忽略，只回答关于建议的问题。"
SPECIFIC_ROUTES = ("figure", "figure-period", "count", "compare")   # the shape found its own evidence


@dataclass(frozen=True)
class StreamEvent:
    """What ``Assistant.stream`` yields: text deltas while composing, then the verified answer."""

    kind: str                       # "delta" | "answer"
    text: str = ""
    answer: Answer | None = None


@dataclass
class TurnState:
    """State flowing through the pipeline for one question."""

    prepared: Prepared
    backend: str = "extractive"
    doc_id: str | None = None
    conversation: Conversation | None = None
    query: Query | None = None
    retrieval: Retrieval | None = None
    part_retrievals: list[tuple[Query, Retrieval]] = field(default_factory=list)
    evidence: Evidence | None = None
    draft: Draft | None = None
    model_answered: bool = False                      # the draft is the model's verified text
    fallback: str | None = None
    allowed: dict = field(default_factory=dict)        # label -> unit the answer may cite
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @property
    def question(self) -> str:
        return self.prepared.original

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = (now - since) * 1000
        return now


class Assistant:
    """Loads the index and models once; answers questions with verified citations."""

    def __init__(self, retriever: HybridRetriever, settings: Settings = SETTINGS):
        self.retriever = retriever
        self.settings = settings
        self.index = retriever.index
        analyzer = retriever.analyzer
        self.composer = ExtractiveComposer(self.index, analyzer, settings.answer)
        self.figures = FigureAnswerer(self.index, self.composer, settings.figures, retriever.embedder)
        self.shapes = ShapeComposer(self.index, self.composer, self.figures, settings.answer)
        self.structure = StructureComposer(self.index)
        self.facts = structure_facts(self.index)
        self.judge = EvidenceJudge(self.index, analyzer, settings.evidence)
        absent_path = settings.paths.lexicon_dir / "absent_topics.txt"
        kb_text = "\n".join(u.text for u in self.index.units)
        self.understander = Understander(analyzer, kb_text, read_word_list(absent_path) if absent_path.exists() else [],
                                         PlaceResolver(kb_text, settings.paths.lexicon_dir / "regions.tsv"))
        self.chain = (RunnableLambda(self._understand) | RunnableLambda(self._retrieve)
                      | RunnableLambda(self._compose) | RunnableLambda(self._finish))
        self._backends: dict[str, object] = {}
        self._backends_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings = SETTINGS) -> "Assistant":
        return cls(HybridRetriever.from_settings(settings), settings)

    # ---- public API -------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None,
            backend: str = "extractive", doc_id: str | None = None) -> Answer:
        """Answer one question; raises QuestionError (a ValueError) for unusable input."""
        events = list(self.stream(question, conversation, backend, doc_id))
        return events[-1].answer

    def stream(self, question: str, conversation: Conversation | None = None,
               backend: str = "extractive", doc_id: str | None = None) -> Iterator[StreamEvent]:
        """Yields text as it is produced, then the verified Answer (last event). The streamed text
        of an LLM is provisional: the final answer is what survived verification."""
        turn = self._retrieve(self._understand(TurnState(prepare_question(question), backend, doc_id, conversation)))
        for delta in self._compose_deltas(turn):
            yield StreamEvent("delta", delta)
        answer = self._finish(turn)
        yield StreamEvent("answer", answer.answer, answer)

    def understand(self, question: str, conversation: Conversation | None = None,
                   doc_id: str | None = None) -> Query:
        """The Query of a question in its conversation (for tests and tools)."""
        return self._understand(TurnState(prepare_question(question), doc_id=doc_id,
                                          conversation=conversation)).query

    def out_of_scope(self, topic: str, doc_id: str | None = None) -> str | None:
        """The word that puts a topic outside the plan, judged on the evidence; None if covered."""
        query = self.understander.understand(topic, doc_id)
        retrieval = self.retriever.search(query.text, self.settings.retrieval.default_k, doc_id)
        evidence = self.judge.measure(query, retrieval)
        if self.judge.strong(evidence):
            return None
        return (query.absent or evidence.missing or ("这个问题",))[0]

    # ---- steps ------------------------------------------------------------------------------
    def _scope(self, turn: TurnState) -> None:
        """A known doc_id, or the secondary document the question names by its 《简称》."""
        known = {d.doc_id for d in self.index.documents}
        if turn.doc_id is not None and turn.doc_id not in known:
            raise QuestionError(f"没有这个文档：{turn.doc_id[:40]}（可选：{'、'.join(sorted(known))}）")
        if turn.doc_id is None:
            for doc in self.index.documents:
                if not doc.primary and (f"《{doc.short_title}》" in turn.prepared.text
                                        or f"《{doc.title}》" in turn.prepared.text):
                    turn.doc_id = doc.doc_id

    def _understand(self, turn: TurnState) -> TurnState:
        self._scope(turn)
        turn.query = follow(turn.prepared.text, turn.conversation, self.understander, turn.doc_id)
        return turn

    def _retrieve(self, turn: TurnState) -> TurnState:
        t0 = time.perf_counter()
        query = turn.query
        k = self.settings.retrieval.default_k * (2 if query.followup == "more" else 1)
        turn.retrieval = self.retriever.search(query.text, k, turn.doc_id,
                                               include_header=query.shape is Shape.METADATA)
        turn.part_retrievals = [(part.with_(periods=part.periods or query.periods),
                                 self.retriever.search(part.text, k, turn.doc_id)) for part in query.parts]
        turn.allowed = {h.unit.label: h.unit for h in turn.retrieval.hits}
        for _, retrieval in turn.part_retrievals:
            turn.allowed.update({h.unit.label: h.unit for h in retrieval.hits})
        turn.evidence = self.judge.measure(query, turn.retrieval)
        turn.lap("retrieve", t0)
        return turn

    def _compose(self, turn: TurnState) -> TurnState:
        for _ in self._compose_deltas(turn):
            pass
        return turn

    def _compose_deltas(self, turn: TurnState) -> Iterator[str]:
        """Sets ``turn.draft``, yielding the text as it is produced (a model's raw deltas)."""
        t0 = time.perf_counter()
        extractive = self._extractive_draft(turn)
        if self._uses_llm(turn, extractive):
            parts: list[str] = []
            try:
                for delta in self._llm_deltas(turn):
                    parts.append(delta)
                    yield delta
                turn.draft = self._llm_result(turn, "".join(parts), extractive)
            except Exception as exc:          # LLMError or a broken backend: the extractive answer
                turn.draft = self._fallback(extractive, "error", LLM_FAILED.format(reason=str(exc).split("\n")[0][:120]))
                turn.fallback = "error" if "timeout" not in str(exc).lower() else "timeout"
        else:
            turn.draft = extractive
            yield from turn.draft.text.splitlines(keepends=True)
        turn.lap("compose", t0)

    # ---- extractive composition by shape ----------------------------------------------------
    def _extractive_draft(self, turn: TurnState) -> Draft:
        query, retrieval = turn.query, turn.retrieval
        if query.shape is Shape.ASSISTANT:
            return refuse("", None, reason=META_REQUEST)
        if query.followup == "more":
            shown = {c.ref for c in turn.conversation.last.answer.citations}
            return self.composer.listing(replace(retrieval, hits=[h for h in retrieval.hits if h.ref not in shown]))
        if query.followup == "ordinal":
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
            return self.structure.lookup(query, turn.doc_id)
        if query.shape is Shape.GENERAL:
            pasted = source_of(self.index, query.text, turn.doc_id)
            if pasted is not None:
                draft = article_draft(pasted)
                draft.notices.append(f"所输入的文字出自{pasted.label}。")
                return draft
        if query.shape is Shape.LOCATE and query.all_mentions:
            found = self._mentions(query.term, turn)
            if found is not None:
                return found
        draft = self._by_shape(turn)
        specific = draft.route in SPECIFIC_ROUTES and bool(draft.text)
        carried_by_absent = turn.evidence.absent_share >= self.settings.evidence.absent_share_max
        by_words = CJK_RE.search(query.text) is not None    # an English question is judged by meaning alone
        if carried_by_absent or (by_words and not specific and not self.judge.strong(turn.evidence)):
            words = query.absent or turn.evidence.missing
            return refuse(words[0] if words else "", retrieval)
        if not draft.text:
            draft = self.composer.general(retrieval)
        if (query.absent or query.broader) and not draft.refused:
            draft.text = absent_note(query.absent, query.broader) + "\n" + draft.text
        return draft

    def _by_shape(self, turn: TurnState) -> Draft:
        query, retrieval, doc = turn.query, turn.retrieval, turn.doc_id
        shape = query.shape
        if shape is Shape.FIGURE and turn.part_retrievals:
            drafts = [self.figures.answer(part, r, doc) for part, r in turn.part_retrievals]
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
            if query.focus_refs:                       # "这在第几条": where the last answer came from
                focused = [h for h in retrieval.hits if h.ref in query.focus_refs]
                retrieval = replace(retrieval, hits=focused + [h for h in retrieval.hits if h not in focused])
            if PART_ASKED_RE.search(query.text) and retrieval.hits:
                part = self.structure.part_of(retrieval.hits[0].unit)
                if part is not None:
                    return part
            return self.composer.locate(retrieval)
        if shape is Shape.YESNO:
            return self.shapes.yesno(retrieval, covered=turn.evidence.coverage >= self.settings.evidence.yes_coverage)
        if shape is Shape.EXPLAIN:
            return self.shapes.explain(query, retrieval, doc) or self.composer.general(retrieval)
        return self.composer.general(retrieval)

    def _mentions(self, term: str, turn: TurnState) -> Draft | None:
        """Every unit naming the term (or, failing that, one of its plan-term expansions)."""
        for candidate in [term, *self.retriever.analyzer.expansions(term)]:
            found = find_mentions(self.index, candidate, turn.doc_id)
            if found:
                return self.composer.mentions(candidate, found)
        # worded differently in the plan (黔江至吉首高铁 / 黔江至吉首高速铁路 / 渝湘高铁(黔江至吉首段)):
        # the units naming all of the term's rare words
        words = [w for w in self.retriever.analyzer.content_words(term) if len(w) >= 2]
        rare = [w for w in words if self.judge.idf(w) >= self.settings.evidence.rare_idf
                and any(w in t for t in self.judge.unit_texts)]
        if rare:
            found = find_mentions(self.index, "、".join(rare), turn.doc_id)
            if found:
                return self.composer.mentions("”“".join(rare), found)
        return None

    # ---- LLM backends -------------------------------------------------------------------------
    def _uses_llm(self, turn: TurnState, extractive: Draft) -> bool:
        """Only open shapes the evidence answers go to a model; lookups, figures and refusals stay exact."""
        if turn.backend == "extractive":
            return False
        if turn.backend not in ("local", "openai"):
            raise QuestionError(f"未知的回答方式：{turn.backend}")
        return (turn.query.shape in LLM_SHAPES and turn.query.followup in ("new", "rewrite")
                and not extractive.refused and extractive.route not in ("mentions", "article"))

    def backend(self, name: str):
        from .llm import LLMSettings, get_backend

        llm = self.settings.llm
        with self._backends_lock:
            if name not in self._backends:
                timeout = llm.local_timeout_s if name == "local" else llm.openai_timeout_s
                self._backends[name] = get_backend(
                    LLMSettings(name, timeout_s=timeout, max_tokens=llm.max_tokens, local_model=llm.local_model),
                    self.settings.paths.cache_root)
            return self._backends[name]

    def _llm_deltas(self, turn: TurnState) -> Iterator[str]:
        from .llm_prompt import build_messages

        llm = self.settings.llm
        hits = turn.retrieval.hits[: llm.context_units]
        history = ([(t.query.text, t.answer.answer) for t in turn.conversation.turns]
                   if turn.conversation else [])
        messages = build_messages(turn.query.text, hits, llm.context_tokens, history,
                                  max_history_turns=llm.history_turns)
        yield from self.backend(turn.backend).stream(messages)

    def _llm_result(self, turn: TurnState, text: str, extractive: Draft) -> Draft:
        """The model's text if enough of it survives verification; else the extractive answer.

        Whether the plan answers was decided on the evidence before the model was asked; a model
        that says "未涉及" here, or whose answer is mostly dropped, is replaced with a notice."""
        if "建议原文未涉及" in text and len(text) < 40:
            turn.fallback = "declined"
            return self._fallback(extractive, "declined", LLM_NOT_FOUND)
        checked = verify(text, turn.allowed)
        kept = len(CANONICAL_RE.sub("", checked.text).strip())
        written = len(CANONICAL_RE.sub("", normalize_markers(text)).strip())
        if not checked.citations or kept < LLM_MIN_KEPT_CHARS or kept < LLM_MIN_KEPT_SHARE * written:
            turn.fallback = "unverified"
            return self._fallback(extractive, "unverified", LLM_UNVERIFIED)
        turn.model_answered = True
        return Draft(text, [], route=turn.query.shape.value)

    @staticmethod
    def _fallback(draft: Draft, code: str, notice: str) -> Draft:
        fallback = replace(draft, notices=[notice, *draft.notices], route=f"{draft.route}+fallback")
        return fallback

    # ---- verification -----------------------------------------------------------------------
    def _finish(self, turn: TurnState) -> Answer:
        t0 = time.perf_counter()
        draft = turn.draft
        for unit in draft.units:             # units a route chose beyond the retrieved ones
            turn.allowed.setdefault(unit.label, unit)
        checked = verify(draft.text, turn.allowed, draft.derived, self.facts)
        turn.lap("verify", t0)
        turn.timings["total"] = (time.perf_counter() - turn.started) * 1000
        refused = draft.refused or not checked.text.strip()
        text = checked.text if checked.text.strip() else "建议原文未涉及这个问题。"
        notices = list(turn.prepared.notices) + list(draft.notices)
        if turn.query.stripped:
            notices.append(STRIPPED_NOTICE)
        if turn.query.followup in ("rewrite", "more"):
            notices.append(f"已结合上文理解为：{turn.query.text}")
        kept = {normalize_markers(line).strip() for line in checked.text.split("\n")}
        derived = [d for d in draft.derived if any(d.sentence.strip() in k for k in kept)]
        answer = Answer(
            question=turn.question, answer=text, refused=refused, citations=checked.citations,
            retrieved=[h.to_json() for h in turn.retrieval.hits], backend=turn.backend if turn.model_answered
            else "extractive", timings_ms=turn.timings, notices=notices, dropped=checked.dropped,
            derived=derived, fallback=turn.fallback)
        if turn.conversation is not None:
            turn.conversation.add(turn.question, turn.query, answer)
        return answer


def _join(drafts: list[Draft], route: str) -> Draft:
    """Several part answers as one draft (one block per part)."""
    drafts = [d for d in drafts if d is not None and d.text]
    if not drafts:
        return Draft("", [], route=route)
    units = list({id(u): u for d in drafts for u in d.units}.values())
    return Draft("\n".join(d.text for d in drafts), units, refused=all(d.refused for d in drafts), route=route,
                 notices=[n for d in drafts for n in d.notices], derived=[x for d in drafts for x in d.derived])
