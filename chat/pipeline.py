"""One question-answering pipeline for the CLI, the evaluation and the web UI.

    question ─▶ clean ─▶ follow-up rewrite ─▶ route + retrieve ─▶ compose ─▶ verify ─▶ Answer

The steps are LangChain runnables; every backend goes through the same route, retrieval
and verification. The extractive composer is the default and the fallback of the LLM backends.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from langchain_core.runnables import RunnableLambda

from config import SETTINGS, Settings
from ingest.units import ref_label

from .answer import Answer
from .conversation import Conversation, Resolved, resolve
from .extractive import Draft, ExtractiveComposer
from .figures import FigureAnswerer
from .inputs import Prepared, QuestionError, prepare_question
from .intents import Intent, detect
from .mentions import find_mentions, source_of
from .refusal import META_REQUEST, RefusalPolicy
from .retrieve import HybridRetriever, Retrieval
from .verify import CANONICAL_RE, normalize_markers, verify


LLM_ROUTES = ("general", "list", "locate")
LLM_FAILED = "模型服务未能作答（{reason}），以下为原文摘录回答。"
LLM_UNVERIFIED = "模型的回答未能通过引文核验，以下为原文摘录回答。"
LLM_NOT_FOUND = "模型未能从所给条文中作答，以下为原文摘录回答。"
LLM_MIN_KEPT_CHARS = 20          # verified model text shorter than this is no answer (e.g. an echoed heading)
LLM_MIN_KEPT_SHARE = 0.5         # … and so is one that lost more than half of what it wrote


@dataclass(frozen=True)
class StreamEvent:
    """What ``Assistant.stream`` yields: text deltas while composing, then the verified answer."""

    kind: str                       # "delta" | "answer"
    text: str = ""
    answer: Answer | None = None


@dataclass
class Turn:
    """State flowing through the pipeline for one question."""

    prepared: Prepared
    backend: str = "extractive"
    doc_id: str | None = None
    conversation: Conversation | None = None
    resolved: Resolved | None = None
    intent: Intent | None = None
    retrieval: Retrieval | None = None
    draft: Draft | None = None
    model_answered: bool = False                      # the draft is the model's verified text
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
        self.composer = ExtractiveComposer(self.index, retriever.analyzer, settings.answer)
        self.figures = FigureAnswerer(self.index, retriever.analyzer, self.composer)
        self.refusal = RefusalPolicy(self.index, retriever.analyzer, settings.paths.lexicon_dir)
        self.chain = (RunnableLambda(self._resolve) | RunnableLambda(self._route)
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
        return self.chain.invoke(Turn(prepare_question(question), backend, doc_id, conversation))

    def stream(self, question: str, conversation: Conversation | None = None,
               backend: str = "extractive", doc_id: str | None = None) -> Iterator[StreamEvent]:
        """Like ``ask`` but yields text as it is produced, then the verified Answer (last event).
        The streamed text of an LLM is provisional: the final answer is what survived verification."""
        turn = self._route(self._resolve(Turn(prepare_question(question), backend, doc_id, conversation)))
        for delta in self._compose_deltas(turn):
            yield StreamEvent("delta", delta)
        answer = self._finish(turn)
        yield StreamEvent("answer", answer.answer, answer)

    # ---- steps ------------------------------------------------------------------------------
    def _resolve(self, turn: Turn) -> Turn:
        turn.resolved = resolve(turn.prepared.text, turn.conversation, self.retriever.analyzer.content_words)
        return turn

    def _scope(self, turn: Turn) -> None:
        """A known doc_id, or the secondary document the question names by its 《简称》."""
        known = {d.doc_id for d in self.index.documents}
        if turn.doc_id is not None and turn.doc_id not in known:
            raise QuestionError(f"没有这个文档：{turn.doc_id[:40]}（可选：{'、'.join(sorted(known))}）")
        if turn.doc_id is None:
            for doc in self.index.documents:
                if not doc.primary and (f"《{doc.short_title}》" in turn.prepared.text
                                        or f"《{doc.title}》" in turn.prepared.text):
                    turn.doc_id = doc.doc_id

    def _route(self, turn: Turn) -> Turn:
        t0 = time.perf_counter()
        self._scope(turn)
        query = turn.resolved.text
        turn.intent = detect(query)
        k = self.settings.retrieval.default_k
        if turn.resolved.mode == "more":
            k *= 2
        turn.retrieval = self.retriever.search(query, k, turn.doc_id)
        turn.allowed = {h.unit.label: h.unit for h in turn.retrieval.hits}
        turn.lap("retrieve", t0)
        return turn

    def _compose(self, turn: Turn) -> Turn:
        for _ in self._compose_deltas(turn):
            pass
        return turn

    def _compose_deltas(self, turn: Turn) -> Iterator[str]:
        """Sets ``turn.draft``, yielding the text as it is produced (a model's raw deltas)."""
        t0 = time.perf_counter()
        if self._uses_llm(turn):
            parts: list[str] = []
            try:
                for delta in self._llm_deltas(turn):
                    parts.append(delta)
                    yield delta
                turn.draft = self._llm_result(turn, "".join(parts))
                turn.model_answered = not turn.draft.route.endswith("fallback")
            except Exception as exc:          # LLMError or a broken backend: the extractive answer
                turn.draft = self._fallback(turn, exc)
        else:
            turn.draft = self._extractive_draft(turn)
            yield from turn.draft.text.splitlines(keepends=True)
        turn.lap("compose", t0)

    # ---- LLM backends -------------------------------------------------------------------------
    def _uses_llm(self, turn: Turn) -> bool:
        """Only open questions go to a model; lookups, mentions, figures and refusals stay exact."""
        if turn.backend == "extractive":
            return False
        if turn.backend not in ("local", "openai"):
            raise QuestionError(f"未知的回答方式：{turn.backend}")
        return (turn.intent.kind in LLM_ROUTES and turn.resolved.mode in ("new", "rewrite")
                and not self.refusal.meta_request(turn.resolved.text)
                and self.refusal.out_of_scope(turn.resolved.text) is None)

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

    def _llm_deltas(self, turn: Turn) -> Iterator[str]:
        from .llm_prompt import build_messages

        llm = self.settings.llm
        hits = turn.retrieval.hits[: llm.context_units]
        history = [(t.resolved, t.answer.answer) for t in turn.conversation.turns] if turn.conversation else []
        messages = build_messages(turn.resolved.text, hits, llm.context_tokens, history,
                                  max_history_turns=llm.history_turns)
        yield from self.backend(turn.backend).stream(messages)

    def _llm_result(self, turn: Turn, text: str) -> Draft:
        """The model's text if enough of it survives verification; else the extractive answer.

        Whether the plan answers at all was decided before the model was asked (refusal policy);
        a model that says "未涉及" here, or whose answer is mostly dropped (uncited, unsupported,
        invented numbers, echoed headings), is replaced by the extractive answer with a notice."""
        if "建议原文未涉及" in text and len(text) < 40:
            return self._fallback(turn, None, LLM_NOT_FOUND)
        checked = verify(text, turn.allowed)
        kept = len(CANONICAL_RE.sub("", checked.text).strip())
        written = len(CANONICAL_RE.sub("", normalize_markers(text)).strip())
        if not checked.citations or kept < LLM_MIN_KEPT_CHARS or kept < LLM_MIN_KEPT_SHARE * written:
            return self._fallback(turn, None)
        return Draft(text, [], route=turn.intent.kind)

    def _fallback(self, turn: Turn, exc: Exception | None, notice: str = LLM_UNVERIFIED) -> Draft:
        draft = self._extractive_draft(turn)
        reason = str(exc).split("\n")[0][:120] if exc else ""
        draft.notices.insert(0, LLM_FAILED.format(reason=reason) if exc else notice)
        draft.route = f"{draft.route}+fallback"
        return draft

    def _extractive_draft(self, turn: Turn) -> Draft:
        intent, retrieval, query = turn.intent, turn.retrieval, turn.resolved.text
        if self.refusal.meta_request(query):
            return self.refusal.refuse("", None, reason=META_REQUEST)
        if turn.resolved.mode == "more":
            shown = {c.ref for c in turn.conversation.last.answer.citations}
            retrieval = replace(retrieval, hits=[h for h in retrieval.hits if h.ref not in shown])
            return self.composer.listing(retrieval)
        if intent.kind == "article":
            unit = self.index.unit(intent.ref, turn.doc_id)
            if unit is None:
                return self.refusal.refuse("这一条", retrieval, reason=f"建议中没有{ref_label(intent.ref)}。")
            draft = self.composer.article(unit)
            if turn.resolved.note:
                draft.notices.append(turn.resolved.note)
            return draft
        pasted = source_of(self.index, query, turn.doc_id) if intent.kind == "general" else None
        if pasted is not None:
            draft = self.composer.article(pasted)
            draft.notices.append(f"所输入的文字出自{pasted.label}。")
            return draft
        topic = self.refusal.out_of_scope(query)
        if topic:
            return self.refusal.refuse(topic, retrieval)
        if intent.kind == "mentions":
            return self._mentions(turn, intent.term)
        if intent.kind == "figure":
            draft = self.figures.answer(retrieval, turn.doc_id)
            if draft is not None:
                return draft
        if intent.kind == "locate":
            return self.composer.locate(retrieval)
        if intent.kind == "list":
            return self.composer.listing(retrieval)
        return self.composer.general(retrieval)

    def _mentions(self, turn: Turn, term: str) -> Draft:
        found = find_mentions(self.index, term, turn.doc_id)
        if not found:
            expansions = self.retriever.analyzer.expansions(term)
            for alt in expansions:
                found = find_mentions(self.index, alt, turn.doc_id)
                if found:
                    term = alt
                    break
        if not found:                       # the term is worded differently in the plan
            return self.composer.listing(turn.retrieval)
        return self.composer.mentions(term, found)

    def _finish(self, turn: Turn) -> Answer:
        t0 = time.perf_counter()
        draft = turn.draft
        for unit in draft.units:             # units a route chose beyond the retrieved ones
            turn.allowed.setdefault(unit.label, unit)
        checked = verify(draft.text, turn.allowed)
        turn.lap("verify", t0)
        turn.timings["total"] = (time.perf_counter() - turn.started) * 1000
        refused = draft.refused or not checked.text.strip()
        text = checked.text if checked.text.strip() else "建议原文未涉及这个问题。"
        notices = list(turn.prepared.notices) + list(draft.notices)
        if turn.resolved.mode in ("rewrite", "more"):
            notices.append(f"已结合上文理解为：{turn.resolved.text}")
        backend = turn.backend if turn.model_answered else "extractive"
        answer = Answer(
            question=turn.question, answer=text, refused=refused, citations=checked.citations,
            retrieved=[h.to_json() for h in turn.retrieval.hits], backend=backend,
            timings_ms=turn.timings, notices=notices, dropped=checked.dropped,
        )
        if turn.conversation is not None:
            turn.conversation.add(turn.question, turn.resolved.text, answer)
        return answer
