"""The e5 model fine-tuned on the plan's own wording: synthetic question → evidence pairs.

``ingest/data/synthetic_questions.jsonl`` holds questions in everyday voices, each with a verbatim evidence
span of its article (``synthetic_questions.md`` says how they were written). Each question ("query: …") is
paired with a passage ("passage: …", ``DomainTuningSettings.passage``) and the base folder of
``ingest/embedding_model.py`` is trained with sentence-transformers' MultipleNegativesRankingLoss (no two
questions of one article in a batch), deterministically (seed, thread count, seeded batch order).
``held_out_per_article`` questions per article are kept out and scored after each epoch (dense-only hit@1
over the indexed passages); the folder's manifest records it.

The folder, ``cache_root/models/multilingual-e5-small-q4-tuned-<key>/``, is keyed by a hash of the base
model's manifest, the data file's sha256, the settings and the torch / transformers / sentence-transformers
versions, built in a temporary sibling and renamed into place (``embedding_model.build_once``). The plan
text is not in the key: a changed text only moves which sentence holds an evidence span.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import pathlib
import random
import shutil
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from config import DomainTuningSettings, Settings

from .chunk import dense_text, passages_of
from .embedding_model import MODEL_ID, build_once, ensure_model, model_dir
from .units import Unit

_PREFIX = "multilingual-e5-small-q4-tuned-"
TRAINER_VERSION = "2"                   # bump when the training recipe changes in code (2: base tokenizer kept)


@dataclass(frozen=True)
class Pair:
    """One synthetic question of ``article`` (unit ref) with the passage it is trained towards."""

    article: str
    question: str
    passage: str


def data_sha256(path: pathlib.Path) -> str:
    """sha256 of the data file; raises OSError when it cannot be read."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def tuning_key(cache_root: pathlib.Path, tuning: DomainTuningSettings) -> str:
    """16 hex digits naming a tuned folder: base model sources, data sha256, settings (less ``enabled``),
    trainer and library versions. Raises OSError when the data file is unreadable."""
    try:
        base = json.loads((model_dir(cache_root) / "manifest.json").read_text("utf-8"))["sources"]
    except (OSError, ValueError, KeyError):
        base = "unbuilt"                 # no base model yet: a key no built folder has
    settings = {k: str(v) for k, v in dataclasses.asdict(tuning).items() if k not in ("enabled", "data_file")}
    identity = {"base": base, "data_sha256": data_sha256(tuning.data_file), "settings": settings,
                "trainer": TRAINER_VERSION, "versions": {p: importlib.metadata.version(p) for p in
                                                         ("torch", "transformers", "sentence-transformers")}}
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def tuned_dir(cache_root: pathlib.Path, key: str) -> pathlib.Path:
    """Where the tuned folder of ``key`` lives under ``cache_root``."""
    return pathlib.Path(cache_root) / "models" / f"{_PREFIX}{key}"


def planned_model_id(settings: Settings) -> str:
    """The model id an index built now should record (cheap: trains nothing). Base MODEL_ID when tuning is
    off or its data file is unreadable, else ``MODEL_ID+tuned-<key>``."""
    if not settings.tuning.enabled:
        return MODEL_ID
    try:
        return f"{MODEL_ID}+tuned-{tuning_key(settings.paths.cache_root, settings.tuning)}"
    except OSError:
        return MODEL_ID


def load_pairs(tuning: DomainTuningSettings, units: list[Unit], max_chars: int) -> list[Pair]:
    """The data file's lines as pairs for ``units`` (one document's), in file order. A line whose article
    is not a unit or whose evidence is not verbatim in it is skipped. Raises OSError / ValueError on an
    unreadable file or a malformed line, ValueError when no pair remains."""
    by_ref = {u.ref: u for u in units}
    pairs = []
    for number, line in enumerate(tuning.data_file.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            unit, question, evidence = by_ref.get(str(row["article"])), row["question"], row["evidence"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{tuning.data_file}:{number}: not a question line ({exc})") from exc
        if unit is None or evidence not in unit.text:
            continue
        start = unit.text.index(evidence)
        holding = [p for p in passages_of(unit, 0, max_chars) if p.start <= start < p.end]
        passage = {"evidence": evidence, "unit": unit.text,
                   "sentence": dense_text(unit, holding[0]) if holding else evidence}[tuning.passage]
        pairs.append(Pair(unit.ref, question, passage))
    if not pairs:
        raise ValueError(f"{tuning.data_file}: no question whose evidence is found in its article")
    return pairs


def split(pairs: list[Pair], held_out_per_article: int, seed: int) -> tuple[list[Pair], list[Pair]]:
    """(train, held out): ``held_out_per_article`` questions of each article drawn with ``seed``
    (an article with fewer than two more questions keeps them all for training)."""
    rng, held = random.Random(seed), set()
    for article in dict.fromkeys(p.article for p in pairs):
        indices = [i for i, p in enumerate(pairs) if p.article == article]
        if len(indices) > held_out_per_article + 1:
            held.update(rng.sample(indices, held_out_per_article))
    return [p for i, p in enumerate(pairs) if i not in held], [p for i, p in enumerate(pairs) if i in held]


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """``pairs`` in a seeded order, cut into batches of at most ``size`` where no article repeats (a
    question of the same article would be a false in-batch negative); first fit, then shuffled."""
    order = pairs[:]
    rng.shuffle(order)
    out: list[list[Pair]] = []
    for pair in order:
        home = next((b for b in out if len(b) < size and all(p.article != pair.article for p in b)), None)
        out.append([pair]) if home is None else home.append(pair)
    rng.shuffle(out)
    return out


def held_out_hit1(model: Any, held: list[Pair], units: list[Unit], max_chars: int) -> float:
    """Share of ``held`` questions whose article's best indexed passage (dense_text, as ingest/index.py
    embeds it) has the highest cosine among all units but the header. 0.0 for no questions."""
    if not held:
        return 0.0
    passages = [(u.ref, dense_text(u, p)) for u in units if u.kind != "header" for p in passages_of(u, 0, max_chars)]
    vectors = model.encode([t for _, t in passages], prompt_name="passage", normalize_embeddings=True, batch_size=32)
    queries = model.encode([p.question for p in held], prompt_name="query", normalize_embeddings=True, batch_size=32)
    refs = np.array([r for r, _ in passages])
    best = [refs[int(np.argmax(row))] for row in queries @ vectors.T]
    return float(np.mean([b == p.article for b, p in zip(best, held)]))


def train(base: pathlib.Path, out: pathlib.Path, units: list[Unit], settings: Settings,
          progress: bool = True) -> dict[str, Any]:
    """Fine-tune the model folder ``base`` into ``out`` on the pairs of ``units``; returns the training
    record (pairs, steps, wall and CPU seconds, held-out hit@1 after each epoch). Raises what reading the
    data or training raises."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import (
        MultipleNegativesRankingLoss,
    )
    from tqdm import tqdm

    tuning, max_chars = settings.tuning, settings.chunk.max_passage_chars
    train_pairs, held = split(load_pairs(tuning, units, max_chars), tuning.held_out_per_article, tuning.seed)
    random.seed(tuning.seed)
    np.random.seed(tuning.seed)
    torch.manual_seed(tuning.seed)
    torch.set_num_threads(tuning.threads)
    started, cpu = time.perf_counter(), time.process_time()
    model = SentenceTransformer(str(base), device="cpu")
    if tuning.freeze_word_embeddings:
        model[0].auto_model.get_input_embeddings().weight.requires_grad_(False)
    rng = random.Random(tuning.seed)
    epochs = [batches(train_pairs, tuning.batch_size, rng) for _ in range(tuning.epochs)]
    total, warmup = sum(map(len, epochs)), max(1, int(sum(map(len, epochs)) * tuning.warmup_ratio))
    loss_fn = MultipleNegativesRankingLoss(model, scale=tuning.scale)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=tuning.learning_rate)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    model.max_seq_length = tuning.max_seq_length
    record: dict[str, Any] = {"pairs": len(train_pairs), "held_out": len(held), "steps": total, "held_out_hit1": []}
    with tqdm(total=total, desc="fine-tuning e5 on synthetic questions", unit="step", disable=not progress,
              file=sys.stderr) as bar:
        for epoch in epochs:
            model.train()
            for batch in epoch:
                features = [model.preprocess(texts, prompt=prefix) for prefix, texts in
                            (("query: ", [p.question for p in batch]), ("passage: ", [p.passage for p in batch]))]
                loss = loss_fn(features, None)
                loss.backward()
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                bar.update()
                bar.set_postfix(loss=f"{loss.item():.3f}")
            model.eval()
            record["held_out_hit1"].append(held_out_hit1(model, held, units, max_chars))
    _save(model, base, out)
    return record | {"seconds": round(time.perf_counter() - started, 1),
                     "cpu_seconds": round(time.process_time() - cpu, 1)}


def _save(model: Any, base: pathlib.Path, out: pathlib.Path) -> None:
    """Write the trained weights into ``out`` beside the base folder's own files (tokenizer, configs): a
    re-saved tokenizer.json would carry the training's truncation and padding into the ONNX export."""
    from safetensors.torch import save_file

    for path in base.rglob("*"):
        if path.is_file() and path.name not in ("model.safetensors", "manifest.json"):
            (out / path.relative_to(base)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out / path.relative_to(base))
    state = {k: v.detach().contiguous() for k, v in model[0].auto_model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})


def _primary_units(settings: Settings) -> list[Unit]:
    """The units of the primary document (the one the questions were written on)."""
    from .parse import load_documents

    loaded, _skipped = load_documents(settings.paths.kb_dir, settings)
    primary = [d for d in loaded if d.meta.primary] or loaded[:1]
    if not primary:
        raise ValueError(f"no document to train on in {settings.paths.kb_dir}")
    return primary[0].units


def ensure_tuned(settings: Settings, progress: bool = True) -> pathlib.Path:
    """The tuned folder for ``settings``, trained on first use (under a lock; other processes wait, then
    reuse it). Raises what training raises; see ``encoder_model`` for the fallback."""
    cache_root = settings.paths.cache_root
    base = ensure_model(cache_root, progress)
    key = tuning_key(cache_root, settings.tuning)
    folder = tuned_dir(cache_root, key)

    def fresh() -> bool:
        try:
            return json.loads((folder / "manifest.json").read_text("utf-8")).get("key") == key
        except (OSError, ValueError):
            return False

    def build(tmp: pathlib.Path) -> dict[str, Any]:
        for stale in folder.parent.glob(_PREFIX + "*"):     # other settings' folders and exports (~1 GB each)
            shutil.rmtree(stale, ignore_errors=True)
        if progress:
            print("[embedder] fine-tuning the e5 model on the synthetic questions (once) …", file=sys.stderr,
                  flush=True)
        record = train(base, tmp, _primary_units(settings), settings, progress)
        return {"key": key, "base_model_id": MODEL_ID, "data_sha256": data_sha256(settings.tuning.data_file),
                "settings": {k: str(v) for k, v in dataclasses.asdict(settings.tuning).items()},
                "training": record}

    return build_once(folder, fresh, build)


def encoder_model(settings: Settings, progress: bool = True) -> tuple[pathlib.Path | None, str]:
    """(model folder, model id) the embedder should use: (None, MODEL_ID), i.e. the base model, when tuning
    is off or fails (said on stderr), else the tuned folder and ``MODEL_ID+tuned-<key>``."""
    if not settings.tuning.enabled:
        return None, MODEL_ID
    try:
        folder = ensure_tuned(settings, progress)
        return folder, f"{MODEL_ID}+tuned-{folder.name.removeprefix(_PREFIX)}"
    except Exception as exc:  # noqa: BLE001 - any failure of training means: serve the base model, and say so
        print(f"[embedder] fine-tuning failed ({type(exc).__name__}: {exc}); the base e5 model is used",
              file=sys.stderr, flush=True)
        return None, MODEL_ID
