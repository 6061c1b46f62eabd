"""The four kinds of quiz item, each made from the plan's own text:

- figure: a targets-table row, its figure blanked in the clause that states it, the year put in front
  when the plan gives one ("到2030年，城市人口突破____。"); distractors are figures of other rows in the
  same unit of measure;
- formulation: a quoted formulation (“四高六铁”) blanked in its clause; distractors are other quoted
  formulations of about the same length; and, where the plan spells a numbered formulation out with
  the list before it, "“四治融合”是指哪四项？" (``defined``);
- list: a middle member of a 、-list blanked ("黄溪、濯水、____、石会…等重点镇"); distractors are middle
  members of other lists, those alike in ending and length first;
- article: a distinctive clause of an article, "出自哪一条？", with article labels as choices.

Every maker returns all items it can make in scope; ``quiz.build_quiz`` picks and mixes them.
"""
from __future__ import annotations

import random
import re
from typing import NamedTuple

from ingest.targets import LAST_RESULT_YEAR, Target
from ingest.units import Unit

from chat.compose.enumerations import enumerations
from chat.study.defined import definition_item
from chat.study.items import QuizItem
from chat.study.material import (Scope, blanked, choices_of, clauses, distractors, fullwidth,
                                 sentence_at, sentences, shape)

BOUND_RE = re.compile(r"(?:以上|以下|以内|左右)$")
QUOTE_RE = re.compile(r"“([^“”]{2,12})”")
PERIOD_NAMES = {"十五五", "十四五"}          # quoted in nearly every part: no test of knowledge
NESTED_RE = re.compile(r"[“”‘’《》()（）]")
DIGIT_RE = re.compile(r"\d")


# --------------------------------------------------------------------------- figure

def figure_core(row: Target) -> str:
    """The figure without its bound (65%以上 -> 65%): the bound stays in the question."""
    return BOUND_RE.sub("", row.figure)


def measure_key(row: Target) -> tuple[str, str]:
    """Rows whose figures can stand in for each other: same unit, and same writing (number, ratio of
    as many parts, or word such as 百亿级)."""
    if ":" in row.value:
        return row.unit, f"ratio{row.value.count(':')}"
    return row.unit.replace("％", "%"), "num" if row.value[:1].isdigit() else "word"


def year_prefix(row: Target, unit: Unit, body: str) -> str:
    """"到2030年，" / "2025年，" / "“十四五”时期，" when the plan states the row's year before the figure
    and the question does not already say it; "" otherwise."""
    if not row.year or row.year in body or row.year not in unit.text[: row.start]:
        return ""
    if row.year.isdigit():
        return f"{row.year}年，" if int(row.year) <= LAST_RESULT_YEAR else f"到{row.year}年，"
    return f"“{row.year}”时期，"


def figure_item(scope: Scope, row: Target, rows: list[Target], rng: random.Random) -> QuizItem | None:
    """A figure question from one targets row, or None when its figure cannot be blanked cleanly."""
    unit, answer = scope.unit_of(row), figure_core(row)
    if unit is None or unit.text[row.start: row.start + len(answer)] != answer:
        return None
    s, e = sentence_at(unit, row.start)
    source, local = unit.text[s:e], row.start - s
    body = blanked(source, local, local + len(answer), scope.settings.figure_context)
    question = (year_prefix(row, unit, body) or f"{scope.name(unit.doc_id)}提出，") + body
    if answer in question:
        return None
    pool = [figure_core(r) for r in rows if r is not row and measure_key(r) == measure_key(row)]
    wrong = distractors(rng, answer, pool, [source, question], rank=lambda p: abs(len(p) - len(answer)))
    return QuizItem(question, choices_of(rng, answer, wrong), answer, unit.ref, unit.label, source, "figure")


def figure_items(scope: Scope, rng: random.Random) -> list[QuizItem]:
    """Figure questions from every in-scope row of the targets table."""
    out = []
    for doc_id in scope.doc_units:
        rows = scope.rows(doc_id)
        out += [item for row in rows if (item := figure_item(scope, row, rows, rng)) is not None]
    return out


# --------------------------------------------------------------------------- formulation

def formulations(units: list[Unit]) -> list[str]:
    """Every quoted formulation of these units (period names left out)."""
    return [m.group(1) for u in units for m in QUOTE_RE.finditer(u.text) if m.group(1) not in PERIOD_NAMES]


def scope_sentences(scope: Scope):
    """(unit, sentence) for each whole sentence of each unit in scope, in document order."""
    for unit in scope.units:
        for s, e in sentences(unit):
            yield unit, unit.text[s:e]


def formulation_items(scope: Scope, rng: random.Random) -> list[QuizItem]:
    """A question per quoted formulation in scope, the formulation blanked inside its quotes."""
    pools = {doc_id: formulations(units) for doc_id, units in scope.doc_units.items()}
    out = []
    for unit, source in scope_sentences(scope):
        for m in QUOTE_RE.finditer(source):
            term = m.group(1)
            question = f"{scope.name(unit.doc_id)}提出，{blanked(source, m.start(1), m.end(1))}"
            if term in PERIOD_NAMES or term in question:
                continue
            pool = [p for p in pools[unit.doc_id] if abs(len(p) - len(term)) <= 1 and shape(p) == shape(term)]
            wrong = distractors(rng, term, pool, [source, question], rank=lambda p: len(p) != len(term))
            out.append(QuizItem(question, choices_of(rng, term, wrong), term, unit.ref, unit.label,
                                source, "formulation"))
            defined = definition_item(scope.name(unit.doc_id), unit, source, m)
            out += [defined] if defined else []
    return out


# --------------------------------------------------------------------------- list member

class Member(NamedTuple):
    """A middle member of a 、-list: its offset in the sentence, its text, the list, and the list's
    kind (endings two or more members share, and the noun after 等)."""

    at: int
    text: str
    items: tuple[str, ...]
    kind: frozenset[str]


def list_kind(raw: str, items: list[str]) -> frozenset[str]:
    """What makes two lists of the same sort: endings shared by two or more members (运动会, 农业) and
    the three characters after 等 (等重点镇支点作用 -> "等重点镇")."""
    ends = [i[-1] for i in items]
    head = raw.split("、")[-1].partition("等")[2][:3]
    return frozenset({e for e in ends if ends.count(e) >= 2} | ({f"等{head}"} if len(head) == 3 else set()))


def middle_members(sentence: str) -> list[Member]:
    """Each member of a 、-list of three or more that stands between two 、 (first and last members
    carry the words around the list), occurs once in the sentence, holds no figure (figure items ask
    those) and is no longer than twice the shortest middle member plus one (longer ones are words
    the list reading swept in)."""
    out = []
    for a, b, items in enumerations(sentence):
        middles = items[1:-1]
        for item in middles:
            at = sentence.find(f"、{item}、", a, b)
            if at >= 0 and 2 <= len(item) <= min(10, 2 * min(map(len, middles)) + 1) \
                    and sentence.count(item) == 1 and not DIGIT_RE.search(item):
                out.append(Member(at + 1, item, tuple(items), list_kind(sentence[a:b], items)))
    return out


def list_pool(units: list[Unit]) -> list[Member]:
    """Middle members of every 、-list of these units."""
    return [m for u in units for s, e in sentences(u) for m in middle_members(u.text[s:e])]


def alike(member: Member, pool: list[Member], units: list[Unit], rare_units: int):
    """Rank of a distractor for a list member: from a list of the same kind first, then ending like
    the answer, then as rare in the document as the answer (a place named once draws names, not
    everyday words), then close in length."""
    kinds: dict[str, int] = {}
    for m in pool:
        kinds[m.text] = max(kinds.get(m.text, 0), len(m.kind & member.kind))
    answer = member.text

    def rare(text: str) -> bool:
        return sum(text in u.text for u in units) <= rare_units

    return lambda p: (-kinds.get(p, 0), p[-1] != answer[-1], rare(p) != rare(answer),
                      min(abs(len(p) - len(answer)), 3))


def list_items(scope: Scope, rng: random.Random) -> list[QuizItem]:
    """One question per 、-list in scope: one middle member (chosen by the seed) blanked."""
    pools = {doc_id: list_pool(units) for doc_id, units in scope.doc_units.items()}
    out = []
    for unit, source in scope_sentences(scope):
        by_list: dict[tuple[str, ...], list[Member]] = {}
        for member in middle_members(source):
            by_list.setdefault(member.items, []).append(member)
        for members in by_list.values():
            member = rng.choice(members)
            answer, pool = member.text, pools[unit.doc_id]
            question = f"{scope.name(unit.doc_id)}提出，{blanked(source, member.at, member.at + len(answer))}"
            if answer in question:
                continue
            rank = alike(member, pool, scope.doc_units[unit.doc_id], scope.settings.rare_units)
            wrong = distractors(rng, answer, [m.text for m in pool], [source, question], rank)
            out.append(QuizItem(question, choices_of(rng, answer, wrong), answer, unit.ref, unit.label,
                                source, "list"))
    return out


# --------------------------------------------------------------------------- which article

def quotable(unit: Unit, units: list[Unit], quote_len: tuple[int, int]) -> list[tuple[str, str]]:
    """(sentence, clause) pairs of an article worth quoting: not its title sentence, ``quote_len`` characters
    without quotes or brackets, found in no other unit."""
    out = []
    for s, e in sentences(unit)[1:]:
        source = unit.text[s:e]
        for a, b in clauses(source):
            clause = source[a:b].rstrip("，。；：,;:！？")
            if quote_len[0] <= len(clause) <= quote_len[1] and not NESTED_RE.search(clause) \
                    and sum(clause in u.text for u in units) == 1:
                out.append((source, clause))
    return out


def article_number(label_or_ref: str) -> int:
    """The article number in a ref or label (第12条 -> 12)."""
    digits = re.search(r"\d+", label_or_ref)
    return int(digits.group(0)) if digits else 0


def article_item(scope: Scope, unit: Unit, rng: random.Random) -> QuizItem | None:
    """"“…”出自哪一条？" for one article; choices are its label and three others, its part's first."""
    units = scope.doc_units[unit.doc_id]
    found = quotable(unit, units, scope.settings.quote_len)
    if not found:
        return None
    source, clause = rng.choice(found)
    question = f"“{fullwidth(clause)}”出自{scope.name(unit.doc_id)}哪一条？"
    others = {u.label: u for u in units if u.kind == "article" and u is not unit}

    def rank(label: str) -> tuple[bool, bool]:          # its part first, then articles nearby
        near = abs(article_number(label) - article_number(unit.ref)) <= 6
        return others[label].part_no != unit.part_no, not near

    wrong = distractors(rng, unit.label, list(others), [source, question], rank)
    if len(wrong) < 3:
        return None
    choices = tuple(sorted([unit.label] + wrong, key=article_number))
    return QuizItem(question, choices, unit.label, unit.ref, unit.label, source, "article")


def article_items(scope: Scope, rng: random.Random) -> list[QuizItem]:
    """A which-article question for every in-scope article that has a distinctive clause."""
    return [item for u in scope.units if u.kind == "article" and (item := article_item(scope, u, rng))]
