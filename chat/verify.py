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

from ingest.chunk import sentence_spans
from ingest.lexical import bigrams
from ingest.parse import cn_to_int
from ingest.units import CN_NUMERALS, Unit, normalize, ref_label

from .answer import Citation, Dropped

_CN = f"[{CN_NUMERALS}]{{1,3}}"
CANONICAL_RE = re.compile(r"〔([^〔〕]{2,40})〕")
LOOSE_MARKER_RE = re.compile(
    rf"[【\[〔(（]\s*(?:第\s*)?(\d{{1,3}}|{_CN})\s*(?:条)?\s*[】\]〕)）]"
    rf"|[【\[〔(（]\s*(第{_CN}部分导语|序言|结束语)\s*[】\]〕)）]"
)
BARE_ARTICLE_RE = re.compile(rf"第(\d{{1,3}}|{_CN})条")
NUMBER_RE = re.compile(
    r"\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)*%?"
    rf"|(?:[{CN_NUMERALS}两]*[百千万亿]+)+级"
    rf"|[{CN_NUMERALS}两百千]+(?:倍|成|周年|年)"
)
SENTENCE_RE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|$)(?:\s*〔[^〔〕\n]{2,40}〕)*")
CONNECTIVE_MAX_CHARS = 40
SUPPORT_MIN = 0.6


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    dropped: list[Dropped]


def _label_of(token: str) -> str | None:
    if token in ("序言", "结束语") or token.endswith("部分导语"):
        return token
    number = int(token) if token.isdigit() else cn_to_int(token)
    return ref_label(str(number))


def normalize_markers(text: str) -> str:
    """Rewrite citation markers of any common shape to 〔第N条〕 / 〔第三部分导语〕."""
    def loose(match: re.Match) -> str:
        label = _label_of(match.group(1) or match.group(2))
        return f"〔{label}〕" if label else match.group(0)
    return LOOSE_MARKER_RE.sub(loose, text)


def numbers_in(text: str) -> list[str]:
    """Numbers that must be backed by the cited text (references like 第7条 are not numbers)."""
    text = BARE_ARTICLE_RE.sub(" ", CANONICAL_RE.sub(" ", normalize(text)))
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


def verify(text: str, allowed: dict[str, Unit]) -> Verified:
    """Check every sentence of ``text`` against the units it cites (``allowed``: label -> unit)."""
    text = normalize_markers(text)
    kept_lines, citations, dropped = [], [], []
    seen: set[tuple[str, str]] = set()
    for line in text.split("\n"):
        kept_parts = []
        sentences = [s for s in SENTENCE_RE.findall(line) if s.strip()]
        line_labels = CANONICAL_RE.findall(sentences[-1]) if sentences else []
        for sentence in sentences:
            # a marker closing a paragraph covers its unmarked sentences
            labels = CANONICAL_RE.findall(sentence) or line_labels
            content = CANONICAL_RE.sub("", sentence).strip().lstrip("-·• ").strip()
            cited: list[tuple[Unit, str]] = []
            for label in labels:
                unit = allowed.get(label)
                if unit is None:
                    dropped.append(Dropped(f"〔{label}〕", "cited unit was not retrieved"))
                    continue
                score, quote = _support(content, unit)
                if score >= SUPPORT_MIN:
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
            if not cited and len(content) > CONNECTIVE_MAX_CHARS:
                dropped.append(Dropped(content, "uncited statement"))
                continue
            body = CANONICAL_RE.sub("", sentence).rstrip()
            own = CANONICAL_RE.findall(sentence)
            kept_parts.append(body + "".join(f"〔{u.label}〕" for u, _ in cited if own))
            for unit, quote in cited:
                key = (unit.ref + unit.doc_id, quote)
                if key not in seen:
                    seen.add(key)
                    citations.append(Citation.of(unit, quote))
        if kept_parts:
            kept_lines.append("".join(kept_parts))
    return Verified("\n".join(kept_lines), citations, dropped)
