"""Shared fixtures: the real assistant (real e5 model, real FAISS index) and a real llama.cpp
server on loopback (Qwen2.5-0.5B assembled from its PyPI parts), each started once per session."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

TEST_MODEL = "qwen2.5-0.5b"


@pytest.fixture(scope="session")
def assistant():
    from chat.pipeline import Assistant

    return Assistant.from_settings()


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory) -> Path:
    env = os.environ.get("PLANQA_CACHE")
    return Path(env) if env else tmp_path_factory.mktemp("planqa-cache")


@pytest.fixture(scope="session")
def llama_server(cache_root):
    from chat.models.gguf_assembly import gguf_path
    from chat.models.llama_server import LlamaServer

    started = time.perf_counter()
    server = LlamaServer(gguf_path(cache_root, TEST_MODEL), alias=TEST_MODEL, n_ctx=4096, threads=2)
    with server:
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
        print(f"\nllama.cpp server ({TEST_MODEL}) up in {time.perf_counter() - started:.1f} s")
        yield server
    assert not server.running


@pytest.fixture
def openai_env(llama_server, monkeypatch):
    """The ``openai`` backend pointed at the loopback llama.cpp server."""
    from chat.models.llm import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL

    monkeypatch.setenv(ENV_BASE_URL, llama_server.base_url)
    monkeypatch.setenv(ENV_MODEL, TEST_MODEL)
    monkeypatch.delenv(ENV_API_KEY, raising=False)
    return llama_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The real app on the built-in knowledge base, with a login, shared by every browser test file."""
    from browser_support import app_server

    with app_server(tmp_path_factory.mktemp("app") / "app.log") as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Chromium, launched once per session (Playwright's sync API runs once per thread)."""
    from browser_support import MISSING, chromium

    if MISSING:
        pytest.fail(f"browser tests need: {MISSING}")
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def browser_page(server, browser):
    """One Chromium page logged in to ``server``, shared by every browser test file."""
    from browser_support import logged_in_page

    with logged_in_page(server, browser) as page:
        yield page
