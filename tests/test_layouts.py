"""Layout detection and the layout strategies (纲要, 方案, 标题样式, 段落) on texts written for the tests;
the proposal's own layout is covered by tests/test_parse.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.layouts import Layout, ParseError, detect_layout, parse_layout
from ingest.layouts.hierarchy import parse_styled
from ingest.metadata import adoption_date, doc_id_of, infer_metadata

DATA = Path(__file__).parent / "data"
OUTLINE = (DATA / "outline.txt").read_text(encoding="utf-8")
SCHEME = (DATA / "scheme.txt").read_text(encoding="utf-8")
OUTLINE_TITLE = "示范县国民经济和社会发展第十五个五年规划纲要"
KB_TEXT = next((Path(__file__).parent.parent / "kb").glob("*.txt")).read_text(encoding="utf-8")


def by_ref(units):
    return {u.ref: u for u in units}


def test_spans_are_exact_and_units_do_not_overlap():
    for text, title in ((OUTLINE, OUTLINE_TITLE), (SCHEME, "示范镇乡村振兴三年行动方案")):
        _, units = parse_layout(text, "d", title)
        assert all(text[u.start:u.end] == u.text for u in units)
        assert all(a.end <= b.start for a, b in zip(units, units[1:]))


def test_detection():
    assert detect_layout(OUTLINE) is Layout.OUTLINE
    assert detect_layout(SCHEME) is Layout.SCHEME
    assert detect_layout(KB_TEXT) is Layout.PROPOSAL
    assert detect_layout("第一段话。\n第二段话。") is Layout.PARAGRAPHS
    assert detect_layout("第一段话。\n第二段话。", styled_headings=True) is Layout.HEADINGS


def test_outline_refs_labels_and_boxes():
    layout, units = parse_layout(OUTLINE, "d", OUTLINE_TITLE)
    assert layout is Layout.OUTLINE
    units = by_ref(units)
    assert list(units) == ["H", "P0", "1", "2.1", "2.2", "3", "3.1", "3.2", "4"]
    assert units["H"].text.endswith("第五次会议批准）")
    assert units["3.2"].label == "第三章第二节" and units["3.2"].title == "发展新材料产业"
    assert units["3"].kind == "intro" and units["3"].label == "第三章"        # the chapter's own text
    assert units["1"].kind == "article" and units["4"].label == "第四章"
    # chapters number on across 篇: 第三章 is in 第二篇, and 篇 is not in the ref
    assert units["3.1"].part_no == 2 and units["3.1"].part_heading.startswith("第二篇")
    # the 专栏 box and its numbered list stay inside their section
    assert "专栏1" in units["2.2"].text and "2.常住人口城镇化率达到60%。" in units["2.2"].text


def test_scheme_refs_and_labels():
    layout, units = parse_layout(SCHEME, "d", "示范镇乡村振兴三年行动方案")
    assert layout is Layout.SCHEME
    units = by_ref(units)
    assert units["2.1.2"].label == "二（一）2" and units["2.1.2"].title == "中药材种植"
    assert units["2.2.1"].text == "1.人居环境。农村卫生厕所普及率达到95%。"
    assert units["1"].kind == "intro" and "坚持农业农村优先发展" in units["1"].text
    assert "2" not in units and "2.1" not in units        # bare headings over their items are not units
    assert units["3"].kind == "article" and units["3"].label == "三"


def test_a_number_out_of_sequence_is_content_not_a_heading():
    text = "方案\n一、任务\n1.甲。\n2.乙。\n专栏\n1.不是条目。\n3.丙。\n"
    _, units = parse_layout(text, "d", "方案")
    units = by_ref(units)
    assert list(units) == ["H", "1.1", "1.2", "1.3"]
    assert "1.不是条目。" in units["1.2"].text


def test_paragraphs_fallback():
    layout, units = parse_layout("通知\n各单位要做好冬季防火工作。\n请于12月底前报送总结。", "d", "通知")
    assert layout is Layout.PARAGRAPHS
    assert [(u.ref, u.label) for u in units] == [("H", "题注"), ("1", "第1段"), ("2", "第2段")]
    with pytest.raises(ParseError):
        parse_layout("只有标题", "d", "只有标题")


def test_word_heading_styles_without_numbers():
    text = "总体要求\n坚持稳中求进。\n主要任务\n产业发展\n发展特色产业。\n城乡建设\n建设美丽乡村。"
    units = by_ref(parse_styled(text, "d", "", {0: 1, 2: 1, 3: 2, 5: 2}))
    assert list(units) == ["1", "2.1", "2.2"]
    assert units["2.2"].label == "2.2" and units["2.2"].title == "城乡建设"
    assert units["2.1"].text == "产业发展\n发展特色产业。"


def test_proposal_layout_is_unchanged():
    layout, units = parse_layout(KB_TEXT, "d", "中共重庆市黔江区委关于制定黔江区国民经济和社会发展第十五个五年规划的建议")
    assert layout is Layout.PROPOSAL
    assert [u.ref for u in units][:3] == ["H", "P0", "1"] and units[-1].ref == "END"
    assert sum(u.kind == "article" for u in units) == 54 and all(not u.numbering for u in units)


def test_metadata_from_the_text_and_the_name():
    meta = infer_metadata("示范县纲要", OUTLINE)
    assert meta == {"doc_id": "shi-fan-xian-gang-yao", "title": OUTLINE_TITLE, "short_title": "示范县纲要",
                    "adopted": "2026-01-20"}
    assert doc_id_of("plan-2026_v1.2") == "plan-2026_v1.2"            # already URL-safe: kept
    assert doc_id_of("示范县纲要") == doc_id_of("示范县纲要")            # stable
    assert adoption_date("规划\n（二〇二五年十二月六日通过）") == "2025-12-06"
    assert adoption_date("规划\n没有日期") == ""
    assert infer_metadata("x", "第一章 总则\n正文。")["title"] == "x"   # a numbered heading is not a title


def test_law_articles_number_on_across_chapters():
    text = ("示范县河道管理办法\n第一章　总则\n第一条　为加强河道管理，制定本办法。\n第二条　本办法适用于全县河道。\n"
            "第二章　管理\n第三条　河道实行河长制。\n河长每月巡河一次。\n第四条　本办法自2026年1月1日起施行。")
    layout, units = parse_layout(text, "d", "示范县河道管理办法")
    assert layout is Layout.LAW
    units = by_ref(units)
    assert list(units) == ["H", "1", "2", "3", "4"]
    assert units["3"].label == "第三条" and units["3"].text.endswith("河长每月巡河一次。")
    assert units["3"].part_heading == "第二章　管理" and units["3"].context == "第二章　管理"


def test_one_part_of_numbered_items_is_a_scheme_not_a_proposal():
    text = "意见\n一、目标任务\n到2027年基本完成。\n二、重点举措\n1.建设基地。\n2.培育主体。\n3.完善机制。\n三、保障措施\n加强领导。"
    layout, units = parse_layout(text, "d", "意见")
    assert layout is Layout.SCHEME
    assert [u.label for u in units] == ["题注", "一", "二1", "二2", "二3", "三"]


def test_long_chapter_headings_and_repeated_numbers_still_open_units():
    long_heading = "第二章 加快发展现代服务业和文化旅游业，推动生产性服务业向专业化和价值链高端延伸拓展"
    text = f"纲要\n第一章 总则\n总的要求。\n{long_heading}\n服务业增加值年均增长7%。\n第三章 农业\n建设农业强区。"
    units = by_ref(parse_layout(text, "d", "纲要")[1])
    assert list(units) == ["H", "1", "2", "3"] and units["2"].text.startswith(long_heading)
    text = "方案\n一、任务\n（一）甲。\n（二）乙。\n（二）丙。\n（四）丁。"
    units = by_ref(parse_layout(text, "d", "方案")[1])
    assert list(units) == ["H", "1.1", "1.2", "1.2-2", "1.4"] and units["1.2-2"].label == "一（二）-2"


def test_headings_over_items_are_the_items_context():
    _, units = parse_layout(SCHEME, "d", "示范镇乡村振兴三年行动方案")
    unit = by_ref(units)["2.1.2"]
    assert unit.context == "二、重点任务 （一）发展特色产业" and unit.search_text.startswith(unit.context)
