"""What a question asks for, read from its wording (no model involved).

- ``article``:  "第7条讲了什么" / "第三部分导语" / "结束语" → that unit, verbatim;
- ``mentions``: "哪些条提到了X" / "X在建议里出现在哪些地方" → every unit containing X;
- ``locate``:   "营商环境在第几条" → the article(s) where a topic is treated;
- ``figure``:   "…是多少" / "几个" / "比例" → the targets table first;
- ``list``:     "有哪些" / "列举" → a list grouped by article;
- ``general``:  everything else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.parse import cn_to_int
from ingest.units import CN_NUMERALS, normalize

_NUM = rf"(\d{{1,3}}|[{CN_NUMERALS}]{{1,3}})"
ARTICLE_RE = re.compile(rf"第{_NUM}条")
PART_INTRO_RE = re.compile(rf"第{_NUM}部分(?:的)?导语")
ASKS_CONTENT_RE = re.compile(r"(讲|说|写|内容|是什么|原文|全文|具体|规定|提出|主要|什么意思|要求)")
MENTION_PATTERNS = [
    re.compile(r"^(?:建议|原文|文件|规划)?(?:中|里)?(?:一共)?(?:提到|提及|涉及|提出)(?:了|过)?哪些(?P<term>.+?)$"),
    re.compile(r"^(?P<term>[^，,。？?]{2,20}?)(?:在|于)(?:建议|原文|文件|规划)(?:里|中|当中)"),
    re.compile(r"^(?P<term>[^，,。？?]{2,20}?)相关的?(?:建设)?(?:内容|条文|表述|提法|安排)"),
    re.compile(r"^(?:建议|原文|文件)?(?:里|中)?(?:有)?哪些(?:条|条文|地方|部分|内容)(?:里|中)?(?:提到|提及|出现|涉及|讲到|说到)(?:了|过)?(?P<term>.+?)$"),
    re.compile(r"^(?P<term>.+?)(?:在|于)?(?:建议|原文|文件)?(?:里|中)?(?:一共|总共|都)?(?:出现|提到|提及)(?:了|过)?(?:在)?(?:哪些|几)(?:地方|条|处|次|部分)"),
    re.compile(r"^(?:提到|提及|涉及)(?:了)?(?P<term>.+?)的(?:条文|条款|地方|内容)(?:有哪些)?$"),
    re.compile(r"^(?:列出|找出|列举)(?:所有|全部)?(?:提到|提及|涉及)(?:了)?(?P<term>.+?)的(?:条文|条款|地方|内容)?$"),
]
MENTION_TRIM = "“”\"'‘’《》「」 ，,、。？?！!：:的了"
GENERIC_TERMS = {"内容", "项目", "措施", "举措", "政策", "安排", "工作", "方面", "任务", "目标", "要求", "地方",
                 "条文", "重点", "事情", "东西", "重大项目", "重点项目", "重要内容"}
LOCATE_RE = re.compile(r"(第几条|哪一条|哪条|哪几条|哪个部分|哪一部分|哪部分|在哪里|在哪儿|在哪)")
FIGURE_RE = re.compile(
    r"(多少|(?<!哪)几[个项所家条年天次万亿千百成倍名位]|几成|比例|比重|比率|占比|排第几|排名|多大|多高|多长|多远|多快|数值|指标值|增速|增长率)"
)
STRICT_FIGURE_RE = re.compile(r"(多少|(?<!哪)几[个项所家条年天次万亿千百成倍名位]|比例|占比|排第几)")
LIST_RE = re.compile(r"(有哪些|哪些|列举|列出|都有什么|有什么|包括什么|包括哪些|几大|分别)")
ELLIPSIS_END_RE = re.compile(r"[？?。！!…\s]+$")


@dataclass(frozen=True)
class Intent:
    kind: str                 # article | mentions | locate | figure | list | general
    ref: str | None = None    # for ``article``
    term: str | None = None   # for ``mentions``


def _ref_from_match(num: str) -> int:
    return int(num) if num.isdigit() else cn_to_int(num)


def clean_question(question: str) -> str:
    return ELLIPSIS_END_RE.sub("", normalize(question).strip())


def mention_term(question: str) -> str | None:
    text = clean_question(question)
    for pattern in MENTION_PATTERNS:
        match = pattern.search(text)
        if match:
            term = re.split(r"[，,。；;？?！!]", match.group("term"))[0].strip(MENTION_TRIM)
            term = re.sub(r"^(?:建议|原文|文件)(?:里|中)?", "", term).strip(MENTION_TRIM)
            term = re.sub(r"^(?:关于|有关|涉及)", "", term)
            term = re.sub(r"(?:的|方面的|相关的)?(?:内容|安排|表述|举措|措施|政策|提法)$", "", term).strip(MENTION_TRIM)
            if 1 < len(term) <= 20 and term not in GENERIC_TERMS:
                return term
    return None


def detect(question: str) -> Intent:
    text = clean_question(question)
    part = PART_INTRO_RE.search(text)
    if part:
        return Intent("article", ref=f"P{_ref_from_match(part.group(1))}")
    if re.fullmatch(r"(?:建议的)?(?:序言|开头|前言)(?:讲了什么|说了什么|是什么|内容)?", text):
        return Intent("article", ref="P0")
    if re.fullmatch(r"(?:建议的)?(?:结束语|结尾|结语)(?:讲了什么|说了什么|是什么|内容)?", text):
        return Intent("article", ref="END")
    article = ARTICLE_RE.search(text)
    rest = ARTICLE_RE.sub("", text) if article else ""
    if article and (ASKS_CONTENT_RE.search(rest) or len(rest) <= 4):
        return Intent("article", ref=str(_ref_from_match(article.group(1))))
    term = mention_term(question)
    if term:
        return Intent("mentions", term=term)
    if LOCATE_RE.search(text):
        return Intent("locate")
    if FIGURE_RE.search(text):
        return Intent("figure")
    if LIST_RE.search(text):
        return Intent("list")
    return Intent("general")
