"""Unit ref ↔ label ↔ citation marker: one grammar for ingestion, answers, verification and the UI.

A *ref* identifies a unit inside its document ("7", "P3", "P0", "END", "H"); its *label* is what
readers see (第7条, 第三部分导语, 序言, 结束语, 题注); a *marker* cites it in an answer (〔第7条〕, or
〔《简称》第7条〕 for a unit of a secondary document).
"""
from __future__ import annotations

import re

from .numerals import CN_NUMERALS, cn_number, cn_to_int

NAMED_REFS = {"序言": "P0", "结束语": "END", "题注": "H"}
LABEL_PATTERN = rf"第\d{{1,3}}条|第[{CN_NUMERALS}]{{1,3}}部分导语|序言|结束语|题注"
MARKER_RE = re.compile(r"〔([^〔〕\n]{2,40})〕")       # the canonical marker; group 1: the label
_CN = f"[{CN_NUMERALS}]{{1,3}}"
LOOSE_MARKER_RE = re.compile(                         # markers as models write them: 【7】 [7] （第七条）
    rf"[【\[〔]\s*(?:第\s*)?(\d{{1,3}}|{_CN})\s*(?:条)?\s*[】\]〕]"
    # in round brackets only with 条: a bare （二） is a document's own item number, never a citation
    rf"|[(（]\s*(?:第\s*)?(\d{{1,3}}|{_CN})\s*条\s*[)）]"
    rf"|[【\[〔(（]\s*(第{_CN}部分导语|序言|结束语|题注)\s*[】\]〕)）]"
)
BARE_ARTICLE_RE = re.compile(rf"第(\d{{1,3}}|{_CN})条")   # 第7条 / 第七条 in running text


def ref_label(ref: str) -> str:
    """Human label of a unit ref: '7' -> 第7条, 'P3' -> 第三部分导语, 'P0' -> 序言, 'END' -> 结束语,
    'H' -> 题注 (the title and adoption line). Raises ValueError for anything else."""
    if ref.isdigit():
        return f"第{ref}条"
    for label, named in NAMED_REFS.items():
        if ref == named:
            return label
    if ref.startswith("P") and ref[1:].isdigit():
        return f"第{cn_number(int(ref[1:]))}部分导语"
    raise ValueError(f"not a unit ref: {ref!r}")


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


def is_label(label: str) -> bool:
    """Whether ``label`` is a unit label of the primary document (第7条, 第三部分导语, 序言 …)."""
    return re.fullmatch(LABEL_PATTERN, label) is not None


def marker_of(label: str) -> str:
    """The citation marker of a label: 第7条 -> 〔第7条〕."""
    return f"〔{label}〕"


def label_of_token(token: str) -> str:
    """The label a loose marker's token names: '7' / '七' -> 第7条; 序言, 第三部分导语 … as they are."""
    if token in NAMED_REFS or token.endswith("部分导语"):
        return token
    return ref_label(str(int(token) if token.isdigit() else cn_to_int(token)))


def normalize_markers(text: str) -> str:
    """Rewrite citation markers of any common shape (【7】, [7], （第七条）) to 〔第7条〕 / 〔第三部分导语〕."""
    def loose(match: re.Match) -> str:
        return marker_of(label_of_token(match.group(1) or match.group(2) or match.group(3)))
    return LOOSE_MARKER_RE.sub(loose, text)


def ref_to_json(ref: str) -> int | str:
    """Articles are integers in JSON (7); other refs stay strings ('P3', 'END')."""
    return int(ref) if ref.isdigit() else ref


def ref_from_json(value: int | str) -> str:
    """A ref read back from JSON (7 or "7" -> "7")."""
    return str(value).strip()
