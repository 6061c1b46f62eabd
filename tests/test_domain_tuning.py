"""Fine-tuning e5 on the synthetic questions (ingest/domain_tuning.py) with the real model, no mocks: the
cache key follows the data, seed and settings; a one-step run on a few pairs makes a folder that loads and
encodes and is reused; a broken run falls back to the base model with a message; base and tuned never share
an index, an embedding cache or an ONNX export."""
from __future__ import annotations

import dataclasses
import json
import random
import time
from pathlib import Path

import numpy as np
import pytest

from config import SETTINGS, Settings
from ingest.domain_tuning import (
    batches,
    encoder_model,
    ensure_tuned,
    load_pairs,
    planned_model_id,
    split,
    tuned_dir,
    tuning_key,
)
from ingest.embedding_model import MODEL_ID, ensure_model, load_model, model_dir
from ingest.index import expected_manifest
from ingest.onnx_encoder import ensure_onnx, onnx_dir
from ingest.parse import load_documents

DATA = SETTINGS.tuning.data_file
ROWS = [json.loads(line) for line in DATA.read_text("utf-8").splitlines() if line.strip()]


def _settings(cache: Path, data: Path, **tuning) -> Settings:
    paths = dataclasses.replace(SETTINGS.paths, cache_root=cache)
    return dataclasses.replace(SETTINGS, paths=paths, tuning=dataclasses.replace(
        SETTINGS.tuning, enabled=True, data_file=data, **tuning))


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """A cache root whose base model is the real, already assembled one (linked, not rebuilt)."""
    root = tmp_path_factory.mktemp("tuning-cache")
    (root / "models").mkdir()
    (root / "models" / model_dir(root).name).symlink_to(ensure_model(SETTINGS.paths.cache_root, progress=False))
    return root


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """Eight questions of eight articles: one step of a batch of eight."""
    path = tmp_path_factory.mktemp("tuning-data") / "tiny.jsonl"
    firsts = {r["article"]: r for r in reversed(ROWS)}
    path.write_text("".join(json.dumps(firsts[a], ensure_ascii=False) + "\n" for a in sorted(firsts)[:8]), "utf-8")
    return path


TINY = {"batch_size": 8, "epochs": 1, "held_out_per_article": 0, "max_seq_length": 32}


@pytest.fixture(scope="module")
def tuned(cache, tiny) -> Path:
    started = time.perf_counter()
    folder = ensure_tuned(_settings(cache, tiny, **TINY), progress=False)
    print(f"\none-step fine-tuning run: {time.perf_counter() - started:.1f} s")
    return folder


def test_the_key_follows_data_seed_and_settings_but_not_the_switch(cache, tiny, tmp_path):
    key = tuning_key(cache, _settings(cache, tiny).tuning)
    assert key == tuning_key(cache, _settings(cache, tiny).tuning)
    assert key == tuning_key(cache, dataclasses.replace(_settings(cache, tiny).tuning, enabled=False))
    other = tmp_path / "other.jsonl"
    other.write_text(tiny.read_text("utf-8") + json.dumps(ROWS[0], ensure_ascii=False) + "\n", "utf-8")
    changed = [tuning_key(cache, _settings(cache, other).tuning)] + [
        tuning_key(cache, _settings(cache, tiny, **{name: value}).tuning) for name, value in
        (("seed", 14), ("epochs", 3), ("learning_rate", 1e-5), ("batch_size", 16), ("max_seq_length", 64),
         ("freeze_word_embeddings", False), ("passage", "evidence"), ("scale", 20.0))]
    assert len({key, *changed}) == len(changed) + 1


def test_the_split_and_batches_are_seeded_and_keep_articles_apart():
    units = [u for d in load_documents(SETTINGS.paths.kb_dir, SETTINGS)[0] if d.meta.primary for u in d.units]
    pairs = load_pairs(SETTINGS.tuning, units, SETTINGS.chunk.max_passage_chars)
    assert len(pairs) == len(ROWS)
    train, held = split(pairs, 2, 13)
    assert (train, held) == split(pairs, 2, 13) and len(held) == 2 * len({p.article for p in pairs})
    made = batches(train, 32, random.Random(13))
    assert made == batches(train, 32, random.Random(13))
    assert sorted(map(id, (p for b in made for p in b))) == sorted(map(id, train))
    assert all(len(b) <= 32 and len({p.article for p in b}) == len(b) for b in made)
    sentence = next(p for p in pairs if p.question == ROWS[0]["question"]).passage
    assert ROWS[0]["evidence"] in sentence and len(sentence) <= SETTINGS.chunk.max_passage_chars + 60


def test_a_one_step_run_makes_a_folder_that_loads_and_encodes(tuned, cache, tiny):
    assert tuned == tuned_dir(cache, tuning_key(cache, _settings(cache, tiny, **TINY).tuning))
    manifest = json.loads((tuned / "manifest.json").read_text("utf-8"))
    assert manifest["training"]["steps"] == 1 and manifest["training"]["pairs"] == 8
    model = load_model(cache, progress=False, folder=tuned)
    assert model.max_seq_length == 512
    vectors = model.encode(["坐高铁出去耍", "老百姓兜里的钱"], prompt_name="query", normalize_embeddings=True)
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    base = load_model(cache, progress=False).encode(["坐高铁出去耍"], prompt_name="query", normalize_embeddings=True)
    assert 0.9 < float(base[0] @ vectors[0]) < 1.0        # moved by the step, still the same model
    for name in ("tokenizer.json", "tokenizer_config.json", "config.json", "modules.json"):   # the base's own files:
        assert (tuned / name).read_bytes() == (model_dir(cache) / name).read_bytes()    # no training truncation


def test_the_tuned_folder_exports_to_a_verified_onnx_encoder_of_its_own(tuned, cache, tiny):
    folder, model_id = encoder_model(_settings(cache, tiny, **TINY))
    export = ensure_onnx(cache, SETTINGS.encoder, False, folder, model_id)
    manifest = json.loads((export / "manifest.json").read_text("utf-8"))
    assert export == onnx_dir(cache, folder) and manifest["sources"]["model_id"] == model_id
    assert manifest["verification"]["min_cosine"] >= SETTINGS.encoder.min_onnx_cosine


def test_the_tuned_folder_is_reused_and_named_apart_from_the_base(tuned, cache, tiny, capsys):
    settings = _settings(cache, tiny, **TINY)
    stamp = (tuned / "manifest.json").stat().st_mtime_ns
    started = time.perf_counter()
    folder, model_id = encoder_model(settings)
    assert folder == tuned and (tuned / "manifest.json").stat().st_mtime_ns == stamp
    assert time.perf_counter() - started < 5 and "fine-tuning" not in capsys.readouterr().err
    assert model_id == planned_model_id(settings) != MODEL_ID == planned_model_id(SETTINGS)
    assert expected_manifest(settings)["model_id"] == model_id
    assert onnx_dir(cache, folder) != onnx_dir(cache) and onnx_dir(cache, folder).parent == folder.parent


@pytest.mark.parametrize("broken", ["missing", "malformed"])
def test_a_broken_run_falls_back_to_the_base_model_with_a_message(cache, tmp_path, broken, capsys):
    data = tmp_path / "data.jsonl"
    if broken == "malformed":
        data.write_text('{"article": 1, "question": "缺了证据"}\n', "utf-8")
    assert encoder_model(_settings(cache, data, **TINY)) == (None, MODEL_ID)
    err = capsys.readouterr().err
    assert "fine-tuning failed" in err and "the base e5 model is used" in err
    assert not [p for p in (cache / "models").iterdir() if ".tmp-" in p.name]
