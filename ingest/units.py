"""The typed things that flow out of ingestion: documents, units and passages."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from .text.refs import ref_label

UnitKind = Literal["header", "preamble", "intro", "article", "closing"]

@dataclass(frozen=True)
class DocumentMeta:
    """One source document of the knowledge base, described by the ``.meta.json`` beside its text:
    ``adopted`` is the adoption date as written there ("2026-01-08"; "" when absent), ``source_sha256``
    the hex sha256 of the text file's bytes."""

    doc_id: str
    title: str
    short_title: str
    issuer: str
    adopted: str
    source_file: str
    source_sha256: str
    primary: bool = False    # the main document: its refs are cited bare (第7条); others as 《简称》第7条

    @property
    def citation_prefix(self) -> str:
        """What goes before a ref label in citations: "" for the primary document, else 《简称》."""
        return "" if self.primary else f"《{self.short_title}》"


@dataclass(frozen=True)
class Unit:
    """One citable unit of the plan: the header (title + adoption line), the preamble, a part intro,
    an article or the closing."""

    doc_id: str
    ref: str                 # "7", "P3", "P0", "END", "H"
    kind: UnitKind
    part_no: int             # 0 for the preamble, 1..13 for parts (the closing keeps the last part's number)
    part_heading: str        # e.g. "三、培育发展新质生产力,构建现代化产业体系"
    title: str               # first sentence without its number, e.g. "迭代升级现代制造业集群"
    text: str                # verbatim source text of the unit
    start: int               # character span in the source file: source[start:end] == text
    end: int
    tokens: int = 0          # tiktoken count, for context budgeting
    doc_label: str = ""      # "" for the primary document, "《简称》" for the others

    @property
    def label(self) -> str:
        """The unit's citation label with its document prefix: 第7条, or 《简称》第7条 for a secondary document."""
        return self.doc_label + ref_label(self.ref)

    def to_dict(self) -> dict:
        """All fields as a JSON-ready dict (one entry of units.json)."""
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """What dense retrieval scores: a sentence (or piece of one) inside a unit."""

    unit: int                # index of its unit in the knowledge index
    text: str                # verbatim
    start: int               # offset inside the unit's text
    end: int

    def to_dict(self) -> dict:
        """All fields as a JSON-ready dict (one entry of passages.json)."""
        return asdict(self)
