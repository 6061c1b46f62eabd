"""HTML for the study tabs (提法, 学习测验): glossary entries and quiz feedback with citation chips.

Like ui/render.py, every piece of document or user text goes through ``esc`` (or ``highlight``, which
escapes) before it is placed in markup. A chip's ``data-turn`` carries the index of its glossary entry
or quiz item, so that the tab's evidence panel can highlight the term or the source sentence.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.text.normalize import normalize
from ui.render import chip, esc, highlight

if TYPE_CHECKING:
    from chat.study.items import QuizItem
    from ingest.glossary import GlossaryEntry

NOT_EXPANDED = "原文未展开"
SPACES_RE = re.compile(r"\s+")


def matching_entries(entries: Sequence[GlossaryEntry], keyword: str) -> list[tuple[int, GlossaryEntry]]:
    """(index in ``entries``, entry) for every entry whose term contains ``keyword`` (NFKC, case-insensitive;
    all entries when the keyword is blank)."""
    key = normalize(keyword or "").strip()
    return [(i, e) for i, e in enumerate(entries) if not key or key in normalize(e.term)]


def render_entry(index: int, entry: GlossaryEntry, doc_title: str = "") -> str:
    """One glossary entry: the term, its definition (the term highlighted) or 原文未展开, and a chip for
    every article that mentions it (``data-turn`` = ``index``)."""
    if entry.definition is None:
        definition = f'<span class="not-expanded">{NOT_EXPANDED}</span>'
    else:
        definition = highlight(entry.definition, [entry.term])
    chips = "".join(chip(ref, label, entry.doc_id, index) for ref, label in zip(entry.refs, entry.labels))
    doc = f'<span class="gloss-doc">{esc(doc_title)}</span>' if doc_title else ""
    return (f'<li class="gloss-entry" data-term="{esc(entry.term)}"><div class="gloss-term">{esc(entry.term)}{doc}</div>'
            f'<div class="gloss-def">{definition}</div><div class="gloss-refs"><span class="muted">出现于：</span>'
            f'{chips}</div></li>')


def render_glossary(entries: Sequence[GlossaryEntry], keyword: str = "",
                    doc_titles: dict[str, str] | None = None) -> str:
    """The count line (共 N 条) and the entries whose term contains ``keyword``; the document's title
    beside each term when there is more than one document."""
    found = matching_entries(entries, keyword)
    several = len({e.doc_id for e in entries}) > 1
    key = (keyword or "").strip()
    if not found:
        return (f'<p class="gloss-count">共 0 条</p><p class="muted">没有包含“{esc(key)}”的提法。</p>')
    titles = doc_titles or {}
    rows = "".join(render_entry(i, e, titles.get(e.doc_id, e.doc_id) if several else "") for i, e in found)
    scope = f"包含“{esc(key)}”的提法" if key else "提法"
    return f'<p class="gloss-count">{scope}共 {len(found)} 条</p><ul class="glossary">{rows}</ul>'


# ---- quiz ---------------------------------------------------------------------------------------
def answer_form(text: str) -> str:
    """The matching form of a fill-in answer: NFKC, lower case, no whitespace."""
    return SPACES_RE.sub("", normalize(text or ""))


def is_correct(item: QuizItem, given: str | None) -> bool:
    """Whether ``given`` answers ``item``: the exact choice for multiple choice, the answer's matching
    form (``answer_form``) for fill-in-the-blank."""
    if given is None:
        return False
    if item.choices is not None:
        return given == item.answer
    return bool(answer_form(given)) and answer_form(given) == answer_form(item.answer)


def render_feedback(index: int, item: QuizItem, given: str | None) -> str:
    """Right or wrong for one answered item, with the correct answer, a chip opening its article
    (``data-turn`` = ``index``) and the source sentence, the answer highlighted."""
    right = is_correct(item, given)
    mark = '<span class="verdict right">✓ 正确</span>' if right else '<span class="verdict wrong">✗ 错误</span>'
    yours = "" if right else f'<span class="yours">你的答案：{esc(given or "（未作答）")}</span>'
    return (f'<div class="quiz-feedback {"right" if right else "wrong"}">{mark}{yours}'
            f'<span class="key">正确答案：<b>{esc(item.answer)}</b></span>{chip(item.ref, item.label, "", index)}'
            f'<div class="source">原文：{highlight(item.source, [item.answer])}</div></div>')


def render_score(right: int, total: int) -> str:
    """The score line: 得分 N/M."""
    return f'<div class="quiz-score">得分 {right}/{total}</div>'
