"""LLM backends behind one interface, all spoken to through LangChain's ``ChatOpenAI``.

- ``openai``: any OpenAI-compatible endpoint, from ``PLANQA_OPENAI_BASE_URL``,
  ``PLANQA_OPENAI_MODEL`` and (optional) ``PLANQA_OPENAI_API_KEY``.
- ``local``: llama.cpp's own OpenAI-compatible server (:class:`chat.models.llama_server.LlamaServer`)
  on 127.0.0.1 with a GGUF assembled from PyPI part packages, started lazily once per process
  and shared by every backend object of that model. Same client code path as ``openai``.

Failures of any kind (endpoint down, HTTP error, timeout, empty or garbage output) surface as
:class:`LLMError`. The timeout covers the whole answer: the first token and the total. Nothing
retries (``max_retries=0``), so a refused connection fails in milliseconds. The settings
(:class:`config.LLMSettings`, re-exported here) are the ones the pipeline uses.

    backend = get_backend(LLMSettings("local"), settings.paths.cache_root)
    for delta in backend.stream(cited_messages(question, evidence)):   # chat/models/cited.py
        print(delta, end="")
"""
from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from langchain_core.messages import BaseMessage

from config import LLMSettings          # the one LLM settings class, also importable from here

log = logging.getLogger(__name__)

BACKENDS = ("openai", "local")
ENV_BASE_URL = "PLANQA_OPENAI_BASE_URL"
ENV_MODEL = "PLANQA_OPENAI_MODEL"
ENV_API_KEY = "PLANQA_OPENAI_API_KEY"
DUMMY_API_KEY = "not-needed"


class LLMError(RuntimeError):
    """The model could not produce an answer: endpoint down, HTTP error, timeout, empty/garbage output.

    ``str()`` is the developer's English (logs); ``notice`` is the whole sentence a user reads, in Chinese;
    ``code`` is the answer's ``fallback`` ("timeout" or "error")."""

    def __init__(self, message: str, notice: str = "模型服务出错，未能作答", code: str = "error"):
        super().__init__(message)
        self.notice = notice
        self.code = code


NOT_CONFIGURED = "接口模型未配置（需要设置环境变量 PLANQA_OPENAI_BASE_URL 和 PLANQA_OPENAI_MODEL）"


def user_notice(exc: BaseException) -> str:
    """The Chinese sentence (without its full stop) that tells a user why a model did not answer."""
    return exc.notice if isinstance(exc, LLMError) else "模型服务出错，未能作答"


def openai_configured() -> bool:
    """Whether the ``openai`` backend has its endpoint and model (PLANQA_OPENAI_BASE_URL, PLANQA_OPENAI_MODEL)."""
    return bool(os.environ.get(ENV_BASE_URL, "").strip() and os.environ.get(ENV_MODEL, "").strip())


# --------------------------------------------------------------------------- output checks

def _garbage_reason(text: str) -> str | None:
    """Why ``text`` is not a usable answer (None when it is)."""
    stripped = text.strip()
    if not stripped:
        return "the model returned an empty answer"
    bad = sum(1 for ch in stripped
              if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\n\t\r"))
    if bad / len(stripped) > 0.2:
        return f"the model returned garbage ({bad} of {len(stripped)} characters unprintable)"
    if len(stripped) >= 20 and len(set(stripped)) <= 2:
        return f"the model returned garbage ({stripped[:10]!r} repeated)"
    return None


def _root_cause(exc: BaseException) -> str:
    """The innermost error's text ("[Errno 111] Connection refused" rather than "Connection error.")."""
    seen = {id(exc)}
    while (nxt := exc.__cause__ or exc.__context__) is not None and id(nxt) not in seen:
        seen.add(id(nxt))
        exc = nxt
    return str(exc) or type(exc).__name__


def _text_of(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):          # content blocks
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content
                       if isinstance(b, (str, dict)))
    return ""


# --------------------------------------------------------------------------- backends

class LLMBackend:
    """One chat model endpoint. ``stream`` yields text deltas; ``invoke`` returns the whole text."""

    name: str = ""

    def __init__(self, settings: LLMSettings):
        if settings.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.settings = settings
        self._secret: str | None = None    # scrubbed from every error message

    # subclasses provide the client and a description of what they talk to
    def _chat_model(self):                 # -> ChatOpenAI
        raise NotImplementedError

    @property
    def model(self) -> str:
        """The model name the backend talks to."""
        raise NotImplementedError

    def describe(self) -> str:
        """"<backend>:<model>", used in logs and error messages."""
        return f"{self.name}:{self.model}"

    def _make_client(self, base_url: str, model: str, api_key: str, extra_body: dict | None = None):
        import httpx
        from langchain_openai import ChatOpenAI
        from pydantic import SecretStr

        t = self.settings.timeout_s
        return ChatOpenAI(
            model=model, base_url=base_url, api_key=SecretStr(api_key),
            timeout=httpx.Timeout(t, connect=min(t, self.settings.connect_timeout_s)), max_retries=0,
            max_tokens=self.settings.max_tokens, temperature=self.settings.temperature, extra_body=extra_body,
        )

    def _error(self, exc: BaseException) -> LLMError:
        import openai

        if isinstance(exc, LLMError):
            return exc
        notice, code = "模型服务出错，未能作答", "error"
        if isinstance(exc, openai.APITimeoutError):
            msg = f"{self.describe()} timed out after {self.settings.timeout_s:g} s"
            notice, code = f"模型在{self.settings.timeout_s:g}秒内未能作答", "timeout"
        elif isinstance(exc, openai.APIConnectionError):
            msg = f"{self.describe()} unreachable: {_root_cause(exc)}"
            notice = "无法连接模型服务"
        elif isinstance(exc, openai.APIStatusError):
            msg = f"{self.describe()} answered HTTP {exc.status_code}: {exc.message}"
            notice = f"模型服务返回错误（HTTP {exc.status_code}）"
        else:
            msg = f"{self.describe()} failed: {type(exc).__name__}: {exc}"
        if self._secret and self._secret != DUMMY_API_KEY:
            msg = msg.replace(self._secret, "***")
        error = LLMError(msg, notice, code)
        error.__cause__ = exc
        return error

    def stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        """Yield text deltas. Raises LLMError on failure, on timeout (first token or total) and when
        the finished answer is empty or garbage (after its deltas were yielded: discard them)."""
        try:
            chat = self._chat_model()          # local: the first call assembles and starts the server
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._error(exc) from exc
        deadline = time.monotonic() + self.settings.timeout_s
        events: queue.Queue = queue.Queue()
        cancel = threading.Event()

        def produce() -> None:
            try:
                chunks = chat.stream(messages)
                try:
                    for chunk in chunks:
                        if cancel.is_set():
                            break
                        text = _text_of(chunk.content)
                        if text:
                            events.put(("text", text))
                finally:
                    chunks.close()             # closes the HTTP response: the server stops generating
                events.put(("end", None))
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                events.put(("error", exc))

        threading.Thread(target=produce, name=f"llm-{self.name}", daemon=True).start()
        parts: list[str] = []
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    if remaining <= 0:
                        raise queue.Empty
                    kind, value = events.get(timeout=remaining)
                except queue.Empty:
                    what = "the first token" if not parts else "the whole answer"
                    raise LLMError(f"{self.describe()} timed out after {self.settings.timeout_s:g} s "
                                   f"waiting for {what}", f"模型在{self.settings.timeout_s:g}秒内未能作答",
                                   "timeout") from None
                if kind == "text":
                    parts.append(value)
                    yield value
                elif kind == "end":
                    break
                else:
                    raise self._error(value) from value
        finally:
            cancel.set()
        reason = _garbage_reason("".join(parts))
        if reason:
            raise LLMError(f"{self.describe()}: {reason}", "模型的输出为空或无法识别")

    def invoke(self, messages: list[BaseMessage]) -> str:
        """The whole text of ``stream(messages)``; raises LLMError as ``stream`` does (timeout after
        LLMSettings.timeout_s seconds, client error, garbage output)."""
        return "".join(self.stream(messages))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()}, timeout={self.settings.timeout_s:g}s)"


class OpenAIBackend(LLMBackend):
    """Any OpenAI-compatible endpoint named by the PLANQA_OPENAI_* environment variables."""

    name = "openai"

    def __init__(self, settings: LLMSettings):
        super().__init__(settings)
        base_url = os.environ.get(ENV_BASE_URL, "").strip()
        model = os.environ.get(ENV_MODEL, "").strip()
        missing = [n for n, v in ((ENV_BASE_URL, base_url), (ENV_MODEL, model)) if not v]
        if missing:
            raise LLMError(f"backend 'openai' needs the environment variable(s) {', '.join(missing)} "
                           f"(an OpenAI-compatible base URL such as http://127.0.0.1:8080/v1 and a model "
                           f"name; {ENV_API_KEY} is optional)", NOT_CONFIGURED)
        self.base_url = base_url
        self._model = model
        self._secret = os.environ.get(ENV_API_KEY, "").strip() or DUMMY_API_KEY
        self._chat = self._make_client(base_url, model, self._secret)

    @property
    def model(self) -> str:
        """The model name from PLANQA_OPENAI_MODEL."""
        return self._model

    def _chat_model(self):
        return self._chat

    def describe(self) -> str:
        """"openai:<model>@<base url>" (never the API key)."""
        return f"openai:{self._model}@{self.base_url}"


# one llama.cpp server per (cache, local model) per process, started on first use
_SERVERS: dict[tuple[Path, str], object] = {}
_SERVERS_LOCK = threading.Lock()


def _stop_servers() -> None:
    with _SERVERS_LOCK:
        for server in _SERVERS.values():
            server.stop()
        _SERVERS.clear()


atexit.register(_stop_servers)


def shared_server(cache_root: Path, model: str, settings: LLMSettings | None = None):
    """The process-wide llama.cpp server (:class:`chat.models.llama_server.LlamaServer`) for local
    ``model``: the GGUF is assembled (or checked) and the server started on the first call, and
    restarted by a later call if it died. ``settings`` (default LLMSettings()) give its threads, context
    and batch size."""
    from chat.models.gguf_assembly import gguf_path
    from chat.models.llama_server import LlamaServer

    key = (Path(cache_root).resolve(), model)
    with _SERVERS_LOCK:
        server = _SERVERS.get(key)
        if server is not None and server.running:
            return server
        if server is not None:
            log.warning("local llama.cpp server for %s died; restarting it", model)
        path = gguf_path(cache_root, model)
        logs = Path(cache_root) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        llm = settings or LLMSettings()
        server = LlamaServer(path, alias=model, log_path=logs / f"llama-server-{model}.log", n_ctx=llm.local_ctx,
                             threads=llm.local_threads, batch=llm.local_batch)
        server.start()
        _SERVERS[key] = server
        return server


class LocalBackend(LLMBackend):
    """llama.cpp on loopback with a GGUF from PyPI parts, through the same ChatOpenAI client."""

    name = "local"

    def __init__(self, settings: LLMSettings, cache_root: Path):
        super().__init__(settings)
        from chat.models.gguf_assembly import MODELS

        if settings.local_model not in MODELS:
            raise ValueError(f"unknown local model {settings.local_model!r}; choose one of {sorted(MODELS)}")
        self.cache_root = Path(cache_root)
        self._chat = None
        self._base_url: str | None = None

    @property
    def model(self) -> str:
        """The local model key (LLMSettings.local_model, one of gguf_assembly.MODELS)."""
        return self.settings.local_model

    def start(self) -> "LocalBackend":
        """Assemble the model and start the server now (otherwise done by the first request)."""
        self._chat_model()
        return self

    def _chat_model(self):
        try:
            server = shared_server(self.cache_root, self.settings.local_model, self.settings)
        except Exception as exc:  # noqa: BLE001 - missing parts, server crash: one error type
            raise LLMError(f"local model {self.settings.local_model} unavailable: {exc}",
                           "本地模型未能启动") from exc
        if self._chat is None or self._base_url != server.base_url:
            self._base_url = server.base_url
            # cache_prompt: llama.cpp keeps the last prompt's tokens, so the fixed instruction prefix
            # is read once and reused by every later question
            self._chat = self._make_client(server.base_url, server.alias, DUMMY_API_KEY, {"cache_prompt": True})
        return self._chat


def get_backend(settings: LLMSettings, cache_root: Path) -> LLMBackend:
    """The backend named by ``settings.backend`` ("openai" or "local"). Cheap: the local server
    starts on the first request (or on ``LocalBackend.start()``)."""
    if settings.backend == "openai":
        return OpenAIBackend(settings)
    if settings.backend == "local":
        return LocalBackend(settings, cache_root)
    raise ValueError(f"unknown LLM backend {settings.backend!r}; choose one of {BACKENDS}")
