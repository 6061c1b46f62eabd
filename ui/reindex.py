"""Re-indexing while serving: the index is rebuilt in a background thread and the live assistant is
swapped only once the new one is loaded, so the chat answers from the previous index meanwhile."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.state import LiveAssistant


class Reindexer:
    """One background re-index at a time over a LiveAssistant; its state is read by the 文档管理 tab."""

    def __init__(self, live: LiveAssistant):
        """Rebuild the index of ``live``'s settings (knowledge-base folder, cache) with its embedder."""
        self.live = live
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.steps: list[str] = []         # the build's log lines so far (English, as ``python -m ingest``)
        self.error: str | None = None      # why the last re-index failed; None after a success
        self.started = 0.0                 # time.monotonic() of the last start
        self._again = False                # a change arrived during the run: run once more after it
        self._active = False               # set and cleared under the lock, so no request falls between runs

    @property
    def running(self) -> bool:
        """Whether a re-index is under way."""
        return self._active

    def start(self) -> bool:
        """Start a re-index; when one is already running, queue one more run after it (so a file added or
        removed meanwhile is read) and return False."""
        with self._lock:
            if self._active:
                self._again = True
                return False
            self._active = True
            self.steps, self.error, self.started = [], None, time.monotonic()
            self._thread = threading.Thread(target=self._run, name="planqa-reindex", daemon=True)
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running re-index to end; True when none is running any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if not thread.is_alive():
                return True
        return not self.running

    def _run(self) -> None:
        from chat.pipeline import Assistant
        from chat.retrieval.retrieve import HybridRetriever
        from ingest.index import IndexBuildError, load_index

        while True:
            old = self.live.current
            embedder = old.retriever.embedder
            try:
                index = load_index(old.settings, embedder, progress=self.steps.append)
                self.steps.append("loading the new index")
                self.live.swap(Assistant(HybridRetriever(index, embedder, old.settings), old.settings))
                self.steps.append("done")
                self.error = None
            except IndexBuildError as exc:
                self.error = str(exc)
            except Exception as exc:          # the previous index keeps serving; the tab shows why
                self.error = f"{type(exc).__name__}: {exc}"
            with self._lock:
                if not self._again:
                    self._active = False
                    return
                self._again = False
                self.steps.append("files changed during the build: building again")
