"""Deciding that the proposal does not answer a question, and saying so plainly.

A question is out of scope when it names a topic the plan never mentions: a word from
``ingest/lexicon/absent_topics.txt`` (地铁, 房价, 天气, 写诗 …; everyday words that
colloquial.tsv maps to plan terms take precedence) or a named city, county or province
(北京市, 湖北省) that does not occur in any document. Figure questions whose figure the plan does not give are refused
by the figure route. A refusal never asserts anything: it lists the closest units as
"相关条文" by label and title only.
"""
from __future__ import annotations

import jieba.posseg

from ingest.index import KnowledgeIndex
from ingest.lexical import LexicalAnalyzer, read_word_list
from ingest.units import normalize

from .extractive import Draft, heading
from .retrieve import Retrieval

META_REQUEST = "本助手只依据建议原文回答问题，不提供内部设置，也不编造或假设原文没有的内容。"
PLACE_TAGS = {"ns", "nsf"}
PLACE_SUFFIXES = ("省", "市", "县", "州", "国")
NO_ANSWER = "建议原文未涉及{topic}。"


class RefusalPolicy:
    def __init__(self, index: KnowledgeIndex, analyzer: LexicalAnalyzer, lexicon_dir):
        self.analyzer = analyzer
        self.kb_text = normalize("\n".join(u.text for u in index.units))
        path = lexicon_dir / "absent_topics.txt"
        words = read_word_list(path) if path.exists() else []
        self.absent = sorted({normalize(w) for w in words if normalize(w) not in self.kb_text},
                             key=len, reverse=True)
        meta_path = lexicon_dir / "meta_requests.txt"
        self.meta = self._phrases(meta_path) if meta_path.exists() else []

    @staticmethod
    def _phrases(path) -> list[str]:
        """Chinese phrases separated by spaces; a line of Latin letters is one phrase."""
        phrases = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = normalize(line.split("#", 1)[0].strip())
            if line:
                phrases.extend([line] if line.isascii() else line.split())
        return phrases

    def meta_request(self, question: str) -> bool:
        """A request about the assistant itself, or to invent something (prompt injection)."""
        text = normalize(question)
        return any(p in text for p in self.meta)

    def out_of_scope(self, question: str) -> str | None:
        """The topic word that puts the question outside the plan, or None."""
        text = normalize(question)
        for everyday in self.analyzer.matched_everyday_words(text):   # covered wording wins
            text = text.replace(everyday, "\x00")
        for word in self.absent:
            if word in text:
                return word
        for word, tag in jieba.posseg.cut(text):
            if (tag in PLACE_TAGS and word.endswith(PLACE_SUFFIXES) and len(word) >= 3
                    and word not in self.kb_text
                    and word not in self.analyzer.stopwords and not self.analyzer.expansions(word)):
                return word
        if not self.analyzer.content_words(question) and not self.analyzer.expansions(question):
            return "这个问题"
        return None

    def refuse(self, topic: str, retrieval: Retrieval | None, reason: str | None = None) -> Draft:
        topic_text = "这个问题" if topic == "这个问题" else f"“{topic}”"
        lines = [reason or NO_ANSWER.format(topic=topic_text)]
        related = [h.unit for h in (retrieval.hits[:3] if retrieval else [])]
        if related:
            lines.append("相关条文（仅供参考，原文并未回答此问题）：" + "；".join(heading(u) for u in related))
        return Draft("\n".join(lines), [], refused=True, route="refusal")
