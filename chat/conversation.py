"""Multi-turn conversations: follow-ups are rewritten into standalone questions.

- "那2035年呢？"        → the previous question with its year replaced;
- "那养老方面呢？"      → the previous question's frame with the new topic;
- "第二条具体怎么说？"  → after an answer listing several articles, the 2nd article listed
  (with a note saying so); "第2条讲了什么" with digits always means article 2;
- "还有吗？"            → more: the next retrieved units not shown yet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ingest.parse import cn_to_int
from ingest.units import CN_NUMERALS, normalize

from .answer import Answer

YEAR_RE = re.compile(r"(20\d\d|二〇[一二三四五六七八九〇]{2})年?")
MORE_RE = re.compile(r"^(还有吗|还有呢|还有别的吗|还有其他的吗|还有没有|继续|更多|再多说一些|还有什么)[？?。!！]*$")
ORDINAL_RE = re.compile(rf"^(?:那)?第([{CN_NUMERALS}]{{1,2}})(?:条|个|点|项)(?:具体)?(?:怎么说|讲了什么|说了什么|内容|是什么|呢|详细说说|展开说说)?[？?。]*$")
FOLLOWUP_RE = re.compile(r"^(那|那么|那个|这个|它|其中|另外)?(.{0,16}?)(呢|怎么样|如何|怎么说)[？?。]*$")


@dataclass
class Turn:
    question: str
    resolved: str
    answer: Answer


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def add(self, question: str, resolved: str, answer: Answer) -> None:
        self.turns.append(Turn(question, resolved, answer))
        del self.turns[:-20]                     # bounded memory per conversation


@dataclass(frozen=True)
class Resolved:
    text: str                  # standalone question to answer
    mode: str                  # new | rewrite | ordinal | more
    ref: str | None = None     # for ordinal: the article meant
    note: str = ""             # shown to the user when the rewrite is not obvious


def cited_refs(answer: Answer) -> list[str]:
    out: list[str] = []
    for c in answer.citations:
        if c.ref not in out:
            out.append(c.ref)
    return out


def resolve(question: str, conversation: Conversation | None,
            content_words: Callable[[str], list[str]] = lambda q: []) -> Resolved:
    """Rewrite a follow-up into a standalone question (``content_words`` finds a question's topic)."""
    text = normalize(question).strip()
    last = conversation.last if conversation else None
    if last is None:
        return Resolved(question, "new")
    if MORE_RE.match(text):
        return Resolved(last.resolved, "more")
    ordinal = ORDINAL_RE.match(text)
    refs = cited_refs(last.answer)
    if ordinal and len(refs) >= 2:
        n = cn_to_int(ordinal.group(1))
        if 1 <= n <= len(refs):
            ref = refs[n - 1]
            label = last.answer.citations[[c.ref for c in last.answer.citations].index(ref)].label
            return Resolved(f"{label}讲了什么", "ordinal", ref,
                            note=f"（按上一回答列出的顺序，第{ordinal.group(1)}条指{label}）")
    year = YEAR_RE.search(text)
    follow = FOLLOWUP_RE.match(text)
    if year and len(text) <= 12 and YEAR_RE.search(last.resolved):
        return Resolved(YEAR_RE.sub(year.group(0) if year.group(0).endswith("年") else year.group(0) + "年",
                                    last.resolved, count=1), "rewrite")
    if follow and len(text) <= 16:
        topic = follow.group(2).strip("的 ")
        if not topic:
            return Resolved(last.resolved, "rewrite")
        previous_topic = next((w for w in content_words(last.resolved) if w in normalize(last.resolved)), None)
        if previous_topic:
            return Resolved(normalize(last.resolved).replace(previous_topic, topic, 1), "rewrite")
        return Resolved(f"{topic}{last.resolved}", "rewrite")
    return Resolved(question, "new")
