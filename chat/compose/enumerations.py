"""Reading lists out of the plan's sentences: 、-enumerations ("黄溪、濯水…、太极等重点镇" → 7 items), runs of
quoted items (“夜味”“夜赏”…), whole sentences of a unit, and the words near a list that tie it to a topic. Used
to count and list (chat/compose/shapes.py) and by the study tools (chat/study)."""
from __future__ import annotations

import re

import jieba.posseg

from ingest.lexical import bigrams
from ingest.text.sentences import sentence_spans
from ingest.units import Unit

ENUM_RE = re.compile(r"(?:[^、，,。；;：:“”（）()]{1,18}、)+[^、，,。；;：:“”（）()]{1,24}")
NAME_SUFFIXES = set("州市县区镇乡村省园馆校院寨湖山江")
LEADING_TAGS = {"v", "vn", "p", "c", "d", "ad", "u", "r", "f"}


def _trim_item(item: str, first: bool) -> str:
    item = item.strip(" “”\"'")
    if first:                                   # "强化黄溪" → "黄溪": drop leading verbs and particles
        words = list(jieba.posseg.cut(item))
        while len(words) > 1 and words[0].flag[:2] in LEADING_TAGS | {"vd"}:
            words.pop(0)
        item = "".join(w.word for w in words)
    return item


def text_after(sentence: str, found: re.Match) -> str:
    """What a bare 唯一/唯一的 says is the only one (三甲医院), for quoting beside the count; "" for a numeral
    that carries its measure (3所)."""
    if found.group(1) != "唯一":
        return ""
    return re.split(r"[、,，。；]", sentence[found.end():], maxsplit=1)[0][:12]


def enumerations(sentence: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, items) of each 、-list in a sentence: "黄溪、濯水…、太极等重点镇" → 7 items."""
    out = []
    for m in ENUM_RE.finditer(sentence):
        raw = m.group(0)
        pieces = raw.split("、")
        last = re.split(r"等|和|及|与|以及", pieces[-1], maxsplit=1)
        tail_joined = re.match(r"^(.{1,12}?)(?:和|及|与|以及)(.{1,12}?)(?:等|$)", pieces[-1])
        if tail_joined and len(pieces) >= 2:
            pieces = pieces[:-1] + [tail_joined.group(1), tail_joined.group(2)]
        else:
            pieces = pieces[:-1] + [last[0]]
        split: list[str] = []
        for piece in pieces:
            halves = re.split(r"和|及|与", piece)
            if len(halves) > 1 and all(len(h) >= 2 and h[-1] in NAME_SUFFIXES for h in halves):
                split.extend(halves)                  # 湖南张家界市和湘西州: two names
            else:
                split.append(piece)
        others = sorted(len(p.strip()) for p in split[1:])
        typical = others[len(others) // 2] if others else 0
        items = [_trim_item(p, i == 0 and len(p.strip()) > typical) for i, p in enumerate(split)]
        items = [i for i in items if 1 <= len(i) <= 24]
        if len(items) >= 2:
            out.append((m.start(), m.end(), items))
    return out


def near_share(keys: list[str], text: str) -> float:
    """Share of the topic words (or, for longer words, half their bigrams) found in ``text``."""
    if not keys:
        return 0.0
    got = 0.0
    for k in keys:
        if k in text:
            got += 1.0
        elif len(k) >= 3:
            grams = bigrams(k)
            got += 0.5 * sum(g in text for g in grams) / len(grams)
    return got / len(keys)


def quoted_runs(sentence: str) -> list[tuple[int, int, list[str]]]:
    """Runs of adjacent quoted items: “夜味”“夜赏”“夜娱” -> 3 items."""
    return [(m.start(), m.end(), re.findall(r"“([^”]{1,12})”", m.group(0)))
            for m in re.finditer(r"(?:“[^”]{1,12}”[、,，和]?){2,}", sentence)]


def full_sentences(unit: Unit) -> list[str]:
    """A unit's sentences, whole (passages split sentences longer than 160 characters)."""
    return [unit.text[s:e] for s, e in sentence_spans(unit.text, 100_000)]


def full_sentence(unit: Unit, offset: int) -> str:
    """The whole sentence of ``unit`` that contains character ``offset``."""
    for s, e in sentence_spans(unit.text, 100_000):
        if s <= offset < e:
            return unit.text[s:e]
    return unit.text
