"""Scale benchmark: N synthetic plan-sized documents generated from the real one.

Document i is the proposal reworded (the district renamed, everyday words swapped in for
some plan terms, figures shifted) so its text, tokens and BM25 statistics are its own.
Parsing, targets, BM25 and FAISS run on every document. Embedding a thousand documents
(518 passages each) would take hours on two cores, so the first ``real_docs`` documents
are embedded by the real model and the passages of the others reuse the vector of the
same passage of a real document plus Gaussian noise calibrated so a copy is as
close to its source as a really reworded and re-embedded document is (re-normalised): the FAISS
index holds N × 518 distinct vectors with the real model's geometry. That shortcut is
printed with the figures.

Above ``exact_index_max`` passages the store is IVF-Flat (ingest/vector_store.py); its recall@10
against exact search (same vectors, dev-set questions) is measured on every size.
"""
from __future__ import annotations

import dataclasses
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from ingest.bm25 import BM25
from ingest.chunk import dense_text, passages_of
from ingest.index import KnowledgeIndex
from ingest.lexical import LexicalAnalyzer, quoted_terms, read_expansions
from ingest.layouts.proposal import parse as parse_units
from ingest.targets import extract_targets
from ingest.units import DocumentMeta
from ingest.vector_store import VectorStore

NOISE_SIGMA = 0.017     # calibrated: a synthetic copy then has the cosine to its source (≈0.947) that a
                        # really reworded and re-embedded document has to the original
NUMBER_RE = re.compile(r"(?<![\d.])(\d{2,4})(?=[万亿%个家天])")


def reword(source: str, i: int, swaps: list[tuple[str, str]]) -> str:
    """Document i: renamed district, some plan terms replaced by everyday words, shifted figures."""
    rng = random.Random(i)
    text = source.replace("黔江", f"样本{i}区")
    for plan_term, everyday in rng.sample(swaps, k=min(40, len(swaps))):
        text = text.replace(plan_term, everyday)
    return NUMBER_RE.sub(lambda m: str(int(m.group(1)) + i % 7), text)


def synthetic_corpus(n: int, source: str, title: str, lexicon_dir: Path):
    """(documents, units) of ``n`` synthetic documents: document 0 is ``source`` itself (primary),
    the others ``reword``ed copies labelled 《样本i》."""
    table = read_expansions(lexicon_dir / "colloquial.tsv")
    swaps = sorted({(terms[0], word) for word, terms in table.items() if len(terms[0]) >= 3 and terms[0] in source})
    docs, units = [], []
    for i in range(n):
        text = source if i == 0 else reword(source, i, swaps)
        doc_id = f"doc{i:04d}"
        units.extend(dataclasses.replace(u, doc_label="" if i == 0 else f"《样本{i}》")
                     for u in parse_units(text, doc_id, title))
        docs.append(DocumentMeta(doc_id, title, f"样本{i}", "", "", f"{doc_id}.txt", "", i == 0))
    return docs, units


def synthetic_vectors(passages, units, is_real, real_vecs, real: int, seed: int) -> np.ndarray:
    """Real vectors where embedded; elsewhere the vector of the same passage (unit ref, position
    in the unit) of a real document, plus N(0, NOISE_SIGMA) noise, re-normalised."""
    rng = np.random.default_rng(seed)
    position: dict[tuple[str, str, int], int] = {}
    ordinal: list[int] = []
    seen: dict[int, int] = {}
    for p in passages:
        ordinal.append(seen.get(p.unit, 0))
        seen[p.unit] = ordinal[-1] + 1
    real_iter = iter(range(len(real_vecs)))
    for p, k, r in zip(passages, ordinal, is_real):
        if r:
            position[(units[p.unit].doc_id, units[p.unit].ref, k)] = next(real_iter)
    vectors = np.empty((len(passages), real_vecs.shape[1]), dtype=np.float32)
    real_iter = iter(range(len(real_vecs)))
    for i, (p, k, r) in enumerate(zip(passages, ordinal, is_real)):
        if r:
            vectors[i] = real_vecs[next(real_iter)]
            continue
        source_doc = f"doc{int(units[p.unit].doc_id[3:]) % real:04d}"
        j = position.get((source_doc, units[p.unit].ref, k), position.get((source_doc, units[p.unit].ref, 0)))
        base = real_vecs[j if j is not None else rng.integers(len(real_vecs))]
        noisy = base + rng.normal(0, NOISE_SIGMA, base.shape).astype(np.float32)
        vectors[i] = noisy / np.linalg.norm(noisy)
    return vectors


def run_scale(n: int, assistant, questions: list[str], real_docs: int = 2, seed: int = 0) -> dict:
    """Build and measure a synthetic knowledge base of ``n`` documents: sizes, build times in s,
    FAISS size in MiB, search latency p50/p95 in ms and recall@10 of the store against exact search."""
    settings = assistant.settings
    source = (settings.paths.kb_dir / assistant.index.documents[0].source_file).read_text(encoding="utf-8")
    t0 = time.perf_counter()
    docs, units = synthetic_corpus(n, source, assistant.index.documents[0].title, settings.paths.lexicon_dir)
    passages = [p for i, u in enumerate(units) for p in passages_of(u, i, settings.chunk.max_passage_chars)]
    targets = extract_targets(units)
    analyzer = LexicalAnalyzer(settings.paths.lexicon_dir, set(quoted_terms(source)))
    bm25 = BM25.fit([analyzer.doc_tokens(u.text) for u in units], settings.retrieval.bm25_k1, settings.retrieval.bm25_b)
    t_text = time.perf_counter() - t0

    real = min(real_docs, n)
    real_ids = {f"doc{i:04d}" for i in range(real)}
    is_real = [units[p.unit].doc_id in real_ids for p in passages]
    t1 = time.perf_counter()
    real_vecs = assistant.retriever.embedder.encode_passages(
        [dense_text(units[p.unit], p) for p, r in zip(passages, is_real) if r])
    t_embed = time.perf_counter() - t1
    vectors = synthetic_vectors(passages, units, is_real, real_vecs, real, seed)

    t2 = time.perf_counter()
    store = VectorStore.build(vectors, settings.retrieval.exact_index_max, settings.retrieval.ivf_probes)
    t_faiss = time.perf_counter() - t2
    exact = VectorStore.build(vectors, len(vectors), settings.retrieval.ivf_probes) if store.kind != "exact" else store

    with tempfile.TemporaryDirectory() as tmp:
        store.save(Path(tmp) / "vectors.faiss")
        size_mb = (Path(tmp) / "vectors.faiss").stat().st_size / 2**20

    index = KnowledgeIndex({}, docs, units, passages, sorted(quoted_terms(source)), targets, bm25, store, Path("."))
    from chat.retrieval.retrieve import HybridRetriever

    retriever = HybridRetriever(index, assistant.retriever.embedder, settings)
    latencies, recalls = [], []
    for q in questions[:3]:
        retriever.search(q)                               # warm-up
    for q in questions:
        qv = assistant.retriever.embedder.encode_query(q)
        t = time.perf_counter()
        retriever.search(q)
        latencies.append((time.perf_counter() - t) * 1000)
        _, got = store.search(qv, 10)
        _, want = exact.search(qv, 10)
        recalls.append(len(set(got) & set(want)) / 10)
    return {
        "docs": n, "units": len(units), "passages": len(passages), "faiss": store.kind,
        "text_s": t_text, "embed_s_real": t_embed, "real_docs": real, "faiss_build_s": t_faiss,
        "docs_per_s_text": n / t_text, "faiss_mb": size_mb,
        "p50_ms": statistics.median(latencies), "p95_ms": sorted(latencies)[int(0.95 * (len(latencies) - 1))],
        "recall@10_vs_exact": sum(recalls) / len(recalls),
    }
