"""“…”是指？ questions: a numbered formulation the plan spells out with the list just before it —
"推动自治、法治、德治、智治“四治融合”" -> "《建议》提出的“四治融合”是指哪四项？", answer 自治、法治、德治、智治.

Only when the formulation's leading numeral counts the list's members (四 and four members), so the
list is what the formulation names; the answer is the plan's own text of the list.
"""
from __future__ import annotations

import re

from ingest.text.numerals import CN_NUMERALS, numeral_value
from ingest.units import Unit

from chat.compose.enumerations import enumerations
from chat.study.items import QuizItem
from chat.study.material import clauses, fullwidth


def spelled_out(sentence: str, quote: re.Match) -> str | None:
    """The plan's text of the 、-list that ends right before ``quote`` and has as many members as the
    formulation's leading numeral says; the first member cut to its siblings' length (健全人民调解 ->
    人民调解). None when there is no such list."""
    term = quote.group(1)
    if term[0] not in CN_NUMERALS:
        return None
    for a, b, items in enumerations(sentence):
        if b != quote.start() or numeral_value(term[0]) != len(items):
            continue
        longest = max(map(len, items[1:]))
        if len(items[-1]) > max(map(len, items[1:-1]), default=longest) + 1:
            return None                      # the last member swept in words after the list
        first = items[0][-longest:]
        start = sentence.find(items[0], a) + len(items[0]) - len(first)
        return sentence[start:b] if sentence[start:b].endswith(items[-1]) else None
    return None


def definition_item(name: str, unit: Unit, source: str, quote: re.Match) -> QuizItem | None:
    """"《建议》提出的“四治融合”是指哪四项？" (with the words after the formulation when it names a
    thing: “三位一体”耕地保护体系), fill-in-the-blank; None when the plan does not spell it out."""
    answer = spelled_out(source, quote)
    if answer is None:
        return None
    term = quote.group(1)
    end = next((b for a, b in clauses(source) if a <= quote.end() <= b), quote.end())
    named = fullwidth(source[quote.end(): end]).rstrip("，。；、")
    question = f"{name}提出的“{term}”{named}是指哪{term[0]}项？"
    if answer in question:
        return None
    return QuizItem(question, None, answer, unit.ref, unit.label, source, "formulation")
