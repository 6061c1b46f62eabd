"""The typed things that flow out of ingestion: documents, units and passages."""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from typing import Literal

UnitKind = Literal["header", "preamble", "intro", "article", "closing"]

CN_NUMERALS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1..99 as Chinese numerals: 3 -> 三, 13 -> 十三, 20 -> 二十."""
    if n <= 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_NUMERALS[tens] + "十"
    return head + (CN_NUMERALS[ones] if ones else "")


def cn_to_int(numeral: str) -> int:
    """一 -> 1, 十 -> 10, 十三 -> 13, 二十一 -> 21."""
    if "十" not in numeral:
        return CN_NUMERALS.index(numeral)
    tens, _, ones = numeral.partition("十")
    return (CN_NUMERALS.index(tens) if tens else 1) * 10 + (CN_NUMERALS.index(ones) if ones else 0)


def normalize(text: str) -> str:
    """Matching form of a text: NFKC (full-width punctuation and digits to ASCII), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def ref_label(ref: str) -> str:
    """Human label of a unit ref: '7' -> 第7条, 'P3' -> 第三部分导语, 'P0' -> 序言, 'END' -> 结束语,
    'H' -> 题注 (the title and adoption line)."""
    if ref.isdigit():
        return f"第{ref}条"
    if ref == "H":
        return "题注"
    if ref == "P0":
        return "序言"
    if ref == "END":
        return "结束语"
    if ref.startswith("P") and ref[1:].isdigit():
        return f"第{cn_number(int(ref[1:]))}部分导语"
    raise ValueError(f"not a unit ref: {ref!r}")


LABEL_PATTERN = rf"第\d{{1,3}}条|第[{CN_NUMERALS}]{{1,3}}部分导语|序言|结束语|题注"
NAMED_REFS = {"序言": "P0", "结束语": "END", "题注": "H"}


def ref_of_label(label: str) -> str:
    """The inverse of ``ref_label``: 第7条 -> '7', 第三部分导语 -> 'P3', 序言 -> 'P0', 结束语 -> 'END',
    题注 -> 'H'. Raises ValueError for anything else."""
    if label in NAMED_REFS:
        return NAMED_REFS[label]
    if label.startswith("第") and label.endswith("条") and label[1:-1].isdigit():
        return label[1:-1]
    if label.startswith("第") and label.endswith("部分导语"):
        return f"P{cn_to_int(label[1:-4])}"
    raise ValueError(f"not a unit label: {label!r}")


def ref_to_json(ref: str) -> int | str:
    """Articles are integers in JSON (7); other refs stay strings ('P3', 'END')."""
    return int(ref) if ref.isdigit() else ref


def ref_from_json(value: int | str) -> str:
    return str(value).strip()


@dataclass(frozen=True)
class DocumentMeta:
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
        return self.doc_label + ref_label(self.ref)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """What dense retrieval scores: a sentence (or piece of one) inside a unit."""

    unit: int                # index of its unit in the knowledge index
    text: str                # verbatim
    start: int               # offset inside the unit's text
    end: int

    def to_dict(self) -> dict:
        return asdict(self)
