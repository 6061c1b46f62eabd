"""Faults: broken, stale or half-built indexes, a killed ingest, a missing model, a bad LLM endpoint."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chat.pipeline import Assistant
from config import PROJECT_ROOT, SETTINGS, LLMSettings
from ingest.embedding_model import MODEL_ID
from ingest.index import load_index, read_index


@pytest.fixture()
def cache(assistant, tmp_path):
    """A private cache sharing the built model and the embedding cache, with a copy of the index."""
    root = tmp_path / "cache"
    root.mkdir()
    real = SETTINGS.paths.cache_root
    (real / "embeddings").mkdir(exist_ok=True)
    (root / "models").symlink_to(real / "models", target_is_directory=True)
    (root / "embeddings").symlink_to(real / "embeddings", target_is_directory=True)
    shutil.copytree(real / "index", root / "index", symlinks=True, ignore=shutil.ignore_patterns(".lock"))
    return root


def settings_for(cache_root: Path, kb_dir: Path | None = None):
    paths = dataclasses.replace(SETTINGS.paths, cache_root=cache_root, kb_dir=kb_dir or SETTINGS.paths.kb_dir)
    return dataclasses.replace(SETTINGS, paths=paths)


def current(cache_root: Path) -> Path:
    return (cache_root / "index" / "current").resolve()


def test_deleted_index_is_rebuilt(assistant, cache, capfd):
    shutil.rmtree(cache / "index")
    index = load_index(settings_for(cache), assistant.retriever.embedder)
    assert len(index.units) == 68
    assert "building the index: no index yet" in capfd.readouterr().err


def test_truncated_index_is_rebuilt(assistant, cache, capfd):
    units = current(cache) / "units.json"
    units.write_bytes(units.read_bytes()[: 1000])
    before = current(cache)
    index = load_index(settings_for(cache), assistant.retriever.embedder)
    assert len(index.units) == 68 and current(cache) != before
    assert "unreadable" in capfd.readouterr().err


def test_index_from_another_model_version_is_rebuilt(assistant, cache, capfd):
    manifest = current(cache) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps(data | {"model_id": "some/other-model@1"}), encoding="utf-8")
    index = load_index(settings_for(cache), assistant.retriever.embedder)
    assert index.manifest["model_id"] == MODEL_ID
    assert "changed since it was built" in capfd.readouterr().err


def test_edited_knowledge_base_is_detected_and_reindexed(assistant, cache, tmp_path, capfd):
    kb = tmp_path / "kb"
    shutil.copytree(SETTINGS.paths.kb_dir, kb)
    text = kb / "qianjiang-15th-five-year-plan-proposal.txt"
    source = text.read_text(encoding="utf-8")
    text.write_text(source.replace("建设市级低空经济先行试验区。", "建设市级低空经济先行试验区,开通无人机快递示范航线。"),
                    encoding="utf-8")
    index = load_index(settings_for(cache, kb), assistant.retriever.embedder)
    assert "无人机快递示范航线" in index.unit("9").text
    assert "changed since it was built" in capfd.readouterr().err


def test_killed_ingest_leaves_the_previous_index_usable(assistant, tmp_path):
    root = tmp_path / "cache"
    root.mkdir()
    (root / "models").symlink_to(SETTINGS.paths.cache_root / "models", target_is_directory=True)
    shutil.copytree(SETTINGS.paths.cache_root / "index", root / "index", symlinks=True,
                    ignore=shutil.ignore_patterns(".lock"))
    before = current(root)                        # no embedding cache here: the build must embed
    proc = subprocess.Popen([sys.executable, "-m", "ingest", "--force"], cwd=PROJECT_ROOT,
                            env=os.environ | {"PLANQA_CACHE": str(root)},
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 120
    for line in proc.stderr:                      # kill it while it is embedding
        if "embedding" in line or time.time() > deadline:
            break
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert current(root) == before
    index = read_index(root / "index" / "current")
    assert len(index.units) == 68 and len(index.passages) == len(index.store)


def test_missing_model_cache_is_rebuilt_from_the_installed_packages(tmp_path):
    from ingest.embedding_model import load_model

    model = load_model(tmp_path, progress=False)
    assert (tmp_path / "models").is_dir()
    assert model.encode(["测试"], normalize_embeddings=True).shape == (1, 384)


# ---- a real OpenAI-compatible endpoint that misbehaves, on loopback ------------------------------

class _Endpoint(BaseHTTPRequestHandler):
    mode = "garbage"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "slow":
            time.sleep(5)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.mode == "garbage":
            self.wfile.write(b"data: {not json at all\n\n")
        elif self.mode == "nonsense":
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": "2031年GDP将达到999亿元，这是我编的。"},
                                  "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture()
def endpoint(monkeypatch):
    def start(mode: str) -> str:
        handler = type("Handler", (_Endpoint,), {"mode": mode})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    servers: list = []
    monkeypatch.setenv("PLANQA_OPENAI_MODEL", "test-model")
    yield start
    for server in servers:
        server.shutdown()


def fast_assistant(assistant) -> Assistant:
    return Assistant(assistant.retriever, dataclasses.replace(SETTINGS, llm=LLMSettings(openai_timeout_s=2.0)))


@pytest.mark.parametrize("mode", ["down", "slow", "garbage", "nonsense"])
def test_bad_llm_endpoint_falls_back_to_the_extractive_answer(assistant, endpoint, monkeypatch, mode):
    url = "http://127.0.0.1:9/v1" if mode == "down" else endpoint(mode)
    monkeypatch.setenv("PLANQA_OPENAI_BASE_URL", url)
    fast = fast_assistant(assistant)                  # building an Assistant is not part of the fallback
    started = time.perf_counter()
    answer = fast.ask("低空经济怎么发展？", backend="openai")
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0 + 4.0, f"fallback took {elapsed:.1f} s"   # the 2 s timeout, not the 60 s default (slack for a loaded machine)
    assert answer.backend == "extractive" and answer.notices
    assert "低空经济先行试验区" in answer.answer and "999" not in answer.answer
    assert {c.ref for c in answer.citations} >= {"9"}
