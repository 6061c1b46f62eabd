"""Briefings in official layout (issue 12): the .docx is A4 with the 公文 margins, names the configured
official fonts (East Asian) with an installed fallback in its font table, numbers its parts and
subheadings, has a PAGE field in the footer; and no sentence appears in two parts of a briefing, whether
made on a topic, on questions, on both, or from a conversation's answers. Real assistant, real files."""
from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from lxml import etree

from chat.briefing.build import ELISION, briefing_from_answers, build_briefing
from chat.briefing.export import to_docx, to_markdown
from chat.briefing.layout import choose_font, font_plan, installed_fonts
from chat.understanding.conversation import Conversation
from config import SETTINGS
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE

LAYOUT = SETTINGS.briefing
PARTS = ("要点摘要", "问答", "相关条文", "相关指标")


def east_asia(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


TOLERANCE = Mm(0.2)


def close(length, expected) -> bool:
    return abs(int(length) - int(expected)) <= TOLERANCE


@pytest.fixture(scope="module")
def low_altitude_docx(assistant, tmp_path_factory) -> Path:
    return to_docx(build_briefing(assistant, "低空经济"), tmp_path_factory.mktemp("brief") / "brief.docx")


def test_a4_page_with_the_official_margins(low_altitude_docx):
    for section in docx.Document(str(low_altitude_docx)).sections:
        assert close(section.page_width, Mm(210)) and close(section.page_height, Mm(297))
        assert close(section.top_margin, Cm(LAYOUT.margin_top_cm))
        assert close(section.bottom_margin, Cm(LAYOUT.margin_bottom_cm))
        assert close(section.left_margin, Cm(LAYOUT.margin_left_cm))
        assert close(section.right_margin, Cm(LAYOUT.margin_right_cm))


def test_page_number_field_centred_in_the_footer(low_altitude_docx):
    footer = docx.Document(str(low_altitude_docx)).sections[0].footer
    paragraph = footer.paragraphs[0]
    xml = paragraph._p.xml
    assert "PAGE" in "".join(el.text for el in paragraph._p.iter(qn("w:instrText")))
    kinds = [el.get(qn("w:fldCharType")) for el in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
    assert paragraph.alignment == 1 and 'w:eastAsia="宋体"' in xml          # centred, 宋体
    assert paragraph.runs[0].font.size == Pt(LAYOUT.page_number_pt)


def test_fonts_and_sizes_as_configured(low_altitude_docx):
    document = docx.Document(str(low_altitude_docx))
    styles = document.styles
    expected = {"Title": (LAYOUT.title_fonts[0], LAYOUT.title_pt), "Heading 1": (LAYOUT.heading_fonts[0], LAYOUT.heading_pt),
                "Heading 2": (LAYOUT.subheading_fonts[0], LAYOUT.heading_pt), "Normal": (LAYOUT.body_fonts[0], LAYOUT.body_pt)}
    assert expected["Title"][0] == "方正小标宋简体" and expected["Normal"][0] == "仿宋_GB2312"
    assert expected["Heading 1"][0] == "黑体" and LAYOUT.title_pt == 22 and LAYOUT.body_pt == 16
    for name, (font, size) in expected.items():
        assert east_asia(styles[name]) == font, name
        assert styles[name].font.size == Pt(size), name
        assert styles[name].font.name == LAYOUT.latin_font
    title = document.paragraphs[0]
    assert title.style.name == "Title" and styles["Title"].paragraph_format.alignment == 1    # centred
    body = [p for p in document.paragraphs if p.style.name == "Normal" and p.text.strip()]
    assert body and styles["Normal"].paragraph_format.line_spacing == Pt(LAYOUT.line_spacing_pt)


def test_each_official_font_has_an_installed_fallback_in_the_font_table(low_altitude_docx):
    document = docx.Document(str(low_altitude_docx))
    fonts = etree.fromstring(document.part.part_related_by(RT.FONT_TABLE).blob)
    alternatives = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val"))
                    for f in fonts.findall(qn("w:font")) if f.find(qn("w:altName")) is not None}
    plan = font_plan(LAYOUT)
    for role, choice in plan.items():
        assert alternatives[choice.official] == choice.fallback, role
        assert choice.fallback in installed_fonts() or choice.fallback == LAYOUT.fallback_font
    if "WenQuanYi Micro Hei" in installed_fonts():             # the machine's CJK font (browser tests)
        assert plan["body"].fallback == "WenQuanYi Micro Hei"


def test_the_fallback_is_the_first_installed_alternative():
    fonts = ("仿宋_GB2312", "仿宋", "FangSong")
    assert choose_font(fonts, "WenQuanYi Micro Hei", frozenset({"FangSong", "仿宋"})).fallback == "仿宋"
    assert choose_font(fonts, "WenQuanYi Micro Hei", frozenset({"FangSong"})).fallback == "FangSong"
    nothing = choose_font(fonts, "WenQuanYi Micro Hei", frozenset())
    assert (nothing.official, nothing.fallback) == ("仿宋_GB2312", "WenQuanYi Micro Hei")
    assert choose_font(fonts, "X", frozenset({"仿宋_GB2312"})).official == "仿宋_GB2312"   # always named


def test_title_block_and_numbered_parts(assistant, low_altitude_docx):
    paragraphs = docx.Document(str(low_altitude_docx)).paragraphs
    assert paragraphs[0].text.startswith("关于“低空经济”的政策要点")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", paragraphs[1].text)             # date line
    assert paragraphs[2].text.startswith("来源：《") and "2025年12月6日通过" in paragraphs[2].text
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、要点摘要", "二、相关条文"]
    subheadings = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert subheadings[:3] == ["（一）第6条　“十五五”时期我区经济社会发展的战略定位",
                               "（二）第9条　培育壮大新兴产业和未来产业", "（三）第32条　加大招商引资力度"]


def _parts(path: Path) -> dict[str, str]:
    """Text of each numbered part of a .docx (tables included), keyed by the part's name."""
    document = docx.Document(str(path))
    parts, current = {}, None
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            p = docx.text.paragraph.Paragraph(child, document)
            if p.style.name == "Heading 1":
                current = p.text[2:]
                parts[current] = ""
            elif current and p.style.name != "Heading 2":
                parts[current] += p.text + "\n"
        elif child.tag == qn("w:tbl") and current:
            parts[current] += "".join(t.text for t in child.iter(qn("w:t"))) + "\n"
    return parts


def _sentences(text: str) -> list[str]:
    """The sentences of a part's text, markers, numbering and the 第N条（题目）： lead-in taken off."""
    text = MARKER_RE.sub("\n", text).replace(ELISION, "\n")
    pieces = re.split(r"(?<=[。！？；])|\n|：", text)
    return [normalize(p).strip(" -·•0123456789．（）()") for p in pieces if len(p.strip()) >= 8]


def assert_no_sentence_in_two_parts(path: Path) -> dict[str, str]:
    parts = _parts(path)
    assert parts and set(parts) <= set(PARTS)
    for name, text in parts.items():
        for sentence in _sentences(text):
            for other, other_text in parts.items():
                if other != name:
                    assert sentence not in normalize(MARKER_RE.sub("", other_text)), (sentence, name, other)
    return parts


@pytest.mark.parametrize("topic", ["低空经济", "养老", "城市人口", "看病"])
def test_no_sentence_appears_in_two_parts_of_a_topic_briefing(assistant, topic, tmp_path):
    b = build_briefing(assistant, topic)
    parts = assert_no_sentence_in_two_parts(to_docx(b, tmp_path / "t.docx"))
    assert "要点摘要" in parts and "相关条文" in parts
    units = {(u.doc_id, u.ref): u for u in assistant.index.units}
    for section in b.sections:                                  # excerpts are the plan's own words
        for piece in section.excerpt.split(ELISION):
            assert piece in units[(section.doc_id, section.ref)].text
    assert any(s.excerpt for s in b.sections)                   # 相关条文 adds text the summary does not have
    md = to_markdown(b)
    summary_md = md.split("## 一、要点摘要")[1].split("## 二、")[0]
    articles_md = md.split("## 二、相关条文")[1]
    for line in b.summary:                                      # the summary's quote is not repeated below
        quote = line.split("：", 1)[1].rsplit("〔", 1)[0]
        assert quote in summary_md and quote not in articles_md


def test_no_sentence_in_two_parts_with_questions(assistant, tmp_path):
    questions = ["2030年城市人口目标是多少？", "低空经济怎么发展？"]
    both = build_briefing(assistant, "低空经济", questions)
    parts = assert_no_sentence_in_two_parts(to_docx(both, tmp_path / "both.docx"))
    assert list(parts) == ["要点摘要", "问答", "相关条文", "相关指标"]
    assert "33万人" in parts["问答"] and "33万人" in parts["相关指标"]
    only = build_briefing(assistant, questions=questions)
    parts = assert_no_sentence_in_two_parts(to_docx(only, tmp_path / "qa.docx"))
    assert list(parts)[:2] == ["问答", "相关条文"]


def test_a_conversation_briefing_keeps_the_answers_as_given(assistant, tmp_path):
    conversation = Conversation()
    turns = [(q, assistant.ask(q, conversation)) for q in
             ("2030年城市人口目标是多少？", "那城市建成区面积呢？", "低空经济怎么发展？")]
    b = briefing_from_answers(assistant, turns)
    assert b.topic == "对话简报" and b.title.startswith("对话简报（依据《") and b.summary == []
    assert [q for q, _ in b.qa] == [q for q, _ in turns]
    cited = {c.ref for _, a in turns for c in a.citations}
    assert {s.ref for s in b.sections} == cited and {"7", "9"} <= cited
    path = to_docx(b, tmp_path / "conversation.docx")
    parts = assert_no_sentence_in_two_parts(path)
    for _, answer in turns:
        assert answer.answer.splitlines()[0] in parts["问答"]
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "（一）问：2030年城市人口目标是多少？" in text and "（二）问：那城市建成区面积呢？" in text
    assert "30平方公里" in parts["问答"] and "33万人" in parts["问答"]
