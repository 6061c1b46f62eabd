"""The 提法 glossary (ingest/glossary.py) over the real index: every entry checked, not a sample."""
from __future__ import annotations

import json
import re
import time
from dataclasses import replace

import pytest

from config import SETTINGS
from ingest.glossary import (build_glossary, leading_count, lookup, numbered_phrases,
                             quoted_formulations, to_json)
from ingest.index import load_index
from ingest.text.refs import ref_label

# Terms whose expansion the plan spells out right next to them, read and checked by hand.
DEFINED = {
    "双融": ["干部生活在群众中", "群众生活在组织中"],
    "四篇大文章": ["人怎么聚", "业怎么兴", "城怎么建", "社会怎么治理"],
    "五篇大文章": ["科技金融", "绿色金融", "普惠金融", "养老金融", "数字金融"],
    "双倍增": ["高新技术企业", "科技型企业"],
    "双轮驱动": ["数智赋能", "大综合一体化"],
    "四好": ["好房子", "好小区", "好社区", "好城区"],
    "三张清单": ["政府投资", "社会投资", "投融资改革"],
    "三位一体": ["数量", "质量", "生态"],
    "五网": ["水", "电", "路", "气", "讯"],
    "四治融合": ["自治", "法治", "德治", "智治"],
    "三张名片": ["恐龙新城", "烟火老城", "魅力古镇"],
    "四位一体": ["科研", "科普", "研学", "旅游"],
    "三调联动": ["人民调解", "行政调解", "司法调解"],
    "三项机制": ["闭环责任", "闭环推进", "监督问责"],
}
# Only named: a city-level system, incomplete lists (…等6大机遇, …等“十大战役”), a list member (…“双师型”等).
UNDEFINED = ["33618", "1312", "416", "885", "141", "6大机遇", "十大战役", "双师型", "一主两副五片区",
             "四高六铁", "两个确立", "四个意识", "四风", "三权", "四链"]
# An independent reading of the two term shapes, to check the extractor against.
QUOTE_RE = re.compile(r"“([^“”\n]+)”")
NUMBERED_RE = re.compile(r"(?<![第一二三四五六七八九十零两\d.])(?:[二三四五六七八九十两]|[2-9])"
                         r"(?:[个大张篇项类][\u4e00-\u9fff]{1,4}(?=[^\u4e00-\u9fff]|$)|位一体)")


@pytest.fixture(scope="module")
def index():
    return load_index(SETTINGS)


@pytest.fixture(scope="module")
def glossary(index):
    return build_glossary(index.units)


@pytest.fixture(scope="module")
def by_term(glossary):
    return {entry.term: entry for entry in glossary}


def _doc_units(index, doc_id):
    return [unit for unit in index.units if unit.doc_id == doc_id]


def test_sizes(index, glossary):
    """About 245 quoted formulations plus a few bare numbered phrases; 14 definitions."""
    quoted = {q for unit in index.units for _, q in quoted_formulations(unit.text)}
    numbered = {p for unit in index.units for _, p in numbered_phrases(unit.text)}
    assert len(quoted) == 245 and len(numbered) == 26 and len(numbered - quoted) == 5
    assert len(glossary) == len(quoted | numbered) == 250
    assert len({(e.doc_id, e.term) for e in glossary}) == len(glossary)
    assert sum(e.definition is not None for e in glossary) == len(DEFINED)


def test_every_term_occurs_in_each_listed_unit_and_sentence(index, glossary):
    for entry in glossary:
        units = {unit.ref: unit for unit in _doc_units(index, entry.doc_id)}
        order = list(units)
        assert entry.refs and len(set(entry.refs)) == len(entry.refs), entry.term
        assert [order.index(r) for r in entry.refs] == sorted(order.index(r) for r in entry.refs)
        assert entry.labels == tuple(units[r].label for r in entry.refs)
        assert entry.labels == tuple(ref_label(r) for r in entry.refs)          # the primary document
        for ref in entry.refs:
            assert entry.term in units[ref].text, (entry.term, ref)
        assert entry.sentences and len(set(entry.sentences)) == len(entry.sentences)
        for sentence in entry.sentences:
            assert entry.term in sentence, (entry.term, sentence)
            assert any(sentence in units[r].text for r in entry.refs), (entry.term, sentence)
            assert sentence == sentence.strip() and "\n" not in sentence


def test_no_mention_missed(index, glossary):
    """Every unit whose text holds the term is listed, and every occurrence lies in a listed sentence."""
    for entry in glossary:
        holding = [u.ref for u in _doc_units(index, entry.doc_id) if entry.term in u.text]
        assert list(entry.refs) == holding, entry.term
        for unit in _doc_units(index, entry.doc_id):
            for occurrence in re.finditer(re.escape(entry.term), unit.text):
                assert any(s.find(entry.term) >= 0 and _covers(unit.text, s, occurrence.start())
                           for s in entry.sentences), (entry.term, unit.ref, occurrence.start())


def _covers(text: str, sentence: str, pos: int) -> bool:
    start = text.find(sentence)
    while start >= 0:
        if start <= pos < start + len(sentence):
            return True
        start = text.find(sentence, start + 1)
    return False


def test_every_quoted_formulation_and_numbered_phrase_is_an_entry(index, by_term):
    """Read with the test's own patterns: each quotation (not a title's, not 丁/米, not 十四五/十五五)
    and each numbered phrase is an entry listing the unit it stands in."""
    seen_quotes, seen_numbered = set(), set()
    for unit in index.units:
        for match in QUOTE_RE.finditer(unit.text):
            quoted = match.group(1)
            if len(quoted) < 2 or quoted in ("十四五", "十五五"):
                assert quoted not in by_term
                continue
            seen_quotes.add(quoted)
            assert unit.ref in by_term[quoted].refs, (quoted, unit.ref)
        for match in NUMBERED_RE.finditer(unit.text):
            seen_numbered.add(match.group(0))
            assert unit.ref in by_term[match.group(0)].refs, (match.group(0), unit.ref)
    assert seen_quotes | seen_numbered == set(by_term)
    assert {"四篇大文章", "三张名片", "两个确立", "五大支撑", "四张清单", "6大机遇"} <= seen_numbered
    assert {"四高六铁", "一主两副五片区", "33618", "1312"} <= seen_quotes


def test_exclusions(index, by_term):
    assert not {"丁", "米", "十四五", "十五五"} & set(by_term)
    assert not any(ch in term for term in by_term for ch in "《》“”")
    assert "成渝地区双城经济圈建设规划纲要" not in by_term and "国内动态清样" not in by_term
    assert quoted_formulations("见《关于“十大”的通知》与“两山”") == [(13, "两山")]


@pytest.mark.parametrize("term", sorted(DEFINED))
def test_definitions_name_their_items(index, by_term, term):
    entry = by_term[term]
    assert entry.definition is not None and term in entry.definition
    assert entry.definition in entry.sentences
    assert any(entry.definition in u.text for u in _doc_units(index, entry.doc_id) if u.ref in entry.refs)
    for item in DEFINED[term]:
        assert item in entry.definition, (term, item)


def test_four_articles_and_33618(by_term):
    four = by_term["四篇大文章"]
    assert four.refs == ("2",) and four.labels == ("第2条",)
    assert "“人怎么聚”“业怎么兴”“城怎么建”“社会怎么治理”四篇大文章" in four.definition
    assert by_term["33618"].definition is None and by_term["33618"].refs == ("6",)


@pytest.mark.parametrize("term", UNDEFINED)
def test_named_only_terms_have_no_definition(by_term, term):
    assert by_term[term].definition is None


def test_definitions_are_verbatim_text_of_listed_units(index, glossary):
    defined = {e.term for e in glossary if e.definition is not None}
    assert defined == set(DEFINED)
    for entry in glossary:
        if entry.definition is not None:
            texts = [u.text for u in _doc_units(index, entry.doc_id) if u.ref in entry.refs]
            assert any(entry.definition in text for text in texts), entry.term


def test_sorted_by_first_occurrence(index, glossary):
    units = _doc_units(index, glossary[0].doc_id)
    firsts = []
    for entry in glossary:
        first = next(i for i, u in enumerate(units) if entry.term in u.text)
        firsts.append((first, units[first].text.find(entry.term)))
    assert firsts == sorted(firsts)
    assert [e.term for e in glossary[:3]] == ["1312", "十大战役", "黔江・白垩纪之城"]


def test_deterministic_and_fast(index, glossary):
    started = time.perf_counter()
    again = build_glossary(index.units)
    assert time.perf_counter() - started < 1.0
    assert again == glossary and [to_json(e) for e in again] == [to_json(e) for e in glossary]
    assert build_glossary(list(index.units)) == glossary and build_glossary([]) == []


def test_lookup(glossary, by_term):
    assert lookup(glossary, "四篇大文章") is by_term["四篇大文章"]
    assert lookup(glossary, "“四篇大文章”") is by_term["四篇大文章"]
    assert lookup(glossary, " “33618” ") is by_term["33618"]
    assert lookup(glossary, "中国式现代化，民生为大") is by_term["中国式现代化,民生为大"]    # full-width comma
    assert lookup(glossary, "渝事好商量—同心黔行") is by_term["渝事好商量—同心‘黔’行"]
    assert lookup(glossary, "乡村ceo") is by_term["乡村CEO"]
    assert lookup(glossary, "五篇文章") is None and lookup(glossary, "") is None
    assert lookup(glossary, "“”") is None and lookup([], "四好") is None


def test_to_json(by_term):
    data = to_json(by_term["三张名片"])
    assert list(data) == ["term", "refs", "labels", "definition", "sentences"]
    assert data["refs"] == ["P10", 38] and data["labels"] == ["第十部分导语", "第38条"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert to_json(by_term["33618"])["refs"] == [6] and to_json(by_term["33618"])["definition"] is None


def test_numbered_phrase_shape():
    assert numbered_phrases("书写好四篇大文章,推动") == [(3, "四篇大文章")]
    assert numbered_phrases("等6大机遇,为重庆") == [(1, "6大机遇")]
    assert numbered_phrases("构建“科研+科普”四位一体开发格局") == [(9, "四位一体")]
    for text in ("第十五个五年规划", "培育一批企业。", "坚持区四大家主要领导及区委", "增加至39个,",
                 "党的二十大和二十届历次全会精神,", "三次产业结构", "两所高职院校,"):
        assert numbered_phrases(text) == [], text


def test_leading_count():
    assert leading_count("四篇大文章") == 4 and leading_count("两个确立") == 2
    assert leading_count("双融") == 2 and leading_count("6大机遇") == 6 and leading_count("三位一体") == 3
    assert leading_count("九个零发生") == 9 and leading_count("十项举措") == 10
    for term in ("33618", "2.5天微度假", "1小时武陵山旅游圈", "一老一小", "一主两副五片区", "三攻坚一盘活",
                 "六个一", "宁愿苦干、不愿苦熬", "四", ""):
        assert leading_count(term) is None, term


def test_expansion_after_the_term_and_documents_apart(index):
    """The after-pattern (：/即/包括) and a second document, on units built from the real ones."""
    base = next(u for u in index.units if u.ref == "7")
    texts = ["实施“两个行动”,即甲行动和乙行动。推进“三项改革”：甲改革、乙改革。",
             "做好“小院家”,包括积分、清单两件事。“四篇大文章”另作他解。"]
    units = [replace(base, ref=str(i + 1), text=t) for i, t in enumerate(texts)]
    other = [replace(u, doc_id="other-doc", doc_label="《其他》") for u in units]
    entries = build_glossary(units + other)
    first = {e.term: e for e in entries if e.doc_id == base.doc_id}
    assert first["两个行动"].definition == "实施“两个行动”,即甲行动和乙行动。"
    assert first["三项改革"].definition is None                   # two items named for a count of three
    assert first["小院家"].definition == "做好“小院家”,包括积分、清单两件事。"
    assert first["四篇大文章"].definition is None
    assert [e.doc_id for e in entries] == [base.doc_id] * 4 + ["other-doc"] * 4
    assert next(e.labels for e in entries if e.doc_id == "other-doc") == ("《其他》第1条",)
    assert lookup(entries, "两个行动").doc_id == base.doc_id


def test_explain_questions_answer_from_the_glossary(assistant):
    """The chat's explain-a-term shape and the glossary are one source of definitions."""
    answer = assistant.ask("四篇大文章是什么意思？")
    assert not answer.refused and answer.answer.startswith("建议对“四篇大文章”的表述：")
    assert all(item in answer.answer for item in ("人怎么聚", "业怎么兴", "城怎么建", "社会怎么治理"))
    assert {c.ref for c in answer.citations} == {"2"}
    answer = assistant.ask("33618是指什么？")
    assert answer.refused and answer.answer.startswith("原文未展开“33618”的具体含义")
    assert {c.ref for c in answer.citations} == {"6"}


def test_a_term_the_documents_never_use_is_not_explained_by_closeness_in_meaning(assistant):
    """“一区两群” (a municipal formulation) is nowhere in the plan: its cosine with definition-like sentences
    is high (≥ min_dense), yet none of its words is found, so the answer says so instead of quoting 第52条."""
    for question in ("“一区两群”是什么意思？", "一区两群指的是什么"):
        answer = assistant.ask(question)
        assert answer.refused and answer.answer.startswith("建议原文未涉及“一区两群”"), answer.answer
        assert not answer.citations
    assert not assistant.ask("以工代赈是什么意思？").refused          # a term the plan uses is still explained
    for question in ("一区两群是啥", "一区两群怎么落实？"):           # any shape: a numbered formulation (提法)
        answer = assistant.ask(question)                             # the documents never use is absent
        assert answer.refused and answer.answer.startswith("建议原文未涉及“一区两群”"), answer.answer
    answer = assistant.ask("“强省会”战略在规划里有吗？")               # quoted from elsewhere
    assert answer.refused and answer.answer.startswith("建议原文未涉及“强省会”")
    for question in ("一老一小有什么政策？", "四高六铁是什么", "“乡村振兴战略”怎么落实？", "“双碳”目标怎么说的？"):
        assert not assistant.ask(question).refused
