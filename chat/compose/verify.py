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
    if claim.kind == "difference":
        a, b = (_to_float(x) for x in claim.items)
        ok = a is not None and b is not None and difference(a, b) == claim.value and all(has(i) for i in claim.items)
        return ok, set(numbers_in(" ".join(claim.items))) | {claim.value}
    return False, set()


def difference(a: float, b: float) -> str:
    """``b - a`` as an answer writes it and a "difference" claim records it: 6.5, 7, -2 (no trailing .0)."""
    return f"{round(b - a, 2):g}"


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
