"""Build, persist and load the knowledge index (units, passages, BM25, FAISS) with a manifest.

Layout under ``index_root``::

    current -> build-<stamp>/      a symlink, swapped atomically when a build completes
    build-<stamp>/manifest.json    source sha256s, model id, query encoder, chunker version, lexicon fingerprint
                  documents.json units.json passages.json terms.json targets.json
                  bm25.json vectors.faiss

A build writes a fresh folder and only then repoints ``current``; a crash at any moment
leaves the previous index usable. A missing, stale or unreadable index rebuilds itself.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from config import SETTINGS, Settings

from .bm25 import BM25
from .chunk import dense_text, passages_of, with_token_counts
from .domain_tuning import encoder_model, planned_model_id
from .embedding_cache import EmbeddingCache
from .embedding_model import MODEL_ID
from .lexical import LexicalAnalyzer, quoted_terms
from .parse import kb_files, load_documents, meta_path
from .targets import Target, extract_targets
from .units import DocumentMeta, Passage, Unit
from .vector_store import VectorStore

INDEX_FORMAT = 2                        # 2: BM25 postings as arrays
FILES = ("manifest.json", "documents.json", "units.json", "passages.json", "terms.json",
         "targets.json", "bm25.json", "vectors.faiss")


class IndexBuildError(RuntimeError):
    """The index could not be built (e.g. an empty or malformed knowledge base)."""


@dataclass
class KnowledgeIndex:
    """A loaded index build: the manifest, the documents (primary first), units, passages, quoted
    plan terms, targets table, BM25 and FAISS store, and ``path``, the build-<stamp> folder read."""

    manifest: dict
    documents: list[DocumentMeta]
    units: list[Unit]
    passages: list[Passage]
    terms: list[str]
    targets: list[Target]
    bm25: BM25
    store: VectorStore
    path: Path

    def unit(self, ref: str, doc_id: str | None = None) -> Unit | None:
        """The unit with this ref in ``doc_id`` (default: the primary document, which comes first)."""
        for u in self.units:
            if u.ref == ref and (doc_id is None or u.doc_id == doc_id):
                return u
        return None


def _log_line(message: str) -> None:
    print(f"[ingest] {message}", file=sys.stderr, flush=True)


def expected_manifest(settings: Settings = SETTINGS) -> dict:
    """What a fresh index for the current knowledge base and code must record."""
    paths = settings.paths
    sources = [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                "meta_sha256": hashlib.sha256(meta_path(p).read_bytes()).hexdigest() if meta_path(p).exists() else ""}
               for p in kb_files(paths.kb_dir)]
    lexicon = hashlib.sha256(b"".join(
        (paths.lexicon_dir / f).read_bytes() for f in ("userdict.txt", "query_stopwords.txt")
    )).hexdigest()[:16]
    return {"format": INDEX_FORMAT, "sources": sources, "model_id": planned_model_id(settings),
            "chunker": settings.chunk.version, "lexicon": lexicon,
            "bm25": [settings.retrieval.bm25_k1, settings.retrieval.bm25_b]}


def _matches(manifest: dict, expected: dict) -> bool:
    return all(manifest.get(k) == v for k, v in expected.items())


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())


@contextmanager
def _build_lock(index_root: Path):
    index_root.mkdir(parents=True, exist_ok=True)
    with open(index_root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def build_index(settings: Settings = SETTINGS, embedder=None,
                progress: Callable[[str], None] | None = None) -> Path:
    """Read every file of the knowledge base on its own (a bad one is skipped and named in the manifest's
    ``skipped``), embed the passages and publish a new index. Raises IndexBuildError when no file can be
    indexed. ``progress`` is told each step as it starts (one line, English, as the log)."""
    def _log(message: str) -> None:
        _log_line(message)
        if progress is not None:
            progress(message)

    paths, started = settings.paths, time.perf_counter()
    if not paths.kb_dir.is_dir():
        raise IndexBuildError(f"knowledge-base folder not found: {paths.kb_dir}")
    snapshot = expected_manifest(settings)   # the files as they are now: a change during the build makes it stale
    loaded, skipped = load_documents(paths.kb_dir, settings)
    for skip in skipped:
        _log(f"skipped {skip.reason}")
    if not loaded:
        raise IndexBuildError(f"no plan document could be indexed in {paths.kb_dir}"
                              + "".join(f"\n  {s.reason}" for s in skipped))
    primaries = [i for i, d in enumerate(loaded) if d.meta.primary][:1] or [0]
    loaded = [d._replace(meta=replace(d.meta, primary=i in primaries)) for i, d in enumerate(loaded)]
    loaded.sort(key=lambda item: not item.meta.primary)   # primary first: bare refs resolve to it
    documents, units, sources = [], [], []
    for doc, doc_units, source in loaded:
        documents.append(doc)
        units.extend(replace(u, doc_label=doc.citation_prefix) for u in doc_units)
        sources.append(source)
        _log(f"parsed {doc.source_file} ({doc.layout}): {len(doc_units)} units")
    units = with_token_counts(units, settings.chunk.tiktoken_encoding)
    passages = [p for i, u in enumerate(units) for p in passages_of(u, i, settings.chunk.max_passage_chars)]
    terms = sorted(set().union(*(quoted_terms(s) for s in sources)))
    analyzer = LexicalAnalyzer(paths.lexicon_dir, set(terms))
    bm25 = BM25.fit([analyzer.doc_tokens(u.search_text) for u in units],
                    settings.retrieval.bm25_k1, settings.retrieval.bm25_b)
    model_folder, model_id = ((None, getattr(embedder, "model_id", MODEL_ID)) if embedder is not None
                              else encoder_model(settings))
    cache = EmbeddingCache(paths.cache_root, model_id)   # base and tuned vectors never mix
    texts = [dense_text(units[p.unit], p) for p in passages]
    _log(f"embedding {len(passages)} passages of {len(units)} units "
         f"({sum(1 for t in set(texts) if not cache.has(t))} not cached) …")

    made: list = []                     # the embedder, made only when one is needed (and then once)

    def the_embedder():
        from .embedder import E5Embeddings

        if embedder is not None:
            return embedder
        if not made:
            made.append(E5Embeddings(paths.cache_root, settings=settings.encoder, model_folder=model_folder,
                                     model_id=model_id))
        return made[0]

    vectors = cache.encode(texts, lambda batch: the_embedder().encode_passages(batch, progress=True))
    query_encoder = the_embedder().query_encoder   # recorded: the vectors of queries must match these
    store = VectorStore.build(vectors, settings.retrieval.exact_index_max, settings.retrieval.ivf_probes)

    with _build_lock(paths.index_root):
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"   # unique: two builds a second
        tmp = paths.index_root / f".tmp-{stamp}"
        tmp.mkdir(parents=True)
        _write_json(tmp / "documents.json", [asdict(d) for d in documents])
        _write_json(tmp / "units.json", [u.to_dict() for u in units])
        _write_json(tmp / "passages.json", [p.to_dict() for p in passages])
        _write_json(tmp / "terms.json", terms)
        _write_json(tmp / "targets.json", [asdict(t) for t in extract_targets(units)])
        _write_json(tmp / "bm25.json", bm25.to_dict())
        store.save(tmp / "vectors.faiss")
        manifest = snapshot | {
            "model_id": model_id, "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "units": len(units),
            "passages": len(passages), "faiss": store.kind, "dim": int(vectors.shape[1]),
            "query_encoder": query_encoder,
            "skipped": [asdict(s) for s in skipped],
            "build_seconds": round(time.perf_counter() - started, 1)}
        _write_json(tmp / "manifest.json", manifest)   # written last: its presence marks a complete build
        final = paths.index_root / f"build-{stamp}"
        tmp.rename(final)
        link_tmp = paths.index_root / f".current-{stamp}"
        link_tmp.symlink_to(final.name)
        os.replace(link_tmp, paths.index_root / "current")
        _remove_stale(paths.index_root, keep=final.name)
    _log(f"built {final} in {manifest['build_seconds']} s "
         f"({len(units)} units, {len(passages)} passages, faiss {store.kind})")
    return final


def _remove_stale(index_root: Path, keep: str) -> None:
    for entry in index_root.iterdir():
        if entry.name in (keep, "current", ".lock"):
            continue
        if entry.name.startswith((".tmp-", "build-", ".current-")):
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)


def read_index(path: Path, settings: Settings = SETTINGS) -> KnowledgeIndex:
    """Load a published index folder; raises on anything missing or unreadable."""
    for name in FILES:
        if not (path / name).is_file():
            raise FileNotFoundError(f"index file missing: {path / name}")
    load = lambda name: json.loads((path / name).read_text(encoding="utf-8"))  # noqa: E731
    return KnowledgeIndex(
        manifest=load("manifest.json"),
        documents=[DocumentMeta(**(d | {"warnings": tuple(d.get("warnings", ()))})) for d in load("documents.json")],
        units=[Unit(**u) for u in load("units.json")],
        passages=[Passage(**p) for p in load("passages.json")],
        terms=load("terms.json"),
        targets=[Target(**t) for t in load("targets.json")],
        bm25=BM25.from_dict(load("bm25.json")),
        store=VectorStore.load(path / "vectors.faiss", settings.retrieval.ivf_probes),
        path=path.resolve(),
    )


def load_index(settings: Settings = SETTINGS, embedder=None, rebuild: bool = True,
               progress: Callable[[str], None] | None = None) -> KnowledgeIndex:
    """The current index; rebuilt (with a message, also to ``progress``) when missing, stale or unreadable."""
    current = settings.paths.index_root / "current"
    try:
        expected = expected_manifest(settings)
    except OSError as exc:
        raise IndexBuildError(f"cannot read the knowledge base: {exc}") from exc
    if embedder is not None and hasattr(embedder, "query_encoder"):
        expected["query_encoder"] = embedder.query_encoder   # an index records the encoder that serves it
    if embedder is not None and hasattr(embedder, "model_id"):
        expected["model_id"] = embedder.model_id             # … and the model (base, or tuned: never mixed)
    reason = "no index yet"
    if current.exists():
        try:
            index = read_index(current, settings)
            if _matches(index.manifest, expected):
                return index
            reason = "the knowledge base, model, query encoder or chunker changed since it was built"
        except Exception as exc:  # corrupt or foreign index: any failure means rebuild
            reason = f"the index is unreadable ({type(exc).__name__}: {exc})"
    if not rebuild:
        raise IndexBuildError(f"index not usable: {reason}")
    _log_line(f"building the index: {reason}")
    build_index(settings, embedder, progress)
    return read_index(current, settings)
