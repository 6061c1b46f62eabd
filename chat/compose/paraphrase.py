"""Verification of a model answer written against numbered evidence sentences (chat/models/cited.py).

A sentence of the answer is kept when it is a faithful paraphrase of the evidence sentences it cites
(``[k]``): every number, named place or project and quoted formulation occurs in them, its content words
overlap them (``VerifySettings.paraphrase_min_overlap``, chosen on ``eval/verify_sample.jsonl``), an aim
(力争 …) stays an aim, it guesses nothing (可能 …) they do not, and it says something of theirs the question
did not. Only a failing sentence is dropped, with its reason; the same check serves every backend.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chat.answer import Citation, Dropped
from chat.compose.verify import Verified, numbers_in
from chat.understanding.places import PLACE_TAGS
from config import SETTINGS, VerifySettings
from ingest.lexical import bigram_share, bigrams
from ingest.text.normalize import normalize

CITED_NUMBERS_RE = re.compile(r"\s*[\[［【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]］】]")
SENTENCE_PIECE_RE = re.compile(r"[^。！？!?\n]*[。！？!?]?")
ENUMERATOR_RE = re.compile(r"^\s*(?:[-•·*]|\d{1,2}[.、)）]|（\d{1,2}）|[一二三四五六七八九十][、.])\s*"
                           r"|^\s*(?:《[^》]{1,20}》)?第[^：:，。]{1,12}[：:]\s*")   # a copied "第26条：" label
CLAUSE_SPLIT = r"[，,；;。！？!?\n]"
QUOTED_RE = re.compile(r"“([^”]{1,40})”|《([^》]{1,40})》|「([^」]{1,40})」")
NOUN_TAG_STARTS = ("n", "j")                                 # nouns (n, ns, nz …) and abbreviations (渝)


@dataclass(frozen=True)
class CitedSentence:
    """One sentence of a model answer with the evidence numbers it ends with, and the answer line it is on."""

    text: str
    numbers: tuple[int, ...]
    line: int


def split_cited(text: str) -> list[CitedSentence]:
    """The sentences of a model answer with their ``[k]`` numbers; numbers written just after a sentence's
    full stop ("…。[2]") belong to that sentence; list bullets and enumerators are removed."""
    out: list[CitedSentence] = []
    for n, line in enumerate(text.split("\n")):
        for piece in SENTENCE_PIECE_RE.findall(line):
            lead = re.match(rf"(?:{CITED_NUMBERS_RE.pattern})+", piece)
            if lead and out and out[-1].line == n:          # "[2]" after the previous full stop
                prev = out[-1]
                out[-1] = CitedSentence(prev.text, prev.numbers + _numbers(lead.group(0)), prev.line)
                piece = piece[lead.end():]
            numbers = _numbers(piece)
            content = CITED_NUMBERS_RE.sub("", piece)
            while (lead_in := ENUMERATOR_RE.match(content)) and lead_in.end():    # "- 第26条：…"
                content = content[lead_in.end():]
            content = content.strip()
            if content:
                out.append(CitedSentence(content, numbers, n))
    return out


def _numbers(text: str) -> tuple[int, ...]:
    found = [int(k) for group in CITED_NUMBERS_RE.findall(text) for k in re.findall(r"\d+", group)]
    return tuple(dict.fromkeys(found))


def names_in(text: str, settings: VerifySettings) -> list[str]:
    """Names a sentence states that its sources must contain: quoted formulations (“…”, 《…》), words jieba
    tags as places, and runs of nouns ending like a place or project (渝东南数字经济产业园, 上海港, 小南海景区);
    the answer's framing words (黔江 …) aside."""
    import jieba.posseg

    norm = normalize(text)
    names = [q for m in QUOTED_RE.finditer(norm) if (q := next(g for g in m.groups() if g)) not in settings.framing_words]
    chain: list[str] = []
    for word, tag in jieba.posseg.lcut(QUOTED_RE.sub("，", norm)) + [("。", "x")]:
        if tag in PLACE_TAGS and len(word) >= 2 and word not in settings.framing_words:
            names.append(word)
        if tag[:1] in NOUN_TAG_STARTS and word not in settings.framing_words:
            chain.append(word)
            run = "".join(chain)
            if len(run) >= 3 and word.endswith(settings.name_suffixes):
                names.append(run)
            continue
        chain = []
    return list(dict.fromkeys(names))


def content_words(text: str, settings: VerifySettings) -> list[str]:
    """A sentence's content words: jieba words of two or more characters with a CJK bigram, quoted
    formulations and framing words aside."""
    import jieba

    return [w for w in jieba.lcut(normalize(QUOTED_RE.sub(" ", text)))
            if len(w) >= 2 and bigrams(w) and w not in settings.framing_words]


def content_overlap(text: str, sources: str, settings: VerifySettings) -> float:
    """Share of a sentence's content words (:func:`content_words`) found in ``sources``; 1.0 for a sentence
    without content words."""
    return word_share(content_words(text, settings), sources)


def word_share(words: list[str], sources: str) -> float:
    """Share of ``words`` found in ``sources``; 1.0 for no words."""
    return sum(1 for w in words if w in sources) / len(words) if words else 1.0


def name_backed(name: str, sources: str, gap: int = 2) -> bool:
    """Whether the sources (whitespace removed) back a name of a model sentence: it occurs as written, or
    its words occur in that order with at most ``gap`` characters (no punctuation) left out between two of
    them — "布局临空临铁经济区" for "布局设立临空临铁经济区" — so a name pieced together from words far apart
    ("航空快运物流基地" from "航空物流园区…高铁快运物流基地") or with a changed word ("黔江至长沙高铁") fails."""
    import jieba

    name = re.sub(r"\s+", "", name)
    if name in sources:
        return True
    skip = rf"[^，。,；;、：:！？!?\n]{{0,{gap}}}"
    return re.search(skip.join(map(re.escape, jieba.lcut(name))), sources) is not None


def adds_content(text: str, words: list[str], sources: str, question: str) -> bool:
    """Whether a sentence (``words``: its content words) says something of its sources that the question
    did not: a content word or a quoted formulation found in ``sources`` but not in ``question`` (both
    normalised)."""
    quoted = [next(g for g in m.groups() if g) for m in QUOTED_RE.finditer(normalize(text))]
    return any(w in sources and w not in question for w in words + quoted)


def dropped_aim(text: str, sources: str, settings: VerifySettings) -> str | None:
    """The aim word (力争, 争取 …) of a source clause the sentence restates without it — an aim told as a
    certainty ("黔万高铁建成通车" for "力争开工建设黔万高铁") — or None. A clause is restated when it holds at
    least half of the character bigrams that a clause of the sentence shares with the sources."""
    if any(w in text for w in settings.aim_words):
        return None
    clauses = re.split(CLAUSE_SPLIT, sources)
    for piece in re.split(CLAUSE_SPLIT, normalize(text)):
        found = {b for b in bigrams(piece) if b in sources}
        for clause in clauses:
            aim = next((w for w in settings.aim_words if w in clause), None)
            if aim and found and 2 * sum(1 for b in found if b in clause) >= len(found):
                return aim
    return None


def paraphrase_failure(text: str, sources: list[str], settings: VerifySettings = SETTINGS.verify,
                       question: str = "") -> str | None:
    """Why ``text`` is not a faithful paraphrase of ``sources`` (None when it is): a number, name or quoted
    formulation they do not contain, an aim (力争 …) told as a certainty, a guess (可能, 也许 …) they do not
    make, too little of its content in them, or — given the user's ``question`` — nothing of theirs that the
    question did not already say (the question restated as an answer: "政府会提供便宜点的房子")."""
    joined = normalize("\n".join(sources))
    squeezed = re.sub(r"\s+", "", joined)
    unbacked = [n for n in numbers_in(text) if n not in joined]
    if unbacked:
        return f"numbers not in the cited sentences: {', '.join(unbacked)}"
    missing = [w for w in names_in(text, settings) if not name_backed(w, squeezed)]
    if missing:
        return f"names not in the cited sentences: {', '.join(dict.fromkeys(missing))}"
    if aim := dropped_aim(text, joined, settings):
        return f"an aim stated as a certainty: the cited sentence says {aim}"
    guesses = [w for w in settings.hedge_words if w in text and w not in joined]
    if guesses:
        return f"a guess the cited sentences do not make: {', '.join(guesses)}"
    words = content_words(text, settings)
    overlap = word_share(words, joined)
    if overlap < settings.paraphrase_min_overlap:
        return f"content words overlap {overlap:.2f} < {settings.paraphrase_min_overlap:g}"
    if question and not adds_content(text, words, joined, normalize(question)):
        return "restates the question without the cited sentences' content"
    return None


def closeness(text: str, evidence: list) -> float:
    """Share of a sentence's character bigrams found in these evidence sentences (how closely they back it:
    "黔万高铁力争开工建设" is backed by "力争开工建设黔万高铁", not by "共同推进渝湘高铁…项目建设")."""
    return bigram_share(normalize(text), normalize("\n".join(e.text for e in evidence)))


def attribute(text: str, evidence: list, settings: VerifySettings = SETTINGS.verify, question: str = "") -> list:
    """The evidence an uncited model sentence rests on, when it passes as a faithful paraphrase of it: the
    one sentence it overlaps most, else the two it overlaps most together; [] when neither passes."""
    words = content_words(text, settings)
    ranked = sorted(evidence, key=lambda e: -word_share(words, normalize(e.text)))
    for candidate in (ranked[:1], ranked[:2]):
        if candidate and paraphrase_failure(text, [e.text for e in candidate], settings, question) is None:
            return sorted(candidate, key=lambda e: e.number)
    return []


def verify_cited(text: str, evidence: list, settings: VerifySettings = SETTINGS.verify,
                 question: str = "") -> Verified:
    """Verify a model answer written against numbered evidence (``evidence[k-1]`` has ``.unit`` and
    ``.text``, the verbatim sentence numbered k). A sentence is kept when it is a faithful paraphrase
    (:func:`paraphrase_failure`) of the sentences it cites, or, citing none, of the evidence it is attributed
    to (:func:`attribute`, held to the same check; so is a sentence whose numbers point at the wrong
    evidence, and one whose numbers pass but another sentence backs it more closely, by bigrams); a last
    sentence cut off by the length limit and a question (an echo of the user's) are dropped. A kept sentence is
    rewritten with the cited units' markers (〔第9条〕) and its cited sentences become the citations.
    Only a failing sentence is dropped, with its reason."""
    kept: dict[int, list[str]] = {}
    citations: list[Citation] = []
    dropped: list[Dropped] = []
    seen: set[tuple[str, str, str]] = set()
    sentences = split_cited(text)
    for i, sentence in enumerate(sentences):
        if i == len(sentences) - 1 and not sentence.numbers and not re.search(r"[。！？!?]$", sentence.text):
            dropped.append(Dropped(sentence.text, "unfinished sentence (the answer reached its length limit)"))
            continue
        if re.search(r"[？?]$", sentence.text):
            dropped.append(Dropped(sentence.text, "a question, not an answer (the model echoed the question)"))
            continue
        cited = [evidence[k - 1] for k in sentence.numbers if 1 <= k <= len(evidence)]
        bad = [k for k in sentence.numbers if not 1 <= k <= len(evidence)]
        if bad:
            dropped.append(Dropped(f"[{']['.join(map(str, bad))}]", "cited number not among the evidence"))
        found = attribute(sentence.text, evidence, settings, question)   # the evidence that backs it, if any
        cited = cited or found
        if not cited:
            dropped.append(Dropped(sentence.text, "uncited statement"))
            continue
        failure = paraphrase_failure(sentence.text, [e.text for e in cited], settings, question)
        if found and (failure or closeness(sentence.text, found) > closeness(sentence.text, cited)):
            cited, failure = found, None      # a wrong number, or one another sentence backs more closely
        if failure:
            dropped.append(Dropped(sentence.text, failure))
            continue
        labels = list(dict.fromkeys(e.unit.label for e in cited))
        if any(sentence.text + "〔" in part for parts in kept.values() for part in parts):
            continue                          # the model repeated itself
        kept.setdefault(sentence.line, []).append(sentence.text + "".join(f"〔{label}〕" for label in labels))
        for e in cited:
            key = (e.unit.doc_id, e.unit.ref, e.text)
            if key not in seen:
                seen.add(key)
                citations.append(Citation.of(e.unit, e.text))
    return Verified("\n".join("".join(parts) for parts in kept.values()), citations, dropped)
