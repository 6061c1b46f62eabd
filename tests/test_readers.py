"""Source files into text (ingest/readers): .txt, .md and .docx documents the tests write themselves with
the real libraries (GB18030/UTF-8 bytes, python-docx), and files that cannot be read, through read_document.
PDFs: tests/test_readers_pdf.py."""
from __future__ import annotations

import random

import pytest
from plan_documents import (
    OUTLINE,
    OUTLINE_LEVELS,
    OUTLINE_TEXT,
    expect_unreadable,
    write_outline_docx,
)

from ingest.readers import SUPPORTED_SUFFIXES, SourceText, read_document

# ---------------------------------------------------------------- .txt and .md


@pytest.mark.parametrize("encoding, expected", [
    ("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"), ("utf-16", "utf-16"),
])
def test_the_outline_reads_back_identically_in_every_encoding(tmp_path, encoding, expected):
    path = tmp_path / "黔江区十五五规划纲要.txt"
    path.write_bytes(OUTLINE_TEXT.replace("\n", "\r\n").encode(encoding))
    source = read_document(path)
    assert source == SourceText(text=OUTLINE_TEXT, format="txt", encoding=expected)
    if encoding == "gb18030":
        assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("text", [
    "第一章 总体要求", "规划", "专栏1 重大项目", "一、发展环境", "（一）主要目标", "地区生产总值年均增长6%左右",
    "建设美丽黔江\n数字经济", "十五五",
])
def test_short_gb18030_texts_are_not_taken_for_big5_or_utf16(tmp_path, text):
    # charset-normalizer names most of these big5, cp949 or utf_16_be first; gb18030 is among its candidates
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode("gb18030"))
    source = read_document(path)
    assert (source.text, source.encoding) == (text, "gb18030")


def test_a_genuine_big5_text_stays_big5(tmp_path):
    text = "臺灣的經濟發展與國際貿易關係密切，政府持續推動產業升級。"
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    assert read_document(path).text == text


def test_line_endings_become_newlines(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes("第一章 总体要求\r坚持稳中求进。\r\n第二章 主要目标\n".encode())
    assert read_document(path).text == "第一章 总体要求\n坚持稳中求进。\n第二章 主要目标\n"


def test_markdown_headings_become_text_with_levels(tmp_path):
    path = tmp_path / "outline.MD"
    body = "\n".join(("#" * level + " " + line) if level else line for level, line in OUTLINE)
    path.write_text(body.replace("专栏1", "**专栏1**", 1) + "\n\n```\n# 不是标题\n```\n", encoding="utf-8")
    source = read_document(path)
    assert source.format == "md" and source.encoding == "utf-8"
    assert source.text == OUTLINE_TEXT + "\n\n```\n# 不是标题\n```\n"
    assert source.heading_levels == OUTLINE_LEVELS


# ---------------------------------------------------------------- .docx



def test_the_outline_as_docx_keeps_its_lines_headings_and_table_rows(tmp_path):
    path = tmp_path / "纲要.docx"
    write_outline_docx(path)
    source = read_document(path)
    lines = source.text.split("\n")
    assert lines[:len(OUTLINE)] == [line for _, line in OUTLINE]
    assert lines[len(OUTLINE):] == [
        "指标  2025年  2030年", "城市人口（万人）    33", "城市建成区面积（平方公里）  30", "附：专栏数据以统计部门发布为准。",
    ]
    assert (source.format, source.encoding, source.warnings) == ("docx", "", ())
    assert source.heading_levels == OUTLINE_LEVELS


def test_docx_headings_from_chinese_style_names_and_outline_levels(tmp_path):
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    chinese = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("第一章 总体要求", style=chinese)
    outlined = document.add_paragraph("第一节 指导思想")
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "2")
    outlined._p.get_or_add_pPr().append(level)
    body = document.add_paragraph("坚持稳中求进工作总基调。")
    body_level = OxmlElement("w:outlineLvl")
    body_level.set(qn("w:val"), "9")                   # 9 is Word's "body text"
    body._p.get_or_add_pPr().append(body_level)
    path = tmp_path / "wps.docx"
    document.save(path)
    source = read_document(path)
    assert source.text == "第一章 总体要求\n第一节 指导思想\n坚持稳中求进工作总基调。"
    assert source.heading_levels == ((0, 2), (1, 3))


# ---------------------------------------------------------------- files that cannot be read


def test_unreadable_files_are_named_with_their_reason(tmp_path):
    noise = random.Random(0).randbytes(4096)
    rng = random.Random(1)
    high = bytes(rng.randrange(0x80, 0x100) for _ in range(4096))   # no NUL, no ASCII: still not text
    cases = {
        "损坏.docx": (noise, "不是有效的 Word 文件（.docx）"),
        "损坏.pdf": (noise, "不是有效的 PDF 文件"),
        "乱码.txt": (noise, "无法识别文字编码（不是 UTF-8 或 GB18030 文本）"),
        "高位乱码.txt": (high, "无法识别文字编码"),
        "零字节.txt": (b"PK" + bytes(64) + b"word/document.xml", "无法识别文字编码"),   # valid UTF-8, still binary
        "BOM后GB.txt": (b"\xef\xbb\xbf" + "第一章 总体要求".encode("gb18030"), "无法识别文字编码"),
        "空白.txt": (b"", "文件为空"),
        "空格.md": ("  \r\n\u3000\n".encode("utf-8"), "文件为空"),
        "仅BOM.txt": (b"\xef\xbb\xbf", "文件为空"),
        "照片.jpg": (noise, "不支持的文件类型（支持 .txt .md .docx .pdf）"),
        "旧版.doc": (noise, "另存为 .docx"),
        "改名.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise, "另存为 .docx"),
    }
    for name, (data, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        expect_unreadable(path, reason)
    expect_unreadable(tmp_path / "不存在.txt", "无法打开文件")


def test_an_empty_docx_is_empty(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("   ")
    document.save(tmp_path / "空.docx")
    expect_unreadable(tmp_path / "空.docx", "文件为空")


def test_supported_suffixes_are_case_insensitive(tmp_path):
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf")
    path = tmp_path / "纲要.TXT"
    path.write_bytes(OUTLINE_TEXT.encode("gb18030"))
    assert read_document(path).text == OUTLINE_TEXT
