"""The ONNX query encoder (ingest/onnx_encoder.py) on the real exported model: its vectors are
sentence-transformers' (alone, batched, truncated), the index records it, answering imports no torch,
and a failed export falls back to torch with a message. No mocks."""
from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

from config import PROJECT_ROOT, SETTINGS
from ingest.embedding_model import load_model
from ingest.onnx_encoder import KNOWN, OnnxEncoder, ensure_onnx, onnx_dir

CACHE = SETTINGS.paths.cache_root
DEV = [json.loads(line)["question"] for line in (PROJECT_ROOT / "eval" / "dev.jsonl").read_text("utf-8").splitlines()
       if line.strip()]


@pytest.fixture(scope="module")
def encoder() -> OnnxEncoder:
    return OnnxEncoder(ensure_onnx(CACHE, SETTINGS.encoder, progress=False), SETTINGS.encoder)


@pytest.fixture(scope="module")
def reference():
    return load_model(CACHE, progress=False)


def test_the_export_is_verified_and_its_manifest_says_so(encoder):
    manifest = json.loads((onnx_dir(CACHE) / "manifest.json").read_text("utf-8"))
    assert manifest["verification"]["min_cosine"] >= SETTINGS.encoder.min_onnx_cosine
    assert manifest["verification"]["sentences"] == len(KNOWN)
    assert set(manifest["sha256"]) == {"model.onnx", "word_embeddings.npy"}
    assert ensure_onnx(CACHE, SETTINGS.encoder, progress=False) == onnx_dir(CACHE)   # fresh: reused as is


def test_query_vectors_match_sentence_transformers_alone_and_batched(encoder, reference):
    questions = DEV[::3]
    expected = reference.encode(questions, prompt_name="query", normalize_embeddings=True, convert_to_numpy=True)
    alone = np.concatenate([encoder.encode([q]) for q in questions])
    batched = encoder.encode(questions)
    assert alone.shape == (len(questions), 384)
    assert (expected * alone).sum(1).min() >= SETTINGS.encoder.min_onnx_cosine
    assert (expected * batched).sum(1).min() >= SETTINGS.encoder.min_onnx_cosine
    assert np.allclose(np.linalg.norm(alone, axis=1), 1.0, atol=1e-5)


def test_long_text_is_truncated_as_sentence_transformers_does(encoder, reference):
    text = "黔江区加快建设渝鄂湘黔四省市结合部中心城市，推动高质量发展。" * 60       # far beyond 512 tokens
    assert len(encoder.tokenizer.encode("passage: " + text).ids) == SETTINGS.encoder.max_tokens
    expected = reference.encode([text], prompt_name="passage", normalize_embeddings=True, convert_to_numpy=True)
    assert float((expected * encoder.encode([text], "passage")).sum()) >= SETTINGS.encoder.min_onnx_cosine


def test_the_index_records_the_query_encoder_that_serves_it(assistant):
    encoder = assistant.retriever.embedder.query_encoder
    assert encoder["backend"].startswith("onnxruntime")
    assert assistant.index.manifest["query_encoder"] == encoder


def test_answering_imports_no_torch():
    script = ("import sys; from chat.pipeline import Assistant; a = Assistant.from_settings(); "
              "r = a.ask('2030年城市人口目标是多少？'); "
              "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules), "
              "'33万人' in r.answer)")
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                         check=True, timeout=300)
    assert out.stdout.split()[-2:] == ["[]", "True"], out.stdout + out.stderr


def test_a_failed_export_falls_back_to_torch_with_a_message(capsys, encoder):
    from ingest.embedder import E5Embeddings

    broken = dataclasses.replace(SETTINGS.encoder, onnx_opset=1)      # no exporter writes opset 1: it fails
    embedder = E5Embeddings(CACHE, progress=False, settings=broken)
    assert "the ONNX query encoder is not available" in capsys.readouterr().err
    assert embedder.query_encoder["backend"].startswith("sentence-transformers")
    assert float(embedder.encode_query(DEV[0]) @ encoder.encode([DEV[0]])[0]) >= SETTINGS.encoder.min_onnx_cosine
    assert (onnx_dir(CACHE) / "model.onnx").is_file()                 # the good export is left as it was
