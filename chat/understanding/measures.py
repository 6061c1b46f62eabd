"""The kind of quantity a figure question asks for (people, area, money, share, …) and the units of
the targets table that measure it: 多少人 → 万人, 多大面积 → 平方公里, 占比 → %."""
from __future__ import annotations

import re
from dataclasses import dataclass

MEASURES = {        # kind of quantity asked → units of the targets table that measure it (first match wins)
    "rank": (r"排第几|排名|第几名|名次|排多少", ()),      # no row of the table states a rank
    "people": (r"多少人|几个人|住了|住多少|人口|常住|多少万人|人次|游客", ("万人", "人", "人次", "万人次", "名")),
    "area": (r"面积|平方公里|亩|公顷|多大(?:面积|地方|一?片)|好大一?片|扩到多大|扩到好大", ("平方公里", "平方米", "亩", "万亩", "公顷")),
    "growth": (r"涨(?:了)?多少|涨几|增长(?:了)?多少|增速|增幅|年均|每年平均|平均每年", ("%", "个百分点")),
    "size": (r"多大|好大|规模|体量|盘子", ("平方公里", "亩", "万亩", "亿元", "万元", "亿", "万人", "万吨", "")),
    "money": (r"多少钱|钱|元|产值|总值|gdp|收入|投资|亿|产出", ("亿元", "万元", "元", "亿", "万")),
    "share": (r"占比|比例|比重|百分之|%|率|几成|几个点|结构", ("%", "‰", "")),     # "" : ratios (2.1:1)
    "length": (r"多长|公里|里程|多远", ("公里", "千米", "米")),
    "time": (r"多久|多长时间|(?<![这那近前])几年|多少年|小时|分钟|多少天|几天", ("年", "小时", "分钟", "天", "周年")),
    "weight": (r"吨|产量|产能", ("万吨", "吨")),
    "livestock": (r"多少头|几头|多少羽|多少只|养多少", ("万头", "头", "万羽", "羽")),
}
PERCENT_ASKED_RE = re.compile(r"百分之几|百分之多少|百分比|%|几成|几个百分点")
EXACT_UNITS = ("万人次", "平方公里", "万吨", "万亩", "万头", "万羽", "亿元", "万元", "公里", "小时")
STRICT_MEASURES = ("money", "share", "time", "growth", "livestock", "weight")
MEASURE_WORDS = {u for _, units in MEASURES.values() for u in units} | {"钱", "多少钱"}


@dataclass(frozen=True)
class Measure:
    """The kind of quantity a question asks for, the words that said so, and whether it is binding:
    only the asked phrase binds ("多少钱" is never a ratio); a word of the topic (收入, 产值) hints."""

    name: str
    word: str
    strict: bool


def measure_of(text: str, asks: str = "") -> Measure | None:
    """The kind of quantity a question asks for (people, area, money, share, …), if it says: the one
    its asked phrase names (binding for money, share, time …; the phrase's last word decides, as a Chinese
    head noun does: 好大比例 is a share), else the first one its other words hint at."""
    if asks:
        found = [(m.end(), -i, name, m.group(0)) for i, (name, (pattern, _)) in enumerate(MEASURES.items())
                 for m in [re.search(pattern, asks)] if m]
        if found:
            _, _, name, word = max(found)
            return Measure(name, word, name in STRICT_MEASURES)
    for name, (pattern, _) in MEASURES.items():
        found = re.search(pattern, text) if text else None
        if found:     # a rate named in the topic (城镇化率, 覆盖率) is measured as one: never in 万人
            return Measure(name, found.group(0), name == "share" and found.group(0) == "率")
    return None
