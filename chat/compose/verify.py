"""Verification of an answer from any backend against the units it may cite.

- citation markers in other shapes (【7】, [7], （第七条）, 第7条 in brackets) become 〔第7条〕;
- a citation survives only if its unit was retrieved (or chosen by the route) and the
  sentence it marks is found in that unit: verbatim, or with most of its character
  bigrams in one sentence of the unit;
- every number of a sentence (digits, %, ratios like 2.1:1, 百亿级, 三十年) must occur in
  a unit the sentence cites, else the sentence is dropped;
- a substantive sentence without any surviving citation is dropped; a marker that closes a
  paragraph covers the paragraph's unmarked sentences.
Everything dropped is recorded with its reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chat.answer import Citation, Derived, Dropped
from config import SETTINGS, VerifySettings
from ingest.lexical import bigrams
from ingest.text.normalize import normalize
from ingest.text.numerals import CN_NUMERALS, numeral_value
from ingest.text.refs import BARE_ARTICLE_RE, MARKER_RE, normalize_markers
from ingest.text.sentences import ANSWER_SENTENCE_RE, sentence_spans
from ingest.units import Unit

NUMBER_RE = re.compile(
    r"\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)*%?"
    rf"|(?:[{CN_NUMERALS}两]*[百千万亿]+)+级"
    rf"|[{CN_NUMERALS}两百千]+(?:倍|成|周年|年)"
)
# The product's fixed framing: they say where an answer comes from or that the plan is silent, carry no
# claim about the plan's content and no number, and so need no citation.
FRAMING_RE = re.compile(
    r"建议(?:原文)?(?:在|中)?.{0,240}中提出：|建议中的相关内容如下（按条文列出）：|相关内容主要在.{2,240}。"
    r"|.{2,80}原文如下：|建议中提到“.{1,30}”的条文如下：|建议原文未(?:涉及|给出|提及|点名|载明).{0,80}[。：]"
    r"|相关条文（仅供参考，原文并未回答此问题）：.{0,400}|本助手.{4,80}。|原文：|原文(?:对|的).{0,40}(?:表述|相关表述)是："
    r"|原文给出的其他时期数值：|各条标题：|各部分如下：|有。|建议对“.{1,30}”的表述：|与“.{1,30}”对应的[一二三四五六七八九十两]{1,2}项是："
    r"|原文未展开“.{1,30}”的具体含义，它出现在：|以上未列全；可问“.{2,20}讲了什么”查看全文。"
    r"|建议(?:原文)?未(?:提及|点名).{1,120}，以下为(?:相关|原文)内容：|以下为原文摘录(?:回答)?[。：]")


@dataclass
class Verified:
    """An answer after verification: the kept text, the citations that back it, and what was dropped."""

    text: str
    citations: list[Citation]
    dropped: list[Dropped]


def numbers_in(text: str) -> list[str]:
    """Numbers that must be backed by the cited text (references like 第7条 are not numbers)."""
    text = BARE_ARTICLE_RE.sub(" ", MARKER_RE.sub(" ", normalize(text)))
    return [n for n in NUMBER_RE.findall(text) if n]


def _support(content: str, unit: Unit) -> tuple[float, str]:
    """How well a unit supports a sentence (1.0 = verbatim), and the unit sentence that does."""
    norm_content = normalize(content)
    norm_unit = normalize(unit.text)
    spans = sentence_spans(unit.text, 10_000)
    if norm_content and norm_content in norm_unit:
        for s, e in spans:
            if norm_content in normalize(unit.text[s:e]):
                return 1.0, unit.text[s:e]
        return 1.0, content
    grams = set(bigrams(norm_content))
    if not grams:
        return 0.0, ""
    best, quote = 0.0, ""
    for s, e in spans:
        sentence_grams = set(bigrams(normalize(unit.text[s:e])))
        ratio = len(grams & sentence_grams) / len(grams)
        if ratio > best:
            best, quote = ratio, unit.text[s:e]
    return best, quote


def _to_float(figure: str) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", figure)
    return float(match.group(0)) if match else None


def check_derived(claim: Derived, units: list[Unit], facts: set[str]) -> tuple[bool, set[str]]:
    """Re-check a derived number against the units (``units``: those the answer may cite) or the
    document structure (``facts``); returns (holds, the numbers it backs)."""
    texts = [normalize(u.text) for u in units]
    has = lambda piece: any(normalize(piece) in t for t in texts)       # noqa: E731
    if claim.kind == "items":
        return (claim.value == str(len(claim.items)) and all(has(i) for i in claim.items)), {claim.value}
    if claim.kind == "numeral":
        ok = bool(claim.items) and has(claim.items[0]) and numeral_value(claim.items[0]) == int(claim.value)
        return ok, {claim.value}
    if claim.kind == "structure":
        values = {f.split("=", 1)[1] for f in claim.facts}
        headings = [f.split("=", 1)[1] for f in claim.facts if ".heading=" in f]
        ok = set(claim.facts) <= facts and all(h in claim.sentence for h in headings)
        return ok, values | {claim.value}
    if claim.kind == "compare":
        a, b = (_to_float(x) for x in claim.items)
        relation = None if a is None or b is None else "高于" if a > b else "低于" if a < b else "等于"
        return (relation == claim.value and all(has(i) for i in claim.items)), set(numbers_in(" ".join(claim.items)))
    return False, set()


def _framing_numbers_ok(text: str, units: list[Unit]) -> bool:
    """Framing states no number of its own; a quoted term it names (“33618”) must be the plan's."""
    unquoted = re.sub(r"“[^”]{1,30}”", " ", text)
    quoted = " ".join(re.findall(r"“([^”]{1,30})”", text))
    return not numbers_in(unquoted) and all(any(n in normalize(u.text) for u in units) for n in numbers_in(quoted))


def _derived_for(content: str, derived: list[Derived]) -> Derived | None:
    key = normalize(content).strip().lstrip("-·• ")
    return next((d for d in derived if normalize(d.sentence).strip().lstrip("-·• ") == key), None)


def verify(text: str, allowed: dict[str, Unit], derived: list[Derived] = (),
           facts: set[str] = frozenset(), settings: VerifySettings = SETTINGS.verify) -> Verified:
    """Check every sentence of ``text`` against the units it cites (``allowed``: label -> unit).

    A sentence that is one of the draft's ``derived`` claims is kept when its claim re-checks
    against the allowed units or the structure ``facts``; a fixed framing phrase with no number
    is kept without a citation; everything else must be supported by a cited unit (``settings``:
    how much support, and how long an uncited connective may be)."""
    text = normalize_markers(text)
    allowed_units = list(allowed.values())
    kept_lines, citations, dropped = [], [], []
    seen: set[tuple[str, str]] = set()
    for line in text.split("\n"):
        kept_parts = []
        whole = MARKER_RE.sub("", line).strip().lstrip("-·• ").strip()
        claim = _derived_for(whole, list(derived))
        if claim is None and FRAMING_RE.fullmatch(whole) and _framing_numbers_ok(whole, allowed_units):
            kept_lines.append(line)
            continue
        if claim is not None:
            holds, backed = check_derived(claim, allowed_units, set(facts))
            unbacked = [n for n in numbers_in(whole) if n not in backed and not any(
                n in normalize(u.text) for u in allowed_units)]
            if not holds or unbacked:
                dropped.append(Dropped(whole, "derived number did not re-check"))
                continue
            for label in MARKER_RE.findall(line):
                unit = allowed.get(label)
                if unit is not None:
                    score, quote = _support(whole, unit)
                    if quote and (unit.ref + unit.doc_id, quote) not in seen and score >= settings.support_min / 2:
                        seen.add((unit.ref + unit.doc_id, quote))
                        citations.append(Citation.of(unit, quote))
            kept_lines.append(line)
            continue
        sentences = [s for s in ANSWER_SENTENCE_RE.findall(line) if s.strip()]
        line_labels = MARKER_RE.findall(sentences[-1]) if sentences else []
        for sentence in sentences:
            # a marker closing a paragraph covers its unmarked sentences
            labels = MARKER_RE.findall(sentence) or line_labels
            content = MARKER_RE.sub("", sentence).strip().lstrip("-·• ").strip()
            cited: list[tuple[Unit, str]] = []
            for label in labels:
                unit = allowed.get(label)
                if unit is None:
                    dropped.append(Dropped(f"〔{label}〕", "cited unit was not retrieved"))
                    continue
                score, quote = _support(content, unit)
                if score >= settings.support_min:
                    cited.append((unit, quote))
                else:
                    dropped.append(Dropped(f"〔{label}〕 {content[:60]}", "sentence not found in the cited unit"))
            numbers = numbers_in(content)
            unbacked = [n for n in numbers if not any(n in normalize(u.text) for u, _ in cited)]
            if unbacked:
                dropped.append(Dropped(content, f"numbers not in a cited unit: {', '.join(unbacked)}"))
                continue
            if not cited and labels:
                dropped.append(Dropped(content, "no citation of this sentence survived"))
                continue
            if not cited and len(content) > settings.connective_max_chars:
                dropped.append(Dropped(content, "uncited statement"))
                continue
            body = MARKER_RE.sub("", sentence).rstrip()
            own = MARKER_RE.findall(sentence)
            kept_parts.append(body + "".join(f"〔{u.label}〕" for u, _ in cited if own))
            for unit, quote in cited:
                key = (unit.ref + unit.doc_id, quote)
                if key not in seen:
                    seen.add(key)
                    citations.append(Citation.of(unit, quote))
        if kept_parts:
            kept_lines.append("".join(kept_parts))
    return Verified("\n".join(kept_lines), citations, dropped)


# --------------------------------------------------------------------------- sentence-cited model answers

CITED_NUMBERS_RE = re.compile(r"\s*[\[［【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]］】]")
SENTENCE_PIECE_RE = re.compile(r"[^。！？!?\n]*[。！？!?]?")
ENUMERATOR_RE = re.compile(r"^\s*(?:[-•·*]|\d{1,2}[.、)）]|（\d{1,2}）|[一二三四五六七八九十][、.])\s*"
                           r"|^\s*(?:《[^》]{1,20}》)?第[^：:，。]{1,12}[：:]\s*")   # a copied "第26条：" label
CLAUSE_SPLIT = r"[，,；;。！？!?\n]"
QUOTED_RE = re.compile(r"“([^”]{1,40})”|《([^》]{1,40})》|「([^」]{1,40})」")
PLACE_TAGS = frozenset({"ns", "nsf"})                      # jieba tags of place names
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
    words = content_words(text, settings)
    if not words:
        return 1.0
    return sum(1 for w in words if w in sources) / len(words)


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


def adds_content(text: str, sources: str, question: str, settings: VerifySettings) -> bool:
    """Whether a sentence says something of its sources that the question did not: a content word or a
    quoted formulation found in ``sources`` but not in ``question`` (both normalised)."""
    quoted = [next(g for g in m.groups() if g) for m in QUOTED_RE.finditer(normalize(text))]
    return any(w in sources and w not in question for w in content_words(text, settings) + quoted)


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
    make, too little of its content in
    them, or — given the user's ``question`` — nothing of theirs that the question did not already say (the
    question restated as an answer: "政府会提供便宜点的房子")."""
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
    overlap = content_overlap(text, joined, settings)
    if overlap < settings.paraphrase_min_overlap:
        return f"content words overlap {overlap:.2f} < {settings.paraphrase_min_overlap:g}"
    if question and not adds_content(text, joined, normalize(question), settings):
        return "restates the question without the cited sentences' content"
    return None


def attribute(text: str, evidence: list, settings: VerifySettings = SETTINGS.verify, question: str = "") -> list:
    """The evidence an uncited model sentence rests on, when it passes as a faithful paraphrase of it: the
    one sentence it overlaps most, else the two it overlaps most together; [] when neither passes."""
    norm = {id(e): normalize(e.text) for e in evidence}
    ranked = sorted(evidence, key=lambda e: -content_overlap(text, norm[id(e)], settings))
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
    evidence); a last sentence cut off by the length limit and a question (an echo of the user's) are
    dropped. A kept sentence is
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
        if not cited:
            cited = attribute(sentence.text, evidence, settings, question)
        if not cited:
            dropped.append(Dropped(sentence.text, "uncited statement"))
            continue
        failure = paraphrase_failure(sentence.text, [e.text for e in cited], settings, question)
        if failure and (found := attribute(sentence.text, evidence, settings, question)):
            cited, failure = found, None      # a wrong number: the sentences that do back it are cited
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
