"""llama.cpp's OpenAI-compatible server for one GGUF, in a child process on loopback.

:class:`LlamaServer` runs llama.cpp's own HTTP server (``xllamacpp.Server``, the native C++ server of
the prebuilt ``xllamacpp`` wheel) in a child Python process bound to 127.0.0.1 on a port the server
picks itself. The child is ``python -m chat.models.local_model serve …``, which calls :func:`run_child`;
it exits when its stdin closes, so it never outlives the process that started it. The GGUF file
itself comes from :func:`chat.models.gguf_assembly.gguf_path`.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path


class LlamaServerError(RuntimeError):
    """The llama.cpp server could not be started or died."""


def _log(message: str) -> None:
    print(f"[planqa] {message}", file=sys.stderr, flush=True)


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

    def __init__(self, model_path: Path, *, n_ctx: int = 4096, threads: int = 2, batch: int = 512,
                 alias: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 startup_timeout: float = 180.0, log_path: Path | None = None):
        """Configure (not start) a server for ``model_path``; ``port=0`` lets the server pick one,
        ``log_path`` receives the child's output."""
        self.model_path = Path(model_path)
        self.n_ctx = n_ctx
        self.threads = threads
        self.batch = batch
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

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``http://127.0.0.1:PORT/v1``); raises when not started."""
        if self.root_url is None:
            raise LlamaServerError("server not started")
        return self.root_url + "/v1"

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> "LlamaServer":
        """Start the child and return once ``/v1/models`` answers; raises LlamaServerError on failure."""
        with self._lock:
            if self.running:
                return self
            if not self.model_path.is_file():
                raise LlamaServerError(f"model file not found: {self.model_path}")
            started = time.perf_counter()
            ready_r = self._spawn()
            deadline = started + self.startup_timeout
            try:
                self.root_url = self._await_address(ready_r, deadline)
                self._await_http(deadline)
            except BaseException:
                self._stop_locked()
                raise
            self.startup_s = time.perf_counter() - started
            _log(f"llama.cpp server for {self.model_path.name} on {self.root_url} "
                 f"(ctx {self.n_ctx}, {self.threads} threads, batch {self.batch}) ready in {self.startup_s:.1f} s")
            return self

    @staticmethod
    def _child_env() -> dict[str, str]:
        env = dict(os.environ)
        project_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (project_root, env.get("PYTHONPATH")) if p)
        env["HF_HUB_OFFLINE"] = "1"
        # llama.cpp's OpenMP threads spin while waiting by default; when anything else runs on
        # this 2-core machine (the embedding model, a test), spinning makes generation 10x
        # slower (measured: 2 vs 22 tok/s for the 0.5B model). Sleeping waits cost little.
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        return env

    def _spawn(self) -> int:
        """Start the child process; returns the read end of the pipe it writes its address to."""
        cmd = [sys.executable, "-m", "chat.models.local_model", "serve", "--model", str(self.model_path),
               "--ctx", str(self.n_ctx), "--threads", str(self.threads),
               "--batch", str(self.batch), "--alias", self.alias,
               "--host", self.host, "--port", str(self.port)]
        self._log_tail.clear()
        ready_r, ready_w = os.pipe()           # the child writes its address here
        cmd += ["--ready-fd", str(ready_w)]
        try:
            self._proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                env=self._child_env(), text=True, encoding="utf-8", errors="replace", bufsize=1,
                pass_fds=(ready_w,),
            )
        finally:
            os.close(ready_w)
        self._pump_thread = threading.Thread(target=self._pump, args=(self._proc,),
                                             name="llama-server-log", daemon=True)
        self._pump_thread.start()
        return ready_r

    def _await_address(self, ready_r: int, deadline: float) -> str:
        """The root URL the child reports on ``ready_r``; raises when it exits or the deadline passes."""
        address: list[str] = []
        ready = threading.Event()
        threading.Thread(target=self._read_address, args=(ready_r, address, ready),
                         name="llama-server-ready", daemon=True).start()
        while not ready.wait(0.05):
            if self._proc.poll() is not None or time.perf_counter() > deadline:
                raise LlamaServerError(self._failure("did not report its address"))
        if not address:                        # the child is exiting: let it finish first
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
            raise LlamaServerError(self._failure("failed to start"))
        return address[0]

    def _await_http(self, deadline: float) -> None:
        """Wait until ``/v1/models`` answers (the model is loaded)."""
        while not _http_ok(self.root_url + "/v1/models"):
            if self._proc.poll() is not None or time.perf_counter() > deadline:
                raise LlamaServerError(self._failure("did not answer /v1/models"))
            time.sleep(0.1)

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
        """Close the child's stdin, wait ``timeout`` s, then terminate (and at last kill) it."""
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
        """Start the server (see :meth:`start`)."""
        return self.start()

    def __exit__(self, *exc) -> None:
        """Stop the server (see :meth:`stop`)."""
        self.stop()

    def __repr__(self) -> str:
        return f"LlamaServer({self.model_path.name}, {self.root_url or 'stopped'})"


def run_child(args: argparse.Namespace) -> int:
    """The child process: load ``args.model`` into xllamacpp's HTTP server, write its address to
    ``args.ready_fd`` and serve until stdin closes. Returns the exit code (0)."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = args.model
    params.n_ctx = args.ctx
    params.n_parallel = 1
    params.n_batch = args.batch
    params.n_ubatch = args.batch
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
