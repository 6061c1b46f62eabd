"""Words of a question naming something the documents never mention: a signal the evidence judge weighs
(chat/retrieval/evidence.py), never a verdict by itself.

- a known absent topic (ingest/lexicon/absent_topics.txt: 地铁 …), unless everyday wording the plan covers;
- a place name (jieba tag ns) or a town (…镇/乡/村) the documents never name;
- a code (T3航站楼 where the plan has T2), a numbered formulation (一区两群) or a quoted one (“强省会”)
  the documents never use.
"""
from __future__ import annotations

import re

import jieba.posseg

from chat.understanding.forms import CODE_RE, FORMULATION_RE, PLACE_NAME_RE, QUOTED_RE
from chat.understanding.places import PLACE_TAGS
from ingest.lexical import LexicalAnalyzer, bigrams
from ingest.text.normalize import normalize


class AbsentWords:
    """Finds absent words against the documents' normalised text ``kb_text``."""

    def __init__(self, analyzer: LexicalAnalyzer, kb_text: str, absent_topics: list[str]):
        self.analyzer = analyzer
        self.kb_text = kb_text
        self.absent_topics = sorted({normalize(w) for w in absent_topics if normalize(w) not in kb_text},
                                    key=lambda w: (-len(w), w))     # longest first; ties in a fixed order

    def find(self, text: str) -> tuple[str, ...]:
        """The absent words of a question, in the order of the module docstring's kinds; () when none."""
        norm = normalize(text)
        for everyday in self.analyzer.matched_everyday_words(norm):   # covered wording wins
            norm = norm.replace(everyday, "\x00")
        found = [w for w in self.absent_topics if w in norm]
        for w in found:
            norm = norm.replace(w, "\x00")
        for word, tag in jieba.posseg.cut(norm):
            locative = word[-1] in "里头上中边下" and word[:-1] in self.kb_text    # 河里, 河头: in the river
            if (tag in PLACE_TAGS and len(word) >= 2 and word not in self.kb_text and not locative
                    and word not in self.analyzer.stopwords and not self.analyzer.expansions(word)):
                found.append(word)
        for match in PLACE_NAME_RE.finditer(norm):     # 石家镇: a town the documents never name
            name, stem = match.group(0), match.group(1)
            if (name not in self.kb_text and name not in found and not re.search(r"多少|几|哪|什么|啥", stem)
                    and not any(stem[i:i + 2] in self.kb_text for i in range(len(stem) - 1))):
                found.append(name)
        for code in CODE_RE.findall(norm):             # T3航站楼 where the plan has T2: a code it never uses
            if code not in self.kb_text and code not in found:
                found.append(code)
        for phrase in FORMULATION_RE.findall(norm):    # 一区两群: a numbered formulation the documents never use
            if phrase not in self.kb_text and phrase not in found:
                found.append(phrase)
        # “强省会”: a formulation quoted from elsewhere, most of whose character pairs the documents never use
        # (three characters or more: a two-character one is often an abbreviation, 双碳 for 碳达峰碳中和)
        for quoted in QUOTED_RE.findall(norm):
            grams = bigrams(quoted)
            if (len(quoted) >= 3 and quoted not in self.kb_text and quoted not in found
                    and sum(g in self.kb_text for g in grams) / len(grams) < 0.5):
                found.append(quoted)
        return tuple(found)
