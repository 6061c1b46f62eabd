"""One question-answering pipeline for the CLI, the evaluation and the web UI.

    question ─▶ clean ─▶ understand (with dialogue state) ─▶ retrieve (per part)
             ─▶ decide on the evidence ─▶ compose by shape ─▶ verify ─▶ Answer

The steps are LangChain runnables; ``ask`` is the last event of ``stream``. Every backend goes
through the same understanding, retrieval and verification; only open shapes go to a model.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from langchain_core.runnables import RunnableLambda

from chat.answer import Answer
from chat.compose.extractive import Draft, ExtractiveComposer
from chat.compose.figures import FigureAnswerer
from chat.compose.router import ShapeRouter
from chat.compose.shapes import ShapeComposer
from chat.compose.structure import StructureComposer, structure_facts
from chat.compose.completion import complete
from chat.compose.paraphrase import verify_cited
from chat.compose.verify import verify
from chat.inputs import Prepared, QuestionError, prepare_question
from chat.retrieval.evidence import Evidence, EvidenceJudge, TermStats
from chat.retrieval.retrieve import HybridRetriever, Retrieval
from chat.understanding.conversation import Conversation, follow
from chat.understanding.places import PlaceResolver
from chat.understanding.query import Query, Shape
from chat.understanding.understand import Understander
from config import SETTINGS, Settings
from ingest.glossary import build_glossary
from ingest.lexical import read_word_list
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE, normalize_markers
from ingest.units import Unit

LLM_SHAPES = (Shape.GENERAL, Shape.LIST, Shape.LOCATE, Shape.EXPLAIN, Shape.YESNO)
# drafts that already are the whole of what the plan says, which a model could only restate or overstate:
# where a term appears (mentions), an article's text, and a term the plan names without expanding it (a
# model asked what it means writes a definition the plan does not give)
EXACT_ROUTES = ("mentions", "article", "unexpanded")
# drafts looked up by number or name (第八部分讲什么, 最后一条): the units they quote lead the retrieved list
LOOKUP_ROUTES = ("structure", "article")
LLM_FAILED = "{reason}，本回答改为原文摘录。"
LLM_UNVERIFIED = "模型所写的句子都未能在所引原文中核实，本回答改为原文摘录。"
LLM_NOT_FOUND = "模型认为所给原文句子没有回答这个问题，本回答改为原文摘录。"
LLM_DROPPED = "模型所写的{n}句话未能在所引原文中核实，已删除。"
LLM_WAIT = "{name}正在阅读{n}句原文，预计约{first:.0f}秒后开始出字、约{total:.0f}秒写完，写完后逐句核验。"
LLM_WAIT_REMOTE = "{name}正在阅读{n}句原文，写完后逐句核验。"
BACKEND_NAMES = {"local": "本地模型", "openai": "接口模型"}
STRIPPED_NOTICE = "问题中对助手的指令已忽略，只回答关于建议的问题。"


@dataclass(frozen=True)
class StreamEvent:
    """What ``Assistant.stream`` yields: text deltas while composing, then the verified answer."""

    kind: str                       # "status" (a note before a model starts) | "delta" | "answer"
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
    evidence_sentences: list = field(default_factory=list)  # [cited.Evidence] the model is given
    allowed: dict = field(default_factory=dict)        # label -> unit the answer may cite
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @property
    def question(self) -> str:
        """The question as the user wrote it (cleaned)."""
        return self.prepared.original

    def lap(self, name: str, since: float) -> float:
        """Record the milliseconds since ``since`` (a perf_counter value) under ``name``; returns now."""
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
        self.composer = ExtractiveComposer(self.index, analyzer, settings.answer, settings.retrieval)
        stats = TermStats(self.index, settings.evidence.unknown_word_factor)
        self.figures = FigureAnswerer(self.index, self.composer, settings.figures, retriever.embedder, stats)
        self.glossary = build_glossary(self.index.units)   # the plan's 提法: explain answers and the 提法 tab
        self.shapes = ShapeComposer(self.index, self.composer, self.figures, settings.answer, self.glossary)
        self.structure = StructureComposer(self.index)
        self.facts = structure_facts(self.index)
        self.judge = EvidenceJudge(stats, analyzer, settings.evidence)
        self.router = ShapeRouter(self.index, retriever, settings, self.composer, self.figures, self.shapes,
                                  self.structure, self.judge)
        absent_path = settings.paths.lexicon_dir / "absent_topics.txt"
        kb_text = "\n".join(u.text for u in self.index.units)
        self.understander = Understander(analyzer, kb_text, read_word_list(absent_path) if absent_path.exists() else [],
                                         PlaceResolver(kb_text, settings.paths.lexicon_dir / "regions.tsv"),
                                         {t.indicator for t in self.index.targets},
                                         settings.question.narrowing_min_sentences)
        self.chain = (RunnableLambda(self._understand) | RunnableLambda(self._retrieve)
                      | RunnableLambda(self._compose) | RunnableLambda(self._finish))
        self._backends: dict[str, object] = {}
        self._backends_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings = SETTINGS) -> "Assistant":
        """An Assistant over the index and embedder those settings name (the index is built if stale)."""
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
        prepared = prepare_question(question, self.settings.question.max_chars)
        turn = self._retrieve(self._understand(TurnState(prepared, backend, doc_id, conversation)))
        for kind, text in self._compose_deltas(turn):
            yield StreamEvent(kind, text)
        answer = self._finish(turn)
        yield StreamEvent("answer", answer.answer, answer)

    def understand(self, question: str, conversation: Conversation | None = None,
                   doc_id: str | None = None) -> Query:
        """The Query of a question in its conversation (for tests and tools)."""
        return self._understand(TurnState(prepare_question(question, self.settings.question.max_chars),
                                          doc_id=doc_id, conversation=conversation)).query

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
        last = turn.conversation.last if turn.conversation else None
        context = f"{last.query.text}{turn.question}" if last is not None and query.followup == "rewrite" else None
        previous = self._previous_unit(query, last)
        turn.retrieval = self.retriever.search(query.text, k, turn.doc_id,
                                               include_header=query.shape is Shape.METADATA, context=context,
                                               previous=previous)
        turn.part_retrievals = []
        for part in query.parts:
            own_topic = any(len(w) >= 2 for w in part.topic)     # "城市人口2030年比2025年…": 2025年 has none
            part = part.with_(periods=part.periods or query.periods, topic=part.topic if own_topic else query.topic)
            text = part.text if own_topic else "".join(query.topic) + part.text
            turn.part_retrievals.append((part, self.retriever.search(text, k, turn.doc_id)))
        turn.allowed = {h.unit.label: h.unit for h in turn.retrieval.hits}
        for _, retrieval in turn.part_retrievals:
            turn.allowed.update({h.unit.label: h.unit for h in retrieval.hits})
        turn.evidence = self.judge.measure(query, turn.retrieval)
        turn.lap("retrieve", t0)
        return turn

    def _previous_unit(self, query: Query, last) -> Unit | None:
        """The unit the last answer cited first, when it names one of the words asked now: it then wins a near
        tie in the ranking (那个行动叫啥名字 after 上市: 第31条's “千里马”行动). Not for 那养老咋样 after a
        population figure from 第7条, which says nothing of 养老."""
        if last is None or not last.answer.citations or query.followup not in ("new", "rewrite"):
            return None
        first = last.answer.citations[0]
        unit = self.index.unit(first.ref, first.doc_id or None)
        text = normalize(unit.text) if unit is not None else ""
        return unit if any(len(w) >= 2 and normalize(w) in text for w in query.topic) else None

    def _compose(self, turn: TurnState) -> TurnState:
        for _ in self._compose_deltas(turn):
            pass
        return turn

    def _compose_deltas(self, turn: TurnState) -> Iterator[tuple[str, str]]:
        """Sets ``turn.draft``, yielding ("status", note) before a model starts and ("delta", text) as the
        text is produced (a model's raw words, provisional until verified)."""
        t0 = time.perf_counter()
        extractive = self.router.draft(turn)
        if extractive.route in LOOKUP_ROUTES and extractive.units:     # what the answer was looked up from
            turn.retrieval = turn.retrieval.led_by(extractive.units, self.index)
        elif extractive.route == "figure" and len(extractive.units) == 1:   # one unit states the figure asked
            turn.retrieval = turn.retrieval.led_by(extractive.units, self.index)
        if self._uses_llm(turn, extractive):
            parts: list[str] = []
            try:
                for kind, text in self._llm_events(turn):
                    if kind == "delta":
                        parts.append(text)
                    yield kind, text
                turn.draft = self._llm_result(turn, "".join(parts), extractive)
            except Exception as exc:          # LLMError or a broken backend: the extractive answer
                from chat.models.llm import user_notice

                turn.draft = self._fallback(extractive, LLM_FAILED.format(reason=user_notice(exc)))
                turn.fallback = getattr(exc, "code", "error")
        else:
            turn.draft = extractive
            for line in turn.draft.text.splitlines(keepends=True):
                yield "delta", line
        turn.lap("compose", t0)

    # ---- LLM backends -------------------------------------------------------------------------
    def _uses_llm(self, turn: TurnState, extractive: Draft) -> bool:
        """Only open shapes the evidence answers go to a model; lookups, figures, refusals and the
        :data:`EXACT_ROUTES` stay exact."""
        if turn.backend == "extractive":
            return False
        if turn.backend not in ("local", "openai"):
            raise QuestionError(f"未知的回答方式：{turn.backend}")
        return (turn.query.shape in LLM_SHAPES and turn.query.followup in ("new", "rewrite")
                and not extractive.refused and extractive.route not in EXACT_ROUTES)

    def backend(self, name: str):
        """The LLM backend of that name ("local" or "openai"), created once and shared between threads;
        raises LLMError or ValueError as ``get_backend`` does."""
        from chat.models.llm import get_backend

        with self._backends_lock:
            if name not in self._backends:
                self._backends[name] = get_backend(replace(self.settings.llm, backend=name),
                                                   self.settings.paths.cache_root)
            return self._backends[name]

    def _llm_events(self, turn: TurnState) -> Iterator[tuple[str, str]]:
        """The model's words for the turn's numbered evidence (chat/models/cited.py): first ("status", the
        expected wait), then ("delta", text). Times the first words (model_first) and the whole (model_total)."""
        from chat.models.cited import cited_messages, select_evidence

        llm = self.settings.llm
        turn.evidence_sentences = select_evidence(self.composer, turn.retrieval, turn.query.text, llm,
                                                  self.settings.answer, self.settings.chunk.tiktoken_encoding)
        name, n = BACKEND_NAMES[turn.backend], len(turn.evidence_sentences)
        yield "status", (LLM_WAIT.format(name=name, n=n, first=llm.expected_first_s, total=llm.expected_total_s)
                         if turn.backend == "local" else LLM_WAIT_REMOTE.format(name=name, n=n))
        messages = cited_messages(turn.query.text, turn.evidence_sentences)
        t0 = time.perf_counter()
        for delta in self.backend(turn.backend).stream(messages):
            if "model_first" not in turn.timings and delta.strip():
                turn.timings["model_first"] = (time.perf_counter() - t0) * 1000
            yield "delta", delta
        turn.timings["model_total"] = (time.perf_counter() - t0) * 1000

    def _llm_result(self, turn: TurnState, text: str, extractive: Draft) -> Draft:
        """The model's verified sentences, when any survive; else the extractive answer with a notice.

        Whether the plan answers was decided on the evidence before the model was asked; a model that
        says "未涉及" here declines. Each sentence is checked against the evidence sentences it cites
        (verify_cited, the same for every backend); only a failing sentence is dropped, and the drop is noted.
        The extractive answer's lines the model left out follow its text verbatim (chat/compose/completion.py)."""
        llm = self.settings.llm
        if "未涉及" in text and len(text) < llm.declined_max_chars:
            turn.fallback = "declined"
            return self._fallback(extractive, LLM_NOT_FOUND)
        checked = verify_cited(text, turn.evidence_sentences, self.settings.verify,
                               question=f"{turn.question}\n{turn.query.text}")
        kept = len(MARKER_RE.sub("", checked.text).strip())
        if not checked.citations or kept < llm.min_kept_chars:
            turn.fallback = "unverified"
            return self._fallback(extractive, LLM_UNVERIFIED)
        turn.model_answered = True
        failed = sum(1 for d in checked.dropped if d.reason != "cited number not among the evidence")
        notices = [LLM_DROPPED.format(n=failed)] if failed else []
        allowed = turn.allowed | {u.label: u for u in extractive.units}
        checked = complete(checked, extractive.text, allowed, llm, self.settings.verify)
        units = list({id(u): u for u in [e.unit for e in turn.evidence_sentences] + extractive.units}.values())
        return Draft(checked.text, units, route=turn.query.shape.value, notices=notices, verified=checked)

    @staticmethod
    def _fallback(draft: Draft, notice: str) -> Draft:
        """The extractive draft, led by a notice saying why the model's text was not used."""
        return replace(draft, notices=[notice, *draft.notices], route=f"{draft.route}+fallback")

    # ---- verification -----------------------------------------------------------------------
    def _finish(self, turn: TurnState) -> Answer:
        t0 = time.perf_counter()
        draft = turn.draft
        for unit in draft.units:             # units a route chose beyond the retrieved ones
            turn.allowed.setdefault(unit.label, unit)
        checked = draft.verified if draft.verified is not None else verify(
            draft.text, turn.allowed, draft.derived, self.facts, self.settings.verify)
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
        if not refused and not checked.citations and not derived:    # framing alone ("原文：") answers nothing
            refused, text = True, "建议原文未涉及这个问题。"
        answer = Answer(
            question=turn.question, answer=text, refused=refused, citations=checked.citations,
            retrieved=[h.to_json() for h in turn.retrieval.hits], backend=turn.backend if turn.model_answered
            else "extractive", timings_ms=turn.timings, notices=notices, dropped=checked.dropped,
            derived=derived, fallback=turn.fallback)
        if turn.conversation is not None:
            turn.conversation.add(turn.question, turn.query, answer, self.settings.question.max_turns)
        return answer
