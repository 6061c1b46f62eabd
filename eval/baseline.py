"""The naive RAG baseline, run in the same harness for comparison.

LangChain's ``RecursiveCharacterTextSplitter(500, 50)`` over the whole text, the same
e5 embeddings, LangChain's FAISS store; each chunk is mapped to the unit it overlaps most.
"""
from __future__ import annotations

import time

from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.index import KnowledgeIndex
from ingest.text.refs import ref_to_json


def _overlap_ref(index: KnowledgeIndex, doc_id: str, start: int, end: int) -> str | None:
    best, best_len = None, 0
    for u in index.units:
        if u.doc_id != doc_id:
            continue
        overlap = min(end, u.end) - max(start, u.start)
        if overlap > best_len:
            best, best_len = u.ref, overlap
    return best


class NaiveBaseline:
    """The naive RAG baseline over the raw source texts (``sources``: doc_id -> text): 500-character
    chunks with 50 overlapping, in a LangChain FAISS store built with ``embeddings``."""

    backend = "naive-baseline"

    def __init__(self, index: KnowledgeIndex, embeddings, sources: dict[str, str]):
        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
        docs = []
        for doc_id, text in sources.items():
            for chunk in splitter.create_documents([text], metadatas=[{"doc_id": doc_id}]):
                start = chunk.metadata["start_index"]
                ref = _overlap_ref(index, doc_id, start, start + len(chunk.page_content))
                if ref is not None:
                    chunk.metadata["ref"] = ref
                    docs.append(chunk)
        self.store = FAISS.from_documents(docs, embeddings,
                                          distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT)

    def ask(self, question: str, k: int = 10) -> dict:
        """Prediction JSON in the eval format: the top 3 distinct units' chunks as the answer and
        citations, the top ``k`` units as retrieved, never refused; ``timings_ms.total`` in ms."""
        started = time.perf_counter()
        found = self.store.similarity_search_with_score(question, k=k * 3)
        ranked, seen = [], set()
        for doc, score in found:
            ref = doc.metadata["ref"]
            if ref not in seen:
                seen.add(ref)
                ranked.append((ref, float(score), doc.page_content))
        top = ranked[:3]
        return {
            "question": question,
            "answer": "\n".join(f"{text}〔{ref}〕" for ref, _, text in top),
            "refused": False,
            "citations": [{"ref": ref_to_json(ref), "quote": text} for ref, _, text in top],
            "retrieved": [{"ref": ref_to_json(ref), "score": round(s, 4)} for ref, s, _ in ranked[:k]],
            "backend": self.backend,
            "timings_ms": {"total": round((time.perf_counter() - started) * 1000, 1)},
        }
