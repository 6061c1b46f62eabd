"""The 提法 glossary: the plan's formulations, where each is used, and how the plan itself expands it.

A *term* is, per document,

- a quoted formulation: the text of a “…” quotation (“四高六铁”, “33618”, “宁愿苦干、不愿苦熬”), except
  quotations inside a 《…》 title, one-character quotations (the shape words of “丁”字型 / “米”字型)
  and the names of plan periods (“十四五”, “十五五”: dates, not formulations); or
- a numbered phrase (``NUMBERED_RE``): a count of two or more (Chinese numeral 二 … 九十九 or 两, or
  one Arabic digit 2-9) + a measure word of formulations (个 大 张 篇 项 类) + a noun of one to four
  characters that ends at punctuation or a quote mark (四篇大文章, 三张名片, “两个确立”, 6大机遇), or
  the fixed form N位一体 (三位一体, 四位一体). Not after 第 (第十五个… is an ordinal), never 一.

A *mention* is every verbatim occurrence of the term in a unit's text, quoted or not (三张名片 is
quoted in 第38条 and bare in 第十部分导语; both are mentions).

A *definition* is the verbatim sentence where the plan expands the term, read only from the words
right next to one of its occurrences (never from another sentence):

- before (the plan's usual order), for a term headed by a single count N (``leading_count``): a list
  of exactly N items ending right where the term begins: a run of quoted items (“人怎么聚”“业怎么兴”
  “城怎么建”“社会怎么治理”四篇大文章), one quoted list (“恐龙新城、烟火老城、魅力古镇”三张名片,
  “科研+科普+研学+旅游”四位一体) or a bare 、/和/与/及 list within the clause (好房子、好小区、好社区、
  好城区“四好”). A list ending in 等 is incomplete (等6大机遇, 等“十大战役”) and defines nothing, and
  a term followed by 等 is itself the last member of a list (高中培优、职业教育“双师型”等), not its head;
- after, for any term: ：/即/包括/是指/——/（ right behind it, then a list (exactly N items when the
  term has a count, at least two otherwise).

The first occurrence that matches defines the term; a term the plan only names has ``None``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text.normalize import normalize
from .text.numerals import CN_NUMERALS, numeral_value
from .text.refs import ref_to_json
from .text.sentences import CLAUSE_ENDS, nesting_masks, sentence_spans, span_at
from .units import Unit

QUOTE_RE = re.compile(r"“([^“”\n]+)”")
PERIOD_NAME_RE = re.compile(r"十[一二三四五六七八九]五")              # “十四五”, “十五五”
MEASURES = "个大张篇项类"
NUMBERED_RE = re.compile(
    rf"(?<![第{CN_NUMERALS}两\d.])(?P<count>[{CN_NUMERALS}两]{{1,3}}|[2-9](?![\d.]))"
    rf"(?:[{MEASURES}][\u4e00-\u9fff]{{1,4}}(?=[,，、；;。：:！？!?“”‘’《》（）()\s]|$)|位一体)"
)
COUNT_CHARS = f"{CN_NUMERALS.replace('零', '')}两双"    # what makes a second count (零 in 零发生 is not one)
DIGITS = "0123456789"
LIST_SEPARATORS = "、"
CONNECTOR_RE = re.compile(r"[和与及]")
QUOTED_RUN_RE = re.compile(r"(?:“[^“”\n]+”[、和与及]?)*“[^“”\n]+”$")
QUOTED_LIST_SPLIT_RE = re.compile(r"[、+＋—]")
AFTER_OPENER_RE = re.compile(r"[,，]?(?:即|包括|是指|就是|：|:|——|（|\()")
AFTER_STOP_RE = re.compile(r"[。！？!?；;）)\n]")
STRIP_CHARS = " \t\r\n“”\"'‘’「」『』"
CLAUSE_STOPS = CLAUSE_ENDS | frozenset("：:")      # where the clause before a term begins


@dataclass(frozen=True)
class GlossaryEntry:
    """One formulation of one document.

    ``refs`` / ``labels``: the units that mention it, each once, in document order (refs as in
    ``Unit.ref``: "7", "P3"; labels as readers see them: 第7条, 第三部分导语). ``sentences``: every
    sentence containing it, verbatim, each once, in document order. ``definition``: the verbatim
    sentence where the plan expands it, or None when the plan only names it."""

    term: str
    refs: tuple[str, ...]
    labels: tuple[str, ...]
    definition: str | None
    sentences: tuple[str, ...]
    doc_id: str


def is_formulation_quote(quoted: str) -> bool:
    """Whether the text of a “…” quotation counts as a formulation: at least two characters and not
    the name of a plan period (十四五, 十五五). Never raises."""
    return len(quoted) >= 2 and PERIOD_NAME_RE.fullmatch(quoted) is None


def quoted_formulations(text: str) -> list[tuple[int, str]]:
    """(offset of the opening “, quoted text) of each formulation quotation in ``text``, in order;
    quotations inside a 《…》 title and those ``is_formulation_quote`` rejects are left out."""
    found = []
    for match in QUOTE_RE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start:match.start()]
        if before.count("《") > before.count("》"):          # inside a title
            continue
        if is_formulation_quote(match.group(1)):
            found.append((match.start(), match.group(1)))
    return found


def numbered_phrases(text: str) -> list[tuple[int, str]]:
    """(offset, phrase) of each numbered phrase (see ``NUMBERED_RE``) in ``text``, in order; a count
    below two (一批, 一个) or that does not parse is left out."""
    found = []
    for match in NUMBERED_RE.finditer(text):
        count = match.group("count")
        value = numeral_value(count)
        if value is not None and value >= 2:
            found.append((match.start(), match.group(0)))
    return found


def leading_count(term: str) -> int | None:
    """N when ``term`` is headed by a single count N >= 2 (四篇大文章 -> 4, 两个确立 -> 2, 双融 -> 2,
    6大机遇 -> 6, 三位一体 -> 3: 一体 is a word, not a count); None for no count (宁愿苦干…), a
    number that is a name (33618, 2.5天微度假), a count below two, or a second count in the term
    (一主两副五片区, 三攻坚一盘活, 六个一). Never raises."""
    if term.startswith("双"):
        value, rest = 2, term[1:]
    elif term[:1] in DIGITS:
        if len(term) < 2 or term[1] in DIGITS or term[1] == ".":
            return None
        value, rest = int(term[0]), term[1:]
    else:
        head = re.match(rf"[{CN_NUMERALS}两]+", term)
        if head is None:
            return None
        value, rest = numeral_value(head.group(0)), term[head.end():]
    if value is None or value < 2 or not rest:
        return None
    if any(ch in COUNT_CHARS for ch in rest.replace("一体", "")):
        return None
    return value


def build_glossary(units: Iterable[Unit]) -> list[GlossaryEntry]:
    """The glossary of every document among ``units`` (each document read on its own units only).

    Input: units in document order, as ``KnowledgeIndex.units``. Output: one entry per (document,
    term), documents in the order they first appear, terms by first occurrence (unit order, then
    offset). Deterministic; an empty input gives []. Raises nothing of its own (anything that is
    not a ``Unit`` fails with AttributeError)."""
    by_doc: dict[str, list[Unit]] = {}
    for unit in units:
        by_doc.setdefault(unit.doc_id, []).append(unit)
    entries: list[GlossaryEntry] = []
    for doc_id, doc_units in by_doc.items():
        entries.extend(_document_glossary(doc_id, doc_units))
    return entries


def lookup(entries: Sequence[GlossaryEntry], text: str) -> GlossaryEntry | None:
    """The entry whose term is ``text``: exactly, else in matching form (NFKC, lower case, outer
    and inner quote marks and whitespace dropped: “四篇大文章” and 渝事好商量—同心黔行 both match).
    The first such entry in ``entries`` wins (the primary document comes first); None when none."""
    for entry in entries:
        if entry.term == text:
            return entry
    wanted = _matching_form(text)
    if not wanted:
        return None
    for entry in entries:
        if _matching_form(entry.term) == wanted:
            return entry
    return None


def to_json(entry: GlossaryEntry) -> dict:
    """A JSON-ready dict with keys term, refs, labels, definition, sentences; article refs become
    integers (7), other refs stay strings ("P3"). Raises nothing."""
    return {
        "term": entry.term,
        "refs": [ref_to_json(ref) for ref in entry.refs],
        "labels": list(entry.labels),
        "definition": entry.definition,
        "sentences": list(entry.sentences),
    }


# ---------------------------------------------------------------- internals


def _matching_form(text: str) -> str:
    form = normalize(text).strip(STRIP_CHARS)
    return "".join(ch for ch in form if ch not in STRIP_CHARS)


def _document_glossary(doc_id: str, units: list[Unit]) -> list[GlossaryEntry]:
    """Entries of one document, by first occurrence."""
    terms: set[str] = set()
    for unit in units:
        terms.update(quoted for _, quoted in quoted_formulations(unit.text))
        terms.update(phrase for _, phrase in numbered_phrases(unit.text))
    readers = [_UnitReader(unit) for unit in units]
    first: dict[str, tuple[int, int]] = {}
    for term in terms:
        for i, unit in enumerate(units):
            offset = unit.text.find(term)
            if offset >= 0:
                first[term] = (i, offset)
                break
    ordered = sorted(terms, key=lambda t: (first[t], t))
    return [_entry(doc_id, term, readers) for term in ordered]


class _UnitReader:
    """One unit's text with its sentences and nesting masks, computed once."""

    def __init__(self, unit: Unit):
        self.unit = unit
        self.text = unit.text
        self.sentences = sentence_spans(unit.text, max(len(unit.text), 1))   # whole sentences, never cut
        self.nested = nesting_masks(unit.text)[1]

    def occurrences(self, term: str) -> list[int]:
        offsets, start = [], self.text.find(term)
        while start >= 0:
            offsets.append(start)
            start = self.text.find(term, start + len(term))
        return offsets

    def sentence(self, start: int, end: int) -> str:
        """The sentence(s) covering text[start:end], so the term always lies inside."""
        first, last = span_at(self.sentences, start), span_at(self.sentences, end - 1)
        return self.text[first[0]:last[1]]

    def clause_start(self, pos: int) -> int:
        """Start of the clause holding ``pos``: after the last clause end outside quotes/brackets."""
        i = pos - 1
        while i >= 0 and not (self.text[i] in CLAUSE_STOPS and not self.nested[i]):
            i -= 1
        return i + 1


def _entry(doc_id: str, term: str, readers: list[_UnitReader]) -> GlossaryEntry:
    refs, labels, sentences, definition = [], [], [], None
    count = leading_count(term)
    for reader in readers:
        offsets = reader.occurrences(term)
        if not offsets:
            continue
        refs.append(reader.unit.ref)
        labels.append(reader.unit.label)
        for start in offsets:
            sentence = reader.sentence(start, start + len(term))
            if sentence not in sentences:
                sentences.append(sentence)
            if definition is None and _expanded_at(reader, term, start, count):
                definition = sentence
    return GlossaryEntry(term=term, refs=tuple(refs), labels=tuple(labels), definition=definition,
                         sentences=tuple(sentences), doc_id=doc_id)


def _expanded_at(reader: _UnitReader, term: str, start: int, count: int | None) -> bool:
    """Whether the occurrence of ``term`` at ``start`` is expanded right before or right after it."""
    text, end = reader.text, start + len(term)
    if start > 0 and text[start - 1] == "“" and text[end:end + 1] == "”":
        start, end = start - 1, end + 1                      # the quote marks belong to the term
    if count is not None and not text.startswith("等", end):     # “双师型”等: a member of a list, not its head
        items = _list_before(text[reader.clause_start(start):start])
        if items == count:
            return True
    after = AFTER_OPENER_RE.match(text, end)
    if after is None:
        return False
    stop = AFTER_STOP_RE.search(text, after.end())
    items = _list_items(text[after.end():stop.start() if stop else len(text)])
    return items == count if count is not None else items >= 2


def _list_before(prefix: str) -> int:
    """How many items a list ending exactly at the end of ``prefix`` has (0: no list there)."""
    if not prefix or prefix.endswith(("等", LIST_SEPARATORS, "和", "与", "及")):
        return 0
    if prefix.endswith("”"):
        run = QUOTED_RUN_RE.search(prefix)
        if run is None:
            return 0
        return _quoted_items(run.group(0))
    if "“" in prefix or "”" in prefix:
        return 0
    return _bare_items(prefix)


def _list_items(piece: str) -> int:
    """Items of a list that makes up ``piece`` (a run of quotes, one quoted list, or a bare list)."""
    piece = piece.strip()
    if piece.startswith("“") and QUOTED_RUN_RE.fullmatch(piece):
        return _quoted_items(piece)
    if "“" in piece or "”" in piece:
        return 0
    return _bare_items(piece)


def _quoted_items(run: str) -> int:
    quotes = QUOTE_RE.findall(run)
    if len(quotes) >= 2:
        return len(quotes)
    pieces = [p for p in QUOTED_LIST_SPLIT_RE.split(quotes[0]) if p]
    return len(pieces) if len(pieces) >= 2 else 0


def _bare_items(piece: str) -> int:
    pieces = piece.split(LIST_SEPARATORS)
    if any(not p for p in pieces):
        return 0
    items = len(pieces) + (1 if CONNECTOR_RE.search(pieces[-1]) else 0)
    return items if items >= 2 else 0
