"""The structure parser on the real proposal text, and on malformed input."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import SETTINGS
from ingest.chunk import passages_of
from ingest.layouts.base import ParseError
from ingest.layouts.proposal import HEADING_RE
from ingest.layouts.proposal import parse as parse_units
from ingest.parse import DocumentError, kb_files, load_document

KB = SETTINGS.paths.kb_dir
SOURCE_FILE = KB / "qianjiang-15th-five-year-plan-proposal.txt"


@pytest.fixture(scope="module")
def parsed():
    doc, units, source = load_document(SOURCE_FILE)
    return doc, units, source


def test_kb_is_the_verbatim_shared_source():
    shared = Path(__file__).resolve().parents[2] / "shared" / "kb-source" / SOURCE_FILE.name
    if not shared.exists():
        pytest.skip("shared/kb-source is not beside this checkout")
    assert SOURCE_FILE.read_bytes() == shared.read_bytes()


def test_metadata(parsed):
    doc, _, _ = parsed
    assert doc.title == "中共重庆市黔江区委关于制定黔江区国民经济和社会发展第十五个五年规划的建议"
    assert doc.adopted == "2025-12-06"
    assert "第五届委员会第九次全体会议" in doc.issuer
    assert kb_files(KB) == [SOURCE_FILE]


def test_54_articles_in_order(parsed):
    _, units, _ = parsed
    articles = [u for u in units if u.kind == "article"]
    assert [u.ref for u in articles] == [str(n) for n in range(1, 55)]
    assert all(u.text.startswith(f"{u.ref}.") for u in articles)


def test_parts_and_headings(parsed):
    _, units, source = parsed
    headings = {u.part_no: u.part_heading for u in units if u.part_no}
    assert sorted(headings) == list(range(1, 14))
    assert headings[3] == "三、培育发展新质生产力,构建现代化产业体系"
    assert headings[13].startswith("十三、加强党建统领")
    assert sum(1 for line in source.splitlines() if HEADING_RE.match(line)) == 13
    by_ref = {u.ref: u for u in units}
    assert by_ref["8"].part_no == 3 and by_ref["54"].part_no == 13 and by_ref["1"].part_no == 1


def test_intros_preamble_and_closing(parsed):
    _, units, _ = parsed
    refs = [u.ref for u in units]
    assert [r for r in refs if r.startswith("P")] == ["P0"] + [f"P{n}" for n in range(3, 14)]
    by_ref = {u.ref: u for u in units}
    assert by_ref["P0"].kind == "preamble" and by_ref["P0"].text.startswith("中国共产党重庆市黔江区第五届委员会")
    assert by_ref["P3"].text.startswith("坚持智能化、绿色化、融合化方向")
    assert by_ref["P3"].label == "第三部分导语" and by_ref["P13"].label == "第十三部分导语"
    assert refs[-1] == "END" and by_ref["END"].text.startswith("实现“十五五”规划目标")
    assert by_ref["END"].label == "结束语"


def test_continuations_belong_to_the_article_above(parsed):
    _, units, _ = parsed
    by_ref = {u.ref: u for u in units}
    assert "回首走过的历程" in by_ref["1"].text
    assert "在纵深推进中国式现代化大场景中" in by_ref["3"].text
    assert by_ref["5"].text.count("——坚持") == 6
    assert "——经济区域首位度更稳" in by_ref["7"].text and "——美丽黔江底色更靓" in by_ref["7"].text
    assert "33万人" in by_ref["7"].text


def test_titles(parsed):
    _, units, _ = parsed
    by_ref = {u.ref: u for u in units}
    assert by_ref["8"].title == "迭代升级现代制造业集群"
    assert by_ref["7"].title == "“十五五”时期我区经济社会发展的主要目标"
    assert by_ref["P3"].title == "培育发展新质生产力,构建现代化产业体系"


def test_every_body_character_belongs_to_exactly_one_unit(parsed):
    _, units, source = parsed
    owner = [0] * len(source)
    for u in units:
        assert source[u.start:u.end] == u.text
        for i in range(u.start, u.end):
            owner[i] += 1
    assert max(owner) == 1, "units overlap"
    lines, pos = [], 0
    for line in source.splitlines(keepends=True):
        lines.append((pos, pos + len(line.rstrip("\n"))))
        pos += len(line)
    header = next(u for u in units if u.ref == "H")       # title twice and the adoption date: 〔题注〕
    assert (header.start, header.end) == (lines[0][0], lines[2][1]) and header.label == "题注"
    for n, (s, e) in enumerate(lines):
        text = source[s:e]
        if HEADING_RE.match(text) or not text.strip():
            assert all(owner[i] == 0 for i in range(s, e)), f"line {n + 1} should be metadata"
        else:
            assert all(owner[i] == 1 for i in range(s, e)), f"line {n + 1} is not in exactly one unit"


def test_passages_cover_units_verbatim(parsed):
    _, units, _ = parsed
    for i, u in enumerate(units):
        passages = passages_of(u, i, SETTINGS.chunk.max_passage_chars)
        assert passages and all(u.text[p.start:p.end] == p.text for p in passages)
        assert all(len(p.text) <= SETTINGS.chunk.max_passage_chars for p in passages)
        joined = "".join(p.text for p in passages)
        assert joined.replace("\n", "") == u.text.replace("\n", "")


def test_rejects_text_without_articles():
    with pytest.raises(ParseError, match="no numbered article"):
        parse_units("只是一段话,没有条文。", "x", "标题")


def test_rejects_articles_out_of_order():
    with pytest.raises(ParseError, match="article 3 found where 2"):
        parse_units("一、总则\n1.第一条。\n3.第三条。", "x", "标题")


def test_metadata_is_optional_and_a_bad_one_is_named(tmp_path):
    text = tmp_path / "plan.txt"
    text.write_text("一、总则\n1.第一条。\n2.第二条。\n二、附则\n3.第三条。\n", encoding="utf-8")
    doc, units, _ = load_document(text)                       # no .meta.json: the file describes itself
    assert doc.doc_id == "plan" and [u.ref for u in units] == ["1", "2", "3"]
    text.with_suffix(".meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DocumentError, match="plan.meta.json：不是有效的 JSON"):
        load_document(text)
    text.with_suffix(".meta.json").write_text(json.dumps({"doc_id": "x", "title": "t"}), encoding="utf-8")
    doc, units, _ = load_document(text)
    assert [u.ref for u in units] == ["1", "2", "3"] and doc.short_title == "t" and doc.doc_id == "x"
