"""Dialogue state as slots: each turn keeps its ``Query``; a follow-up fills what it leaves out.

- "那2030年呢" overrides the period, keeps topic and shape;
- "那旅游呢" overrides the topic, keeps shape and period;
- "它在哪一条" overrides the shape, keeps the topic;
- "我说的是现在的" overrides the period;
- "哪个最快建成" keeps the topic and adds its own words (a choice among what was just listed);
- "第二条具体怎么说" after an answer citing several articles means the 2nd of them;
- "还有吗" asks for more of the same; "能详细说说" for the article the last answer came from, whole;
- "下一条呢 / 上一条呢" after an article: its neighbour; "第三条是啥" after "共6条：…": the third item;
- "那农村呢" after 养老 narrows the topic (农村 + 养老) when the documents say them together and 农村 is
  a widespread plain noun; "那就业呢" replaces it;
- a complete new question (its own topic, no anaphora) starts fresh.

The rewritten question shown to the user is written from the slots, so it is always a
grammatical question, never string surgery on the previous one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jieba.posseg

from chat.answer import Answer
from chat.understanding.forms import COUNTED_RE, GENERAL_FORM_RE
from chat.understanding.places import is_place_name
from chat.understanding.query import Period, Query, Shape, StructKind, StructRef
from chat.understanding.understand import (
    LOCATE_RE,
    Understander,
    is_nominal,
    periods_of,
    shape_of,
    struct_ref,
)
from ingest.text.normalize import normalize
from ingest.text.numerals import CN_NUMERALS, cn_number, cn_to_int

NEXT_RE = re.compile(r"^(?:那|那么)?(下一条|后一条|上一条|前一条)(?:呢|讲什么|讲了什么|说了什么|是什么|讲的啥|讲啥)?[？?。]*$")
MORE_RE = re.compile(r"^(?:那)?(?:还有吗|还有呢|还有别的吗|还有其他的吗|还有没有|还有别的没|还有啥|继续|更多|再多说一些|还有什么|再说说|接着说)[？?。!！]*$")
ELABORATE_RE = re.compile(r"^(?:那)?(?:(?:能|可以|麻烦)?(?:再)?(?:详细|具体|展开)(?:说说|讲讲|说一下|讲一下|介绍一下|点)(?:不|吗|嘛|呢)?"
                          r"|(?:说|讲)(?:得)?(?:详细|具体)(?:一)?点)[？?。!！]*$")     # 能详细说说不: the article itself
ORDINAL_RE = re.compile(rf"^(?:那)?第([{CN_NUMERALS}]{{1,2}})(?:条|个|点|项)(?:具体)?(?:怎么说|讲了什么|说了什么|内容|是什么|是啥|讲啥|说的啥|呢|详细说说|展开说说)?[？?。]*$")
ITEM_ORDINAL_RE = re.compile(rf"^(?:那)?第([{CN_NUMERALS}]{{1,2}})(?:个|项|点|家|处)(.{{0,14}}?)[？?。]*$")
ELLIPSIS_RE = re.compile(r"^(?:那|那么|那个|那如果|那要是|如果是|换成|要是)|呢[？?。]*$")
ANAPHORA_RE = re.compile(r"^(?:它|它们|这个|这些|这项|这条|该|其|其中|哪个|哪一个|哪条|哪项|哪些|这里|上面|刚才)|(?:它|它们|这个|这些|其中)"
                         r"|这[两二三四五六七八九十几]+[个项条件点处家种类]")     # 这两个数, 这几项
IN_PART_RE = re.compile(r"它|其|下面|里面|这部分|这一部分|该部分|本部分")        # "它下面第一条": the part just asked about
CORRECTION_RE = re.compile(r"^(?:我)?(?:说的是|问的是|是说|指的是|不是.{0,8}是)")
SHAPE_SUFFIX = {
    Shape.FIGURE: "是多少？", Shape.COUNT: "有几个？", Shape.LIST: "有哪些？", Shape.LOCATE: "在哪一条？",
    Shape.YESNO: "有没有相关安排？", Shape.EXPLAIN: "是什么意思？", Shape.GENERAL: "有哪些安排？",
    Shape.COMPARE: "哪个更高？",
}
PERIOD_WORDS = {Period.RESULT: "2025年", Period.GOAL: "2030年", Period.VISION: "2035年"}


@dataclass
class Turn:
    """One exchange: what the user typed, how it was understood, and the answer."""

    question: str
    query: Query
    answer: Answer


@dataclass
class Conversation:
    """The turns of one conversation (the Assistant keeps at most QuestionSettings.max_turns)."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        """The latest turn, or None before the first."""
        return self.turns[-1] if self.turns else None

    def add(self, question: str, query: Query, answer: Answer, max_turns: int) -> None:
        """Append a turn and keep only the last ``max_turns``."""
        self.turns.append(Turn(question, query, answer))
        del self.turns[:-max_turns]


def _names_a_topic(word: str) -> bool:
    """A word that can replace the topic: a noun (or verbal noun) of two or more characters — not
    a verb like 扩到 in "那到2030年要扩到多大"."""
    return len(word) >= 2 and (len(word) >= 4 or is_nominal(word))


def _is_noun(word: str) -> bool:
    return any(flag.startswith("n") for _, flag in jieba.posseg.cut(word))


def _replace_places(previous: tuple[str, ...], named: tuple[str, ...]) -> tuple[str, ...]:
    """The new topic of "那去万州的呢" after "黔江到吉首的高铁…": a place named alone replaces the
    last topic's place and keeps its other words (万州 + 高铁); anything else replaces the topic."""
    if not all(is_place_name(w) for w in named) or not any(is_place_name(w) for w in previous):
        return named
    return named + tuple(w for w in previous if not is_place_name(w))


def _narrows(named: list[str], previous: tuple[str, ...], understander: Understander) -> bool:
    """Whether "那X呢" narrows the last topic to X rather than replacing it: X is a plain noun of wide scope
    (农村, 城区: in at least ``QuestionSettings.narrowing_min_sentences`` of the documents' sentences; not an activity such as
    就业 or 教育, which jieba tags vn) and the documents say X together with the last topic in one sentence
    (农村"集中+邻里"互助养老)."""
    sentences = understander.sentences
    for word in named:
        flags = {flag for _, flag in jieba.posseg.cut(word)}
        if not flags <= {"n", "s"} or sum(word in s for s in sentences) < understander.narrowing_min_sentences:
            return False
    return any(all(w in s for w in named) and any(p in s for p in previous if len(p) >= 2) for s in sentences)


def cited_refs(answer: Answer) -> list[str]:
    """Refs of an answer's citations, in order, without repeats."""
    return list(dict.fromkeys(c.ref for c in answer.citations))


def rewrite_text(query: Query, period_said: bool = True) -> str:
    """A grammatical standalone question written from a query's slots. Its period is written for a figure,
    count or comparison, or when the follow-up said one (``period_said``: 那2030年呢); a period kept from
    earlier turns would only pull a 有哪些安排 question towards the articles that name 2030年."""
    numeric = query.shape in (Shape.FIGURE, Shape.COUNT, Shape.COMPARE)
    when = "".join(PERIOD_WORDS[p] for p in sorted(query.periods, key=lambda p: list(Period).index(p))
                   ) if numeric or period_said else ""
    topic = "".join(query.topic) or "这方面"
    if query.shape in (Shape.FIGURE, Shape.COUNT) and query.asks not in ("", "多少", "几"):
        return f"{when}{topic}{query.asks}？"                 # keeps the measure: 多大 / 多少人 / 占比
    return f"{when}{topic}{SHAPE_SUFFIX.get(query.shape, '有哪些安排？')}"


def follow(text: str, conversation: Conversation | None, understander: Understander,
           scope: str | None = None) -> Query:
    """The Query of ``text`` in the light of the conversation so far (a fresh one if none)."""
    fresh = understander.understand(text, scope)
    last = conversation.last if conversation else None
    if last is None or fresh.shape is Shape.ASSISTANT:
        return fresh
    prev = last.query
    norm = normalize(text).strip()
    if MORE_RE.match(norm):
        return prev.with_(followup="more")
    ordinal = ORDINAL_RE.match(norm)
    refs = cited_refs(last.answer)
    if ELABORATE_RE.match(norm) and refs:
        # "能详细说说不" after an answer: the article it came from, whole
        label = next(c.label for c in last.answer.citations if c.ref == refs[0])
        return fresh.with_(shape=Shape.STRUCTURE, followup="ordinal", ordinal_ref=refs[0], text=f"{label}讲了什么",
                           note=f"按上文，展开{label}原文")
    step = NEXT_RE.match(norm)
    if step and refs and refs[0].isdigit():
        # "第22条讲了什么" -> "下一条呢": the article after the one just answered (上一条: before it)
        n = int(refs[0]) + (1 if step.group(1) in ("下一条", "后一条") else -1)
        if n >= 1:
            return understander.understand(f"第{n}条讲了什么", scope).with_(
                followup="ordinal", note=f"按上文，{step.group(1)}指第{n}条")
    items_claim = next((d for d in last.answer.derived if d.kind == "items"), None)
    items = items_claim.items if items_claim is not None else ()
    item = ITEM_ORDINAL_RE.match(norm)
    if item is None and ordinal and items_claim is not None and items_claim.sentence.startswith(f"共{len(items)}条"):
        item = ITEM_ORDINAL_RE.match(norm.replace("条", "个", 1))   # "共6条：坚持…" -> "第三条是啥": the third of them
    if item and items and 1 <= cn_to_int(item.group(1)) <= len(items):
        # "第二个具体要干什么" after "共4个：A、B、C、D": the question about B
        named = items[cn_to_int(item.group(1)) - 1]
        rest = item.group(2) or "是什么"
        return understander.understand(f"{named}{rest}", scope).with_(
            followup="ordinal", note=f"按上一回答列出的顺序，第{item.group(1)}个指“{named}”")
    in_part = 0 if prev.struct is None else prev.struct.number if prev.struct.kind is StructKind.PART else (
        prev.struct.part if prev.struct.kind is StructKind.ARTICLE else 0)   # a part, or an article counted in one
    if (in_part > 0 and fresh.struct is not None and fresh.struct.kind is StructKind.ARTICLE
            and fresh.struct.number != 0 and not fresh.struct.part and "全文" not in norm
            and (len(norm) <= 10 or IN_PART_RE.search(norm))):
        # "第八部分讲了啥" -> "第一条/最后一条讲什么": the part's (the note says so; 全文第一条 is the other)
        n = fresh.struct.number
        which = "最后一条" if n == -1 else f"倒数第{cn_number(-n)}条" if n < 0 else f"第{cn_number(n)}条"
        return fresh.with_(struct=StructRef(StructKind.ARTICLE, n, part=in_part), followup="ordinal",
                           note=f"按上文，指第{cn_number(in_part)}部分的{which}；问全文的请说“全文{which}”")
    if ordinal and len(refs) >= 2:
        n = cn_to_int(ordinal.group(1))
        if 1 <= n <= len(refs):
            label = next(c.label for c in last.answer.citations if c.ref == refs[n - 1])
            return fresh.with_(shape=Shape.STRUCTURE, followup="ordinal", ordinal_ref=refs[n - 1],
                               text=f"{label}讲了什么",
                               note=f"按上一回答列出的顺序，第{ordinal.group(1)}条指{label}")
    if fresh.struct is not None and fresh.struct.kind is not StructKind.DOCUMENT and not LOCATE_RE.search(norm):
        return fresh                                      # names its own article or part
    if (prev.struct is not None and prev.struct.kind is StructKind.DOCUMENT and fresh.struct is None
            and fresh.shape in (Shape.COUNT, Shape.STRUCTURE) and re.search(r"部分|条|块|章|节", norm)):
        return fresh.with_(struct=prev.struct, followup="rewrite")   # "建议一共有多少条" -> "分几个部分": the document's
    first_clause = re.split(r"(?<=[?？。!！])", norm)[0]       # "那鸡呢？要养多少？": 那鸡呢？
    bare = re.match(r"^(?:那|那么)?(?:如果是|换成|要是)?(.{1,10}?)(?:方面|这块|这一块)?呢[？?。]*$", first_clause)
    own_topic = [w for w in fresh.topic if w not in prev.topic and (
        _names_a_topic(w) or (bare is not None and w in bare.group(1) and (len(w) >= 2 or _is_noun(w))))]
    # "那就业呢", "那鸡呢": whatever it names (not 后 in "五年后的目标呢")
    elliptical = bool(ELLIPSIS_RE.search(norm)) and len(norm) <= 18
    anaphoric = bool(ANAPHORA_RE.search(norm)) and len(norm) <= 24
    correction = bool(CORRECTION_RE.search(norm))
    # a short figure question naming nothing of its own ("平均每年涨多少？") asks about the same thing
    terse = (len(norm) <= 12 and fresh.shape in (Shape.FIGURE, Shape.COUNT)
             and not any(_names_a_topic(w) for w in fresh.topic))
    # a question whose topic is one character at most and has no plan term for its everyday words ("这事写在
    # 第几条", "里面哪几个是吃东西的地方": 事, 吃) names nothing the documents could be about on its own
    nameless = not any(len(w) >= 2 for w in fresh.topic) and not fresh.expansions   # 钱从哪来: 从, 来
    if not (elliptical or anaphoric or correction or terse or nameless):
        return fresh                                      # a complete new question
    if (terse or nameless) and not (elliptical or anaphoric):
        anaphoric = True                                  # keeps the topic, adds its own words
    if nameless and prev.struct is not None and prev.struct.kind in (StructKind.PART, StructKind.INTRO):
        return prev.with_(followup="rewrite")             # "第八部分讲了啥" -> "里面有哪几条": the same part
    periods = fresh.periods or prev.periods
    own_shape = shape_of(norm, struct_ref(norm))
    shape = prev.shape
    if own_shape is not Shape.GENERAL and not (elliptical and own_shape is Shape.YESNO):
        shape = own_shape
    elif GENERAL_FORM_RE.search(norm):                    # "那教育方面高考成绩咋样": asks its own way, not 几个
        shape = Shape.GENERAL
    if anaphoric and not elliptical:                      # a choice among what was just said
        topic = tuple(prev.topic) + tuple(w for w in fresh.topic if w not in prev.topic and len(w) >= 2
                                          and not COUNTED_RE.fullmatch(w))
    elif (own_topic and not (correction and periods_of(norm)) and not any(len(p) >= 2 and p in norm for p in prev.topic)
          and _narrows(own_topic, prev.topic, understander)):     # not 民族医院 after 区中医院: a sibling, same head
        topic = tuple(own_topic) + tuple(prev.topic)      # "养老方面有啥政策" -> "农村呢": 农村 + 养老
    elif own_topic and not (correction and periods_of(norm)):
        topic = _replace_places(prev.topic, tuple(own_topic))   # the topic is replaced
    else:
        topic = prev.topic
    expansions = fresh.expansions if own_topic and not anaphoric else prev.expansions + fresh.expansions
    phrasing = fresh.phrasing if own_topic and not anaphoric else prev.phrasing + fresh.phrasing
    if anaphoric and not elliptical and own_shape is Shape.GENERAL:
        shape = Shape.GENERAL                             # "哪个最快建成": a choice, answered by the best sentences
    # "它写在第几条": where the last answer came from; not "那数据标注呢", which names a topic of its own
    focus = tuple(refs) if (anaphoric or elliptical) and shape is Shape.LOCATE and not (own_topic and not anaphoric) else ()
    merged = prev.with_(shape=shape, focus_refs=focus, periods=periods,
                        periods_explicit=fresh.periods_explicit if fresh.periods else prev.periods_explicit, topic=topic, phrasing=tuple(dict.fromkeys(phrasing)), expansions=tuple(dict.fromkeys(expansions)),
                        parts=(), followup="rewrite", asks=fresh.asks or prev.asks, term=fresh.term or (prev.term if shape is prev.shape else None),
                        all_mentions=fresh.all_mentions, list_all=fresh.list_all, absent=fresh.absent,
                        opinion=fresh.opinion, stripped=fresh.stripped, struct=None, note="")
    if anaphoric and not elliptical:
        about = "".join(prev.topic) or prev.text.rstrip("?？。")   # 重点镇有哪几个：出自哪一条？
        return merged.with_(text=about + "：" + norm.rstrip("?？。") + "？")
    return merged.with_(text=rewrite_text(merged, period_said=bool(fresh.periods)))
