"""One question-answering pipeline for the CLI, the evaluation and the web UI."""
from __future__ import annotations

import time

from config import SETTINGS, Settings

from .answer import Answer, Citation
from .retrieve import HybridRetriever


class Assistant:
    """Loads the index and models once; answers questions with cited evidence."""

    def __init__(self, retriever: HybridRetriever, settings: Settings = SETTINGS):
        self.retriever = retriever
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Settings = SETTINGS) -> "Assistant":
        return cls(HybridRetriever.from_settings(settings), settings)

    def ask(self, question: str, k: int | None = None) -> Answer:
        started = time.perf_counter()
        hits = self.retriever.retrieve(question, k or self.settings.retrieval.default_k)
        retrieved_ms = (time.perf_counter() - started) * 1000
        passages = self.retriever.index.passages
        citations, lines = [], []
        for hit in hits[:3]:
            if not hit.passages:
                continue
            quote = passages[hit.passages[0]].text
            citations.append(Citation(hit.ref, quote, hit.unit.doc_id))
            lines.append(f"{quote}〔{hit.label}〕")
        total_ms = (time.perf_counter() - started) * 1000
        return Answer(
            question=question, answer="\n".join(lines), refused=False, citations=citations,
            retrieved=[h.to_json() for h in hits], backend="evidence",
            timings_ms={"retrieve": retrieved_ms, "total": total_ms},
        )
