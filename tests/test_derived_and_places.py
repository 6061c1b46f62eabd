"""Derived numbers are re-checked, never exempted; framing carries no number of its own; broader places."""
from __future__ import annotations

from chat.answer import Derived
from chat.understanding.places import PlaceResolver
from chat.compose.verify import verify
from config import SETTINGS


def units_by_label(assistant, *refs):
    return {u.label: u for u in assistant.index.units if u.ref in refs and u.doc_id == assistant.index.documents[0].doc_id}


TOWNS = ("黄溪", "濯水", "小南海", "石会", "马喇", "阿蓬江", "太极")


def test_a_count_that_matches_its_items_survives(assistant):
    lead = "共7个：" + "、".join(TOWNS)
    checked = verify(lead + "〔第36条〕", units_by_label(assistant, "36"), [Derived(lead, "items", "7", TOWNS)])
    assert checked.text.startswith("共7个") and not checked.dropped


def test_a_wrong_count_or_an_invented_item_is_dropped(assistant):
    allowed = units_by_label(assistant, "36")
    lead = "共8个：" + "、".join(TOWNS)
    assert verify(lead + "〔第36条〕", allowed, [Derived(lead, "items", "8", TOWNS)]).text == ""
    invented = TOWNS[:6] + ("金溪",)
    lead = "共7个：" + "、".join(invented)
    assert verify(lead + "〔第36条〕", allowed, [Derived(lead, "items", "7", invented)]).text == ""


def test_structure_counts_are_checked_against_the_parsed_structure(assistant):
    doc = assistant.index.documents[0].doc_id
    right = "建议除题注、序言和结束语外，共分13个部分、54条。"
    wrong = "建议除题注、序言和结束语外，共分13个部分、55条。"
    facts = assistant.facts
    assert verify(right, {}, [Derived(right, "structure", "54", facts=(f"{doc}:parts=13", f"{doc}:articles=54"))],
                  facts).text == right
    assert verify(wrong, {}, [Derived(wrong, "structure", "55", facts=(f"{doc}:parts=13", f"{doc}:articles=55"))],
                  facts).text == ""


def test_a_comparison_must_hold_between_the_cited_figures(assistant):
    allowed = units_by_label(assistant, "1")
    right = "区外来黔就医占比39.45%，高于区外来黔就读学生占比27.4%。"
    wrong = "区外来黔就医占比39.45%，低于区外来黔就读学生占比27.4%。"
    assert verify(right + "〔第1条〕", allowed, [Derived(right, "compare", "高于", ("39.45%", "27.4%"))]).text
    assert verify(wrong + "〔第1条〕", allowed, [Derived(wrong, "compare", "低于", ("39.45%", "27.4%"))]).text == ""


def test_framing_survives_but_carries_no_number(assistant):
    allowed = units_by_label(assistant, "7")
    framing = "建议原文未给出该指标“十五五”目标的具体数值。"
    assert verify(framing, allowed).text == framing
    disguised = "建议原文未给出该指标2030年达到500亿元的具体数值。"
    assert verify(disguised, allowed).text == ""


def test_broader_places_come_from_the_division_codes_and_the_region_table(assistant):
    kb_text = "\n".join(u.text for u in assistant.index.units)
    places = PlaceResolver(kb_text, SETTINGS.paths.lexicon_dir / "regions.tsv")
    assert places.broader("咸丰") == "恩施州"                 # county -> its prefecture, which the plan names
    assert places.broader("上海") == "长三角"
    assert places.broader("越南") == "东盟"
    assert places.broader("上海", regions=False) is None
    assert places.broader("金溪镇") is None
