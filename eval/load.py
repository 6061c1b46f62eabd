"""``python -m eval.load``: a bounded load test of the running app's HTTP API on loopback.

Starts ``python app.py`` on a free 127.0.0.1 port (or uses ``--url`` of a running app, which
must be a loopback address), then ``--clients`` threads send questions to ``POST /api/ask``
until ``--requests`` have been made. The questions are the dev and second tuning sets' (436
distinct), each sent once while ``--requests`` allows (the result says how many were distinct), so
no cache of a repeated question can stand in for speed; the warm-up question is none of them.
Prints throughput, latency p50/p95/p99 and errors. Not part of the default test run.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
QUESTION_SETS = (Path(__file__).with_name("dev.jsonl"), Path(__file__).with_name("dev2.jsonl"))
WARM_UP = "黔江“十五五”时期的主要目标"       # app.py's own warm-up question, in neither set


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float) -> None:
    """Poll ``url`` every second until it answers; raises TimeoutError after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"app not ready at {url} after {timeout:.0f} s")


def ask(base: str, question: str, backend: str) -> float:
    """POST one question to ``{base}/api/ask``; returns the latency in ms. Raises RuntimeError for a
    non-200 or answerless reply, URLError/HTTPError for a failed request (60 s timeout)."""
    body = json.dumps({"question": question, "backend": backend}).encode()
    req = urllib.request.Request(f"{base}/api/ask", body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.loads(resp.read())
        if resp.status != 200 or "answer" not in data:
            raise RuntimeError(f"bad response {resp.status}")
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of a non-empty list (IndexError when empty)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def run_load(base: str, questions: list[str], clients: int, requests: int, backend: str) -> dict:
    """Send ``requests`` questions from ``clients`` threads; returns wall_s, throughput_rps, p50/p95/p99
    latencies in ms (None if all failed), the error count and the first 3 errors."""
    counter = itertools.count()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        while (i := next(counter)) < requests:
            try:
                ms = ask(base, questions[i % len(questions)], backend)
                with lock:
                    latencies.append(ms)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {"requests": requests, "clients": clients, "distinct_questions": min(requests, len(set(questions))),
            "wall_s": wall, "throughput_rps": len(latencies) / wall,
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": percentile(latencies, 95) if latencies else None,
            "p99_ms": percentile(latencies, 99) if latencies else None,
            "errors": len(errors), "first_errors": errors[:3]}


def main(argv: list[str] | None = None) -> int:
    """Start the app on a free loopback port (or use ``--url``, loopback only: else returns 2), run
    the load and print the result JSON; returns 1 if any request failed, else 0."""
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__)
    parser.add_argument("--url", help="a running app on loopback, e.g. http://127.0.0.1:7860")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--backend", default="extractive")
    args = parser.parse_args(argv)
    questions = list(dict.fromkeys(json.loads(line)["question"] for path in QUESTION_SETS
                                   for line in path.read_text(encoding="utf-8").splitlines() if line.strip()))
    proc = None
    base = args.url
    if base is None:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k not in ("PLANQA_USERS", "PLANQA_USERS_FILE")}
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if urlparse(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        print("error: the load test only targets loopback addresses", file=sys.stderr)
        return 2
    try:
        wait_ready(base + "/", timeout=300)
        ask(base, WARM_UP, args.backend)                              # warm-up
        result = run_load(base, questions, args.clients, args.requests, args.backend)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
