"""``python -m eval.bench``: speed and memory figures (printed, not asserted).

- index build time (parse, targets, BM25, embedding every passage, FAISS), into a temp folder;
- cold start to first answer: a fresh process that loads model + index and answers once;
- warm latency p50/p95 over the dev set: retrieval alone and the full extractive answer;
- peak RSS of this process and of the cold-start process;
- with ``--backend local|openai``: the model path on the 30 fixed open-shape questions (eval/model_bench.py).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config import SETTINGS

DEV_SET = Path(__file__).with_name("dev.jsonl")
WARM_UP = ("黔江“十五五”时期的主要目标", "建议提出了哪些发展目标", "第1条讲了什么", "2035年远景目标是什么",
           "乡村振兴有哪些举措")           # warm-up questions, none of them in the dev set
COLD_SCRIPT = (
    "import time,resource,json;t=time.perf_counter();"
    "from chat.pipeline import Assistant;a=Assistant.from_settings();"
    "r=a.ask('2030年城市人口目标是多少？');"
    "print(json.dumps({'seconds':time.perf_counter()-t,'answer':r.answer[:40],"
    "'rss_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024}))"
)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of a non-empty list (IndexError when empty)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_build(embedder) -> float:
    """Seconds to build a full index with ``embedder`` into a temporary cache folder (the real
    index is untouched)."""
    from ingest.index import build_index

    with tempfile.TemporaryDirectory() as tmp:
        paths = dataclasses.replace(SETTINGS.paths, cache_root=Path(tmp))
        started = time.perf_counter()
        build_index(dataclasses.replace(SETTINGS, paths=paths), embedder)
        return time.perf_counter() - started


def bench_cold_start() -> dict:
    """Cold start of a fresh Python process to its first answer: {"seconds", "answer" (first 40
    characters), "rss_mb"}; raises CalledProcessError if that process fails."""
    out = subprocess.run([sys.executable, "-c", COLD_SCRIPT], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_warm(assistant, questions: list[str]) -> dict[str, list[float]]:
    """Per-question latencies in ms over ``questions`` (after 5 warm-up questions not among them):
    {"retrieval": [...], "extractive answer": [...]}. Each question is answered before it is retrieved
    alone, so the answer meets it first; nothing caches a question's vector or answer."""
    for q in WARM_UP:
        assistant.ask(q)
    retrieve_ms, answer_ms = [], []
    for q in questions:
        t0 = time.perf_counter()
        assistant.ask(q)
        t1 = time.perf_counter()
        assistant.retriever.search(q)
        t2 = time.perf_counter()
        answer_ms.append((t1 - t0) * 1000)
        retrieve_ms.append((t2 - t1) * 1000)
    return {"retrieval": retrieve_ms, "extractive answer": answer_ms}


def bench_scale(assistant, sizes: list[int], questions: list[str]) -> int:
    """Print one line of ``run_scale`` figures per size (every 4th question used); returns 0."""
    from .scale import run_scale

    sample = questions[::4]
    print(f"scale: {len(sample)} dev questions per size; documents beyond the first 2 get synthetic vectors "
          f"(a real passage's vector + calibrated noise), see eval/scale.py")
    head = (f"{'docs':>5} {'units':>7} {'passages':>9} {'faiss':>6} {'text s':>7} {'docs/s':>7} "
            f"{'embed s':>8} {'faiss s':>8} {'MB':>7} {'p50 ms':>7} {'p95 ms':>7} {'recall@10':>9} {'RSS MB':>7}")
    print(head, flush=True)
    for n in sizes:
        r = run_scale(n, assistant, sample)
        print(f"{r['docs']:>5} {r['units']:>7} {r['passages']:>9} {r['faiss']:>6} {r['text_s']:>7.1f} "
              f"{r['docs_per_s_text']:>7.1f} {r['embed_s_real']:>8.1f} {r['faiss_build_s']:>8.1f} {r['faiss_mb']:>7.1f} "
              f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['recall@10_vs_exact']:>9.3f} {peak_rss_mb():>7.0f}",
              flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Print build, cold-start, warm-latency and memory figures (or, with ``--scale``, the scale
    table); returns 0. Nothing is asserted."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--questions", type=Path, default=DEV_SET)
    parser.add_argument("--skip-build", action="store_true", help="do not time an index build")
    parser.add_argument("--backend", choices=("local", "openai"),
                        help="time the model path on the 30 fixed open-shape blind questions (eval/model_bench.py)")
    parser.add_argument("--out", type=Path, help="with --backend: write one row per question here")
    parser.add_argument("--scale", type=int, nargs="*", metavar="N",
                        help="synthetic knowledge bases of N documents (default sizes: 1 10 100 1000)")
    args = parser.parse_args(argv)

    from chat.pipeline import Assistant

    if args.backend:
        from .model_bench import run_model_bench

        return run_model_bench(Assistant.from_settings(), args.backend, args.out)
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    if args.scale is not None:
        return bench_scale(Assistant.from_settings(), args.scale or [1, 10, 100, 1000], questions)
    print("cold start to first answer (fresh process, index present) …", flush=True)
    cold = bench_cold_start()
    assistant = Assistant.from_settings()
    build_s = None if args.skip_build else bench_build(assistant.retriever.embedder)
    warm = bench_warm(assistant, questions)

    print(f"\n=== bench ({len(questions)} questions, {len(assistant.index.units)} units, "
          f"{len(assistant.index.passages)} passages, faiss {assistant.index.store.kind}) ===")
    if build_s is not None:
        print(f"index build:                 {build_s:8.1f} s")
    print(f"query encoder:               {assistant.retriever.embedder.query_encoder['backend']}")
    print(f"cold start to first answer:  {cold['seconds']:8.1f} s   (peak RSS {cold['rss_mb']:.0f} MB)")
    for name, values in warm.items():
        print(f"warm {name:<22} p50 {statistics.median(values):7.1f} ms   p95 {percentile(values, 95):7.1f} ms"
              f"   max {max(values):7.1f} ms")
    print(f"peak RSS (this process):     {peak_rss_mb():8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
