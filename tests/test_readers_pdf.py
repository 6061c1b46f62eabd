"""PDF sources (ingest/readers/pdf.py, pdf_layout.py): text PDFs written with fpdf2 and a CJK font, with
running headers and page numbers, a scan, encrypted files, and the layout rules on hand-made lines."""
from __future__ import annotations

import dataclasses
from itertools import pairwise

from plan_documents import (
    CJK_FONT,
    OUTLINE,
    OUTLINE_TEXT,
    RUNNING_HEADER,
    expect_unreadable,
    pdf_class,
    plain_pdf,
    write_outline_pdf,
)

from config import SETTINGS
from ingest.readers import read_document
from ingest.readers.pdf_layout import join_broken_lines, strip_running_lines


def test_a_text_pdf_reads_back_as_the_outline_without_running_headers_or_page_numbers(tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "纲要.pdf"
    write_outline_pdf(path)
    raw = [page.extract_text() for page in PdfReader(path).pages]
    assert len(raw) >= 3
    assert all(RUNNING_HEADER in text and f"— {number} —" in text for number, text in enumerate(raw, 1))
    whole = set(OUTLINE_TEXT.split("\n"))
    bodies = [text.split("\n")[1:-1] for text in raw]                  # without header and footer
    assert sum(line not in whole for body in bodies for line in body) > 10, "the layout broke no sentence"
    assert any(before[-1] not in whole and after[0] not in whole for before, after in pairwise(bodies)), \
        "no paragraph runs over a page break"

    source = read_document(path)
    assert source.text == OUTLINE_TEXT
    assert (source.format, source.encoding, source.heading_levels) == ("pdf", "", ())
    assert source.warnings == (f"纲要.pdf：已去除 {2 * len(raw)} 行页眉、页脚或页码",)
    for sentence in ("到2030年，地区生产总值年均增长6%左右，城市人口突破33万人，城市建成区面积达到30平方公里。",
                     "地区生产总值突破300亿元，年均增长5.8%，城乡居民人均可支配收入分别达到4.2万元和1.9万元。"):
        assert sentence in source.text


def test_running_headers_stay_when_the_settings_say_too_few_pages(tmp_path):
    path = tmp_path / "纲要.pdf"
    write_outline_pdf(path)
    settings = dataclasses.replace(SETTINGS.readers, running_min_pages=99)
    source = read_document(path, settings)
    assert source.text.count(RUNNING_HEADER) >= 3            # repetition is not judged …
    assert "— 1 —" not in source.text                        # … but page numbers still go


def test_a_scanned_pdf_asks_for_ocr(tmp_path):
    pdf = pdf_class()()                                     # its running header and "— n —": the only text
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    from PIL import Image  # Pillow comes with fpdf2

    scan = Image.effect_noise((200, 280), 60).convert("L")
    for _ in range(3):
        pdf.add_page()
        pdf.image(scan, x=10, y=20, w=190)
        pdf.rect(20, 40, 170, 200)
    path = tmp_path / "扫描件.pdf"
    pdf.output(str(path))
    expect_unreadable(path, "扫描", "需要先进行 OCR 文字识别")

    bare = plain_pdf()                                       # no text layer at all
    bare.add_page()
    bare.rect(20, 40, 170, 200)
    bare.output(str(tmp_path / "空白扫描.pdf"))
    expect_unreadable(tmp_path / "空白扫描.pdf", "需要先进行 OCR 文字识别")


def test_an_encrypted_pdf_opens_only_without_a_user_password(tmp_path):
    for user_password, name in (("", "open.pdf"), ("secret", "locked.pdf")):
        pdf = plain_pdf()                                    # one page, no running lines
        pdf.set_encryption(owner_password="owner", user_password=user_password)
        pdf.add_page()
        pdf.set_font("wqy", size=14)
        pdf.multi_cell(0, 10, OUTLINE[3][1], new_x="LMARGIN", new_y="NEXT")
        pdf.output(str(tmp_path / name))
    assert read_document(tmp_path / "open.pdf").text == OUTLINE[3][1]
    expect_unreadable(tmp_path / "locked.pdf", "加密", "密码")


def test_join_rule_on_handmade_lines():
    settings = SETTINGS.readers
    full = "发展不平衡不充分问题仍然突出产业结构不优创新能力不强"          # 26 characters, the widest line
    pages = [
        ["第一章 发展环境", full, "城乡区域发展差距较大。", full, "（二）主要目标", full[:24] + "GDP"],
        ["growth of the region。", full + "：", "1. 到2030年城市人口突破33万人", "专栏1 主要指标"],
    ]
    assert join_broken_lines(pages, settings) == [
        "第一章 发展环境",                                       # short: a heading never runs on
        full + "城乡区域发展差距较大。",                           # full, no closing punctuation: joined
        full, "（二）主要目标",                                   # the next line opens a numbered item
        full[:24] + "GDP growth of the region。",                # joined across the page, Latin words spaced
        full + "：", "1. 到2030年城市人口突破33万人", "专栏1 主要指标",
    ]


def test_page_number_lines_go_even_in_a_short_pdf_but_body_numbers_stay():
    pages = [["第 1 页 共 2 页", "第一章 总体要求", "3", "坚持稳中求进。", "- 1 -"],
             ["2/2", "2030", "加快建设区域中心城市。", "Page 2 of 2"]]
    kept, removed = strip_running_lines(pages, SETTINGS.readers)
    assert kept == [["第一章 总体要求", "3", "坚持稳中求进。"], ["加快建设区域中心城市。"]]
    assert removed == 5                                       # "2030" at the top edge reads as a page number


def test_a_two_page_pdf_loses_its_running_header(tmp_path):
    pdf = pdf_class()(format=(148, 210))
    pdf.add_font("wqy", fname=str(CJK_FONT), collection_font_number=0)
    pdf.set_font("wqy", size=13)
    for page_text in ("两页方案\n一、任务\n（一）建设冷水鱼基地3个。", "（二）发展中药材2万亩。\n二、保障\n加强领导。"):
        pdf.add_page()
        for line in page_text.split("\n"):
            pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "两页方案.pdf"
    pdf.output(str(path))
    text = read_document(path).text
    assert RUNNING_HEADER not in text and text.startswith("两页方案")
    assert "（二）发展中药材2万亩。" in text
