"""What the tabs share: one UIContext over the loaded Assistant, and the per-browser session."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
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


@dataclass(frozen=True)
class UIContext:
    """The assistant, the views of its index every tab uses, the UI settings and a folder for downloads."""

    assistant: Assistant
    settings: UISettings
    units: list[Unit]
    labels: render.Labels                 # citation label -> (ref, doc_id)
    titles: dict[str, str]                # citation label -> unit title
    doc: DocumentMeta                     # the primary document (the page header)
    doc_titles: dict[str, str]            # doc_id -> 《title》
    files_dir: Path                       # CSV, Markdown and Word files offered for download

    @classmethod
    def create(cls, assistant: Assistant, settings: UISettings) -> UIContext:
        """The context over ``assistant``'s index, with a new temporary download folder."""
        index = assistant.index
        units = index.units
        return cls(
            assistant=assistant, settings=settings, units=units, labels=render.labels_of(units),
            titles={u.label: u.title for u in units},
            doc=next((d for d in index.documents if d.primary), index.documents[0]),
            doc_titles={d.doc_id: f"《{d.title}》" for d in index.documents},
            files_dir=Path(tempfile.mkdtemp(prefix="planqa-ui-")))

    @property
    def index(self) -> KnowledgeIndex:
        """The assistant's loaded index."""
        return self.assistant.index

    def evidence_html(self, ref: str, doc_id: str | None, answer: Answer | None) -> str:
        """The evidence panel for unit ``ref``: the sentences ``answer`` quotes from it highlighted, or a
        note that the answer did not quote it; the bare unit when there is no answer."""
        unit = self.index.unit(ref, doc_id or None)
        quotes = [c.quote for c in answer.citations
                  if c.ref == ref and (not doc_id or c.doc_id == doc_id)] if answer is not None else []
        if answer is not None and not quotes:
            return render.render_unit(unit, note="本条为检索到的相关条文，回答未直接引用。")
        return render.render_unit(unit, quotes)
