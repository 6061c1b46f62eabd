"""The typed things that flow out of ingestion: documents, units and passages."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from .text.refs import ref_label

UnitKind = Literal["header", "preamble", "intro", "article", "closing"]

@dataclass(frozen=True)
class DocumentMeta:
    """One source document of the knowledge base, described by the ``.meta.json`` beside it or, without
    one, by what the text says (ingest.metadata): ``adopted`` is the adoption date ("2026-01-08"; "" when
    unknown), ``source_sha256`` the hex sha256 of the file's bytes."""

    doc_id: str
    title: str
    short_title: str
    issuer: str
    adopted: str
    source_file: str
    source_sha256: str
    primary: bool = False    # the main document: its refs are cited bare (第7条); others as 《简称》第7条
    layout: str = "建议"      # ingest.layouts.Layout value the text was read in: 建议, 纲要, 方案, 标题样式, 段落
    source_format: str = "txt"   # txt, md, docx, pdf
    encoding: str = "utf-8"  # of a txt/md file; "" for docx and pdf
    warnings: tuple[str, ...] = ()   # what reading and parsing noticed (Chinese, one line each)

    @property
    def citation_prefix(self) -> str:
        """What goes before a ref label in citations: "" for the primary document, else 《简称》."""
        return "" if self.primary else f"《{self.short_title}》"


@dataclass(frozen=True)
class Unit:
    """One citable unit of the plan: the header (title + adoption line), the preamble, a part intro,
    an article or the closing."""

    doc_id: str
    ref: str                 # "7", "P3", "P0", "END", "H"; "3.2", "2.3.1" (dotted numbers), "P2" (a 篇's intro)
    kind: UnitKind
    part_no: int             # 0 for the preamble, 1..13 for parts (the closing keeps the last part's number)
    part_heading: str        # e.g. "三、培育发展新质生产力,构建现代化产业体系"
    title: str               # first sentence without its number, e.g. "迭代升级现代制造业集群"
    text: str                # verbatim source text of the unit
    start: int               # character span in the source file: source[start:end] == text
    end: int
    tokens: int = 0          # tiktoken count, for context budgeting
    doc_label: str = ""      # "" for the primary document, "《简称》" for the others
    numbering: str = ""      # the document's own numbering when the ref does not spell it: 第三章第二节, 二（三）1
    context: str = ""        # the headings above the unit that no unit holds (二、重点任务 （三）培育市场主体); "" here

    @property
    def search_text(self) -> str:
        """What lexical retrieval and the evidence judge read: the unit's text after its heading context."""
        return f"{self.context}\n{self.text}" if self.context else self.text

    @property
    def local_label(self) -> str:
        """The unit's label inside its document: 第7条, 第三部分导语, 第三章第二节, 二（三）1, 第2段."""
        return self.numbering or ref_label(self.ref)

    @property
    def label(self) -> str:
        """The unit's citation label with its document prefix: 第7条, or 《简称》第7条 for a secondary document."""
        return self.doc_label + self.local_label

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
