"""What the tabs share: one UIContext over the loaded Assistant, and the per-browser session."""
from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ui import render

if TYPE_CHECKING:
    from chat.answer import Answer
    from chat.pipeline import Assistant
    from config import UISettings
    from ingest.index import KnowledgeIndex
    from ingest.units import DocumentMeta, Unit


def new_session() -> dict:
    """A fresh browser session: {"conversation": Conversation, "turns": [turn dicts]}."""
    from chat.understanding.conversation import Conversation
    return {"conversation": Conversation(), "turns": []}


class LiveAssistant:
    """The assistant every handler and the API answer with. A re-index (文档管理) builds a new one beside it
    and swaps it in whole, so questions are answered from the previous index until the new one is ready."""

    def __init__(self, assistant: Assistant):
        """Start with ``assistant`` (loaded)."""
        self._current = assistant
        self._lock = threading.Lock()

    @property
    def current(self) -> Assistant:
        """The assistant to answer with now."""
        with self._lock:
            return self._current

    def swap(self, assistant: Assistant) -> None:
        """Answer with ``assistant`` from now on (questions already running finish on the old one)."""
        with self._lock:
            self._current = assistant


@dataclass(frozen=True)
class IndexViews:
    """What the tabs read from one index: its units, citation labels and titles, documents."""

    units: list[Unit]
    labels: render.Labels                 # citation label -> (ref, doc_id)
    titles: dict[str, str]                # citation label -> unit title
    doc: DocumentMeta                     # the primary document (the page header)
    doc_titles: dict[str, str]            # doc_id -> 《title》

    @classmethod
    def of(cls, index: KnowledgeIndex) -> IndexViews:
        """The views of ``index``."""
        units = index.units
        return cls(units=units, labels=render.labels_of(units), titles={u.label: u.title for u in units},
                   doc=next((d for d in index.documents if d.primary), index.documents[0]),
                   doc_titles={d.doc_id: f"《{d.title}》" for d in index.documents})


@dataclass
class UIContext:
    """The live assistant, the views of its current index every tab uses, the UI settings and a folder
    for downloads. Everything index-bound is read through the live assistant, so a re-index shows at once."""

    live: LiveAssistant
    settings: UISettings
    files_dir: Path                       # CSV, Markdown and Word files offered for download
    _views: tuple[object, IndexViews] | None = field(default=None, repr=False)

    @classmethod
    def create(cls, assistant: Assistant | LiveAssistant, settings: UISettings) -> UIContext:
        """The context over ``assistant`` (or a live one shared with the API), with a new download folder."""
        live = assistant if isinstance(assistant, LiveAssistant) else LiveAssistant(assistant)
        return cls(live=live, settings=settings, files_dir=Path(tempfile.mkdtemp(prefix="planqa-ui-")))

    @property
    def assistant(self) -> Assistant:
        """The assistant to answer with now."""
        return self.live.current

    @property
    def index(self) -> KnowledgeIndex:
        """The current assistant's loaded index."""
        return self.assistant.index

    @property
    def views(self) -> IndexViews:
        """The views of the current index (computed once per index)."""
        index, cached = self.index, self._views
        if cached is None or cached[0] is not index:
            cached = (index, IndexViews.of(index))
            self._views = cached
        return cached[1]

    @property
    def units(self) -> list[Unit]:
        """The current index's units."""
        return self.views.units

    @property
    def labels(self) -> render.Labels:
        """Citation label -> (ref, doc_id) over the current index."""
        return self.views.labels

    @property
    def titles(self) -> dict[str, str]:
        """Citation label -> unit title over the current index."""
        return self.views.titles

    @property
    def doc(self) -> DocumentMeta:
        """The primary document."""
        return self.views.doc

    @property
    def doc_titles(self) -> dict[str, str]:
        """doc_id -> 《title》 of every document."""
        return self.views.doc_titles

    def evidence_html(self, ref: str, doc_id: str | None, answer: Answer | None) -> str:
        """The evidence panel for unit ``ref``: the sentences ``answer`` quotes from it highlighted, or a
        note that the answer did not quote it; the bare unit when there is no answer."""
        unit = self.index.unit(ref, doc_id or None)
        quotes = [c.quote for c in answer.citations
                  if c.ref == ref and (not doc_id or c.doc_id == doc_id)] if answer is not None else []
        if answer is not None and not quotes:
            return render.render_unit(unit, note="本条为检索到的相关条文，回答未直接引用。")
        return render.render_unit(unit, quotes)
