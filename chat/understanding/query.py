"""What a question means, as one typed, frozen value: the output of ``chat.understanding.understand``.

A ``Query`` fixes what is asked (its ``Shape``), for which periods, about which topic and,
when the question names one, which part of the document; a question that asks two things
carries one sub-query per thing in ``parts``. Nothing here decides whether the plan answers:
that is decided after retrieval, on the evidence (``chat.retrieval.evidence``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum


class Shape(str, Enum):
    """The form of answer a question calls for."""

    FIGURE = "figure"            # 多少 / 比例 / 多大: a number from the plan
    COUNT = "count"              # 几个 / 多少项: count enumerated items (or the document's structure)
    LIST = "list"                # 有哪些 / 全部列出: every item, grouped by article
    COMPARE = "compare"          # A和B哪个高 / 区别: one cited line per part, then the comparison
    LOCATE = "locate"            # 在哪一条 / 哪些条提到X: where in the plan
    STRUCTURE = "structure"      # 第N部分 / 第N条讲什么 / 序言 / 结束语
    METADATA = "metadata"        # 哪天通过 / 哪次会议 / 标题: the header 〔题注〕
    YESNO = "yesno"              # 有没有 / 是否 / 会不会
    EXPLAIN = "explain"          # “X”是什么意思 / 指什么
    ASSISTANT = "assistant"      # about the assistant itself, or a request to invent content
    GENERAL = "general"          # anything else: the best sentences


class Period(str, Enum):
    """The plan's three time frames."""

    RESULT = "result"            # 2025 / “十四五” achievements
    GOAL = "goal"                # 2030 / “十五五” goals
    VISION = "vision"            # 2035 long-range goals


class StructKind(str, Enum):
    """The kinds of structural place a question can name (第N条, 第N部分, 序言 …)."""

    ARTICLE = "article"          # 第N条
    PART = "part"                # 第N部分 (its heading, intro and articles)
    INTRO = "intro"              # 第N部分导语
    PREAMBLE = "preamble"        # 序言
    CLOSING = "closing"          # 结束语
    DOCUMENT = "document"        # the whole document (一共多少条 / 几个部分)


@dataclass(frozen=True)
class StructRef:
    """A structural place the question names: (kind, number) — number 0 where none applies."""

    kind: StructKind
    number: int = 0                 # negative: counted from the end (-1 最后一条, -2 倒数第二条)
    part: int = 0                   # an article counted within this part (第八部分的第一条: number 1, part 8)


@dataclass(frozen=True)
class Query:
    """One understood question.

    ``text`` is what retrieval sees (cleaned, follow-ups completed, injected instructions removed);
    ``topic`` the content words that say what it is about; ``expansions`` the plan's own terms for
    its everyday words; ``parts`` one sub-query per thing asked when it asks several (each with the
    shape of that part); ``scope`` a document id or None for all; ``term`` the quoted or named term of
    a locate/explain question; ``absent`` words naming something the plan never mentions (a signal,
    weighed against the evidence); ``stripped`` instructions to the assistant that were removed.
    """

    text: str
    shape: Shape
    periods: frozenset[Period] = frozenset()
    periods_explicit: bool = False   # named by a year, 十四五/十五五, 现在/以后 … (not only by 目标/已/要)
    topic: tuple[str, ...] = ()
    phrasing: tuple[str, ...] = ()   # words of the wording the plan never uses and that name nothing (缩到, 摊到)
    expansions: tuple[str, ...] = ()
    struct: StructRef | None = None
    parts: tuple["Query", ...] = ()
    scope: str | None = None
    term: str | None = None
    asks: str = ""                   # the question's own wh-phrase with its measure: 多少人, 多大, 占比
    all_mentions: bool = False       # 哪些条提到X: every unit containing the term, not only the top ones
    list_all: bool = False           # 全部列出: every item, with a count and a pointer when cut
    absent: tuple[str, ...] = ()
    broader: tuple[tuple[str, str], ...] = ()   # (place the plan never names, broader place it names)
    other_region: str | None = None  # the question asks about another region's own plan
    opinion: bool = False            # asks the assistant for personal advice or an opinion
    stripped: tuple[str, ...] = ()
    followup: str = "new"            # new | rewrite | ordinal | more (how the dialogue state was used)
    focus_refs: tuple[str, ...] = ()  # a follow-up about what was just answered: the units it cited
    ordinal_ref: str | None = None   # for "第二条具体怎么说" after a multi-article answer
    note: str = ""                   # shown to the user when the reading of a follow-up is not obvious

    def with_(self, **changes) -> "Query":
        """A copy with some fields changed (dataclasses.replace)."""
        return replace(self, **changes)

    def to_json(self) -> dict:
        """A plain-JSON view, for logs and tests."""
        return {
            "text": self.text, "shape": self.shape.value,
            "periods": sorted(p.value for p in self.periods), "periods_explicit": self.periods_explicit, "topic": list(self.topic),
            "phrasing": list(self.phrasing),
            "expansions": list(self.expansions),
            "struct": None if self.struct is None else [self.struct.kind.value, self.struct.number],
            "parts": [p.to_json() for p in self.parts], "scope": self.scope, "term": self.term, "asks": self.asks,
            "all_mentions": self.all_mentions, "list_all": self.list_all, "absent": list(self.absent),
            "broader": [list(b) for b in self.broader],
            "other_region": self.other_region, "opinion": self.opinion, "stripped": list(self.stripped),
            "followup": self.followup,
        }
