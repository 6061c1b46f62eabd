"""Hybrid retrieval: BM25 over units fused with dense scores of their best sentence.

Everyday words in the question (看病, 带娃, 无人机) are expanded with the plan's own terms from
``ingest/lexicon/colloquial.tsv``: the terms add a down-weighted BM25 score and are appended
to the text the embedding model sees.

Each unit gets a BM25 score (jieba words + bigrams, question words removed) and a dense
score (cosine of its best passage with the question). Both are min-max normalised over
the candidate units and mixed linearly; ranks are per unit (article), deduplicated by
construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from config import SETTINGS, Settings
from ingest.index import KnowledgeIndex, load_index

from .signals import SignalMaker, Signals
from ingest.lexical import LexicalAnalyzer
from ingest.text.refs import ref_to_json
from ingest.units import Unit


@dataclass(frozen=True)
class Hit:
    """One retrieved unit with its fused score and the evidence behind it."""

    unit: Unit
    unit_idx: int                                     # position in the index's unit list
    score: float
    bm25: float
    dense: float
    passages: tuple[int, ...] = field(default=())   # best passages of the unit, best first

    @property
    def ref(self) -> str:
        """The unit's ref ("7", "P3")."""
        return self.unit.ref

    @property
    def label(self) -> str:
        """The unit's label (第7条, 《简称》第7条)."""
        return self.unit.label

    def to_json(self) -> dict:
        """JSON form: ref, label, doc_id and the fused, BM25 and dense scores rounded to 4 places."""
        return {"ref": ref_to_json(self.ref), "label": self.label, "doc_id": self.unit.doc_id,
                "score": round(self.score, 4), "bm25": round(self.bm25, 4), "dense": round(self.dense, 4)}


@dataclass(frozen=True)
class Retrieval:
    """Ranked units plus what answer composition needs: every scored passage, the expansions."""

    question: str
    hits: list[Hit]
    passage_scores: dict[int, float]    # passage id -> cosine with the (expanded) question
    expansions: list[str]
    scoped: bool = False                # the hits are the unit(s) the question names (第12条里…): nothing else answers

    def led_by(self, units: list[Unit], index: KnowledgeIndex) -> "Retrieval":
        """This retrieval with ``units`` first, in their order, scored 1.0 (found by their number or name:
        第八部分, 最后一条), then the other hits as ranked; as many hits as before, or more."""
        position = {id(u): i for i, u in enumerate(index.units)}
        first = list({id(u): u for u in units if id(u) in position}.values())
        kept = {id(u) for u in first}
        ranked = {id(h.unit): h for h in self.hits}
        led = [replace(ranked[id(u)], score=1.0) if id(u) in ranked else Hit(u, position[id(u)], 1.0, 0.0, 0.0)
               for u in first]
        rest = [h for h in self.hits if id(h.unit) not in kept]
        return replace(self, hits=(led + rest)[:max(len(self.hits), len(led))])


class HybridRetriever:
    """Ranks units by a min-max fusion of BM25 and dense (e5) scores; weights from
    config.RetrievalSettings (dense_weight 0.5, expansion_weight 0.3)."""

    def __init__(self, index: KnowledgeIndex, embedder, settings: Settings = SETTINGS):
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.analyzer = LexicalAnalyzer(settings.paths.lexicon_dir, set(index.terms))
        self._is_header = np.array([u.kind == "header" for u in index.units], dtype=bool)
        self.maker = SignalMaker(index, self.analyzer, settings.retrieval)

    @classmethod
    def from_settings(cls, settings: Settings = SETTINGS) -> "HybridRetriever":
        """A retriever over the index at ``settings.paths`` with the cached e5 embedder (the index is
        built if stale)."""
        from ingest.domain_tuning import encoder_model
        from ingest.embedder import E5Embeddings

        folder, model_id = encoder_model(settings)   # the base e5, or the fine-tuned one when switched on
        embedder = E5Embeddings(settings.paths.cache_root, settings=settings.encoder, model_folder=folder,
                                model_id=model_id)
        return cls(load_index(settings, embedder), embedder, settings)

    def search(self, question: str, k: int | None = None, doc_id: str | None = None,
               include_header: bool = False, context: str | None = None,
               previous: Unit | None = None) -> "Retrieval":
        """Rank units for a question; optionally only the units of one document. The header unit
        (title and adoption line) takes part only when asked for (document-metadata questions).

        ``context`` (a follow-up's previous question, as understood, and its own words as typed): the ranking of that
        text is mixed in with ``RetrievalSettings.context_weight`` (a weighted mean of the two fused scores), so what the
        conversation is about ranks the units as well as the rewritten question's slots do; passage
        scores (which sentences answer) stay the question's own.

        ``previous`` (in a conversation, the unit the last answer cited first) gets
        ``RetrievalSettings.previous_answer_bonus``: it wins a near tie, not a clear ranking."""
        s = self.settings.retrieval
        k = k or s.default_k
        signals = self.signals(question)
        fused = signals.fuse(s)
        if context and s.context_weight:
            around = self.signals(context)
            fused = (fused + s.context_weight * around.fuse(s)) / (1 + s.context_weight)
            for unit, passages in around.by_unit.items():
                signals.by_unit.setdefault(unit, passages)
        order_by = fused
        if previous is not None and s.previous_answer_bonus:
            order_by = fused + s.previous_answer_bonus * np.array([u is previous for u in self.index.units])
        return self.rank(question, signals, fused, k, doc_id, include_header, order_by)

    def signals(self, question: str, every: bool = False) -> Signals:
        """Every unit's raw signals for a question (chat/retrieval/signals.py); ``every``: also those
        whose weight is zero (for fitting the weights)."""
        expansions = self.analyzer.expansions(question)
        dense_query = f"{question}（{'、'.join(expansions)}）" if expansions else question
        return self.maker.compute(question, self.embedder.encode_query(dense_query), expansions, every)

    def rank(self, question: str, signals: Signals, fused: np.ndarray, k: int, doc_id: str | None = None,
             include_header: bool = False, order_by: np.ndarray | None = None) -> "Retrieval":
        """The top ``k`` units by ``fused`` (scoped to ``doc_id``; header only when included). ``order_by``
        (default ``fused``) ranks them; the hits keep their ``fused`` score, which answers compare units by."""
        units = self.index.units
        order_by = fused if order_by is None else order_by
        if doc_id is not None:
            order_by = np.where([u.doc_id == doc_id for u in units], order_by, -np.inf)
        if not include_header:
            order_by = np.where(self._is_header, -np.inf, order_by)
        order = [int(i) for i in np.argsort(-order_by, kind="stable")[:k] if np.isfinite(order_by[i])]
        lexical, dense = signals.lexical(self.settings.retrieval), signals.arrays["dense"]
        hits = [Hit(units[i], i, float(fused[i]), float(lexical[i]), float(dense[i]),
                    tuple(signals.by_unit.get(i, ())[:3])) for i in order]
        return Retrieval(question, hits, signals.passage_scores, signals.expansions)

    def retrieve(self, question: str, k: int | None = None, doc_id: str | None = None) -> list[Hit]:
        """The top ``k`` hits of ``search`` (default RetrievalSettings.default_k), header excluded."""
        return self.search(question, k, doc_id).hits


class PlanRetriever(BaseRetriever):
    """The hybrid retriever behind LangChain's retriever interface: one Document per unit."""

    hybrid: HybridRetriever
    k: int = 5

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [
            Document(page_content=hit.unit.text,
                     metadata={**hit.to_json(), "title": hit.unit.title,
                               "part_heading": hit.unit.part_heading})
            for hit in self.hybrid.retrieve(query, self.k)
        ]
