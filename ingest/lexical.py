"""Chinese lexical analysis for BM25: jieba search-mode words plus character bigrams.

Documents and questions go through the same normalisation (NFKC, lower case). A question
additionally loses its question/function words and the plan's ubiquitous words (建议, 规划,
十五五, 黔江 …): they say nothing about *which* article answers, and they pull long articles
to the top. Stop words are removed as whole jieba words, never as substrings, so 黔江 goes
but 黔江至吉首高速铁路 stays.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import jieba

from .text.normalize import normalize

CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
WORD_RE = re.compile(r"[\u3400-\u9fff0-9a-z.%]+")
QUOTED_TERM_RE = re.compile(r"“([^”]{2,14})”")
TERM_SPLIT_RE = re.compile(r"[、,，+·・—\s]+")

jieba.setLogLevel(logging.WARNING)


def read_word_list(path: Path) -> list[str]:
    """Whitespace-separated words of a lexicon file; '#' starts a comment."""
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def quoted_terms(text: str) -> set[str]:
    """The plan's own coined terms: pieces of “…” quotations, e.g. 一主两特, 低空+ -> 低空."""
    terms: set[str] = set()
    for quoted in QUOTED_TERM_RE.findall(text):
        for piece in TERM_SPLIT_RE.split(normalize(quoted)):
            if 2 <= len(piece) <= 10 and CJK_RUN_RE.search(piece):
                terms.add(piece)
    return terms


def read_expansions(path: Path) -> dict[str, list[str]]:
    """colloquial.tsv: everyday word -> the plan's own terms (normalised both sides)."""
    table: dict[str, list[str]] = {}
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        left, right = line.split("\t", 1)
        terms = [normalize(t.strip()) for t in right.split(",") if t.strip()]
        if len(left.strip()) >= 2 and terms:
            table[normalize(left.strip())] = terms
    return table


def bigrams(text: str) -> list[str]:
    """Overlapping two-character pieces of every run of CJK characters: 低空经济 -> 低空, 空经, 经济."""
    return [run[i : i + 2] for run in CJK_RUN_RE.findall(text) for i in range(len(run) - 1)]


def bigram_share(text: str, within: str) -> float:
    """Share of ``text``'s CJK bigrams (:func:`bigrams`) that occur in ``within``; 1.0 when ``text`` has none
    (nothing in it to find). Callers normalise both."""
    pieces = bigrams(text)
    return sum(1 for b in pieces if b in within) / len(pieces) if pieces else 1.0


class LexicalAnalyzer:
    """Tokenises documents and questions for BM25 with the plan's own vocabulary."""

    def __init__(self, lexicon_dir: Path, extra_terms: set[str] = frozenset()):
        self._jieba = jieba.Tokenizer()
        self._jieba.load_userdict(str(lexicon_dir / "userdict.txt"))
        for term in sorted(extra_terms):
            self._jieba.add_word(term, freq=50)
        self.stopwords = {normalize(w) for w in read_word_list(lexicon_dir / "query_stopwords.txt")}
        self.expansion_table = read_expansions(lexicon_dir / "colloquial.tsv")
        self._keys_longest_first = sorted(self.expansion_table, key=len, reverse=True)

    def words(self, text: str) -> list[str]:
        """jieba search-mode words of the normalised text (punctuation dropped)."""
        return [w for w in self._jieba.cut_for_search(normalize(text)) if WORD_RE.fullmatch(w)]

    def doc_tokens(self, text: str) -> list[str]:
        """BM25 tokens of a unit's text: jieba search-mode words plus CJK bigrams of the normalised text."""
        norm = normalize(text)
        return self.words(norm) + bigrams(norm)

    def precise_words(self, question: str, hmm: bool = True) -> list[str]:
        """The question's jieba precise-mode words, in order (punctuation dropped; ``hmm=False``: dictionary
        words only, no guessed new words such as 镇有 in 重点镇有哪些)."""
        return [w for w in self._jieba.cut(normalize(question), HMM=hmm) if WORD_RE.fullmatch(w)]

    def content_words(self, question: str, hmm: bool = True) -> list[str]:
        """The question's precise-mode words with stop words removed."""
        return [w for w in self.precise_words(question, hmm) if w not in self.stopwords]

    def is_dictionary_word(self, word: str) -> bool:
        """Whether jieba's dictionary (with the plan's terms) has ``word``, rather than its HMM guessing it."""
        self._jieba.check_initialized()
        return bool(self._jieba.FREQ.get(word))

    def query_tokens(self, question: str) -> list[str]:
        """Tokens of a question for BM25: content words, their search-mode sub-words, bigrams."""
        kept = self.content_words(question)
        tokens: list[str] = []
        for word in kept:
            tokens.extend(w for w in self._jieba.cut_for_search(word) if WORD_RE.fullmatch(w))
            tokens.extend(bigrams(word))
        return tokens

    def matched_everyday_words(self, question: str) -> list[str]:
        """The colloquial.tsv words found in a question (longest match first, no overlaps)."""
        text, found = normalize(question), []
        for key in self._keys_longest_first:
            if key in text:
                text = text.replace(key, "\x00")
                found.append(key)
        return found

    def word_expansions(self, word: str) -> list[str]:
        """Plan terms for the everyday words inside one word (normalised): 看病 -> 就医, 医疗 …"""
        return [t for key in self.matched_everyday_words(word) for t in self.expansion_table[key]]

    def expansions(self, question: str) -> list[str]:
        """Plan terms for the everyday words in a question."""
        terms: list[str] = []
        for key in self.matched_everyday_words(question):
            terms.extend(t for t in self.expansion_table[key] if t not in terms)
        return terms
