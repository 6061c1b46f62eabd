"""The official layout of a Word briefing, after GB/T 9704-2012 (党政机关公文格式): A4, the 公文 margins,
title in 方正小标宋简体 2号 centred, 一、 headings in 黑体 3号, （一） subheadings in 楷体 3号, body in
仿宋_GB2312 3号 on a fixed 28 pt line with a two-character first-line indent, page numbers “— 1 —” centred
in the footer (a PAGE field, 宋体 4号). Sizes, margins and fonts are ``config.BriefingSettings``.

Fonts. A briefing is made here and read elsewhere, on a cadre's PC that normally has the 公文 fonts. So
every style names the *official* font (the first of its configured list) as its East Asian font
(``w:rFonts/@w:eastAsia``), and the document's font table gives that font a ``w:altName``: the first of the
list's other names installed on this machine (``fc-list :lang=zh``), else ``fallback_font``. Word and WPS
try the alternative name when the official font is missing; LibreOffice substitutes through fontconfig,
which here lands on the same installed font. ``font_plan`` is that choice, and the tests read it back.
"""
from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass

from config import SETTINGS, BriefingSettings

ROLES = ("title", "heading", "subheading", "body", "page_number")
STYLE_OF_ROLE = {"title": "Title", "heading": "Heading 1", "subheading": "Heading 2", "body": "Normal"}
TABLE_STYLE = "表格文字"
GB2312_CHARSET = "86"                   # the font table's charset code of GB 2312 fonts
CN_DIGITS = "一二三四五六七八九十"


@dataclass(frozen=True)
class FontChoice:
    """The font a role names (official) and the installed font written as its alternative (fallback)."""

    official: str
    fallback: str


@functools.lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str]:
    """Family names of the Chinese fonts installed on this machine (``fc-list :lang=zh family``);
    empty when fontconfig is not there."""
    if not shutil.which("fc-list"):
        return frozenset()
    run = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return frozenset(name.strip() for line in run.stdout.splitlines() for name in line.split(",") if name.strip())


def choose_font(candidates: tuple[str, ...], fallback_font: str, installed: frozenset[str]) -> FontChoice:
    """The first candidate (the official name) and, as its fallback, the first other candidate that is
    ``installed``, else ``fallback_font``."""
    fallback = next((name for name in candidates[1:] if name in installed), fallback_font)
    return FontChoice(candidates[0], fallback)


def font_plan(settings: BriefingSettings = SETTINGS.briefing,
              installed: frozenset[str] | None = None) -> dict[str, FontChoice]:
    """Role (title, heading, subheading, body, page_number) -> its FontChoice on this machine."""
    installed = installed_fonts() if installed is None else installed
    lists = {"title": settings.title_fonts, "heading": settings.heading_fonts,
             "subheading": settings.subheading_fonts, "body": settings.body_fonts,
             "page_number": settings.page_number_fonts}
    return {role: choose_font(lists[role], settings.fallback_font, installed) for role in ROLES}


def section_number(i: int) -> str:
    """The number of the i-th (from 1) section heading: 一、 二、 … 十、."""
    return f"{CN_DIGITS[i - 1]}、"


def subsection_number(i: int) -> str:
    """The number of the i-th (from 1) subheading: （一） （二） …."""
    return f"（{CN_DIGITS[i - 1]}）" if i <= len(CN_DIGITS) else f"（{i}）"


def chinese_date(iso: str) -> str:
    """2026-01-05 -> 2026年1月5日 (as a 公文 dates itself); anything else is returned unchanged."""
    parts = iso.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return iso
    return f"{parts[0]}年{int(parts[1])}月{int(parts[2])}日"


def set_fonts(style, east_asian: str, latin: str = "Times New Roman", size_pt: float | None = None,
              bold: bool | None = None) -> None:
    """Font names on a style (or anything with ``.font`` and ``.element``), the East Asian one via
    w:rFonts/@w:eastAsia (python-docx's ``font.name`` sets only ascii/hAnsi); theme fonts removed so
    that the names apply; text black."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = latin
    if size_pt:
        style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _font_table_alternatives(doc, plan: dict[str, FontChoice]) -> None:
    """Give each official font a font-table entry whose w:altName is its installed fallback."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn
    from lxml import etree

    part = doc.part.part_related_by(RT.FONT_TABLE)
    fonts = etree.fromstring(part.blob)
    for choice in {c.official: c for c in plan.values()}.values():
        for old in fonts.findall(qn("w:font")):
            if old.get(qn("w:name")) == choice.official:
                fonts.remove(old)
        font = etree.SubElement(fonts, qn("w:font"), {qn("w:name"): choice.official})
        etree.SubElement(font, qn("w:altName"), {qn("w:val"): choice.fallback})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): GB2312_CHARSET})
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)  # a plain Part


def _chinese_language(doc) -> None:
    """Mark the document's default language as zh-CN, so that Word applies the East Asian fonts."""
    from docx.oxml.ns import qn

    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph_format(style, settings: BriefingSettings, indent_chars: int, exact: bool = True) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(settings.body_pt * indent_chars)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(settings.line_spacing_pt)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    border = style.element.get_or_add_pPr().find(qn("w:pBdr"))
    if border is not None:                                  # the template's Title has a blue rule under it
        border.getparent().remove(border)


def _page_number_footer(section, choice: FontChoice, settings: BriefingSettings) -> None:
    """“— N —” centred in the footer, N a PAGE field (Word fills it in on every page)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = 0

    def run(text: str = "", field: str | None = None, instruction: str | None = None):
        r = paragraph.add_run(text)
        set_fonts(r, choice.official, settings.latin_font, settings.page_number_pt)
        if field:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), field)
            r._r.append(el)
        if instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instruction
            r._r.append(el)

    run("— ")
    run(field="begin")
    run(instruction=" PAGE ")
    run(field="separate")
    run("1")                                                # shown until the field is updated
    run(field="end")
    run(" —")


def new_document(settings: BriefingSettings = SETTINGS.briefing, installed: frozenset[str] | None = None):
    """An empty python-docx Document in the official layout: page, margins, the four paragraph styles
    (Title, Heading 1, Heading 2, Normal) and the table style with their fonts, the page-number footer."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Mm

    plan = font_plan(settings, installed)
    doc = docx.Document()
    _chinese_language(doc)
    styles = doc.styles
    sizes = {"title": settings.title_pt, "heading": settings.heading_pt, "subheading": settings.heading_pt,
             "body": settings.body_pt}
    for role, name in STYLE_OF_ROLE.items():
        set_fonts(styles[name], plan[role].official, settings.latin_font, sizes[role], bold=False)
        _paragraph_format(styles[name], settings, indent_chars=0 if role == "title" else 2,
                          exact=role != "title")
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table.base_style = styles["Normal"]
    set_fonts(table, plan["body"].official, settings.latin_font, settings.table_pt)
    _paragraph_format(table, settings, indent_chars=0, exact=False)
    _font_table_alternatives(doc, plan)

    width, height = settings.page_mm
    for section in doc.sections:
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.top_margin, section.bottom_margin = Cm(settings.margin_top_cm), Cm(settings.margin_bottom_cm)
        section.left_margin, section.right_margin = Cm(settings.margin_left_cm), Cm(settings.margin_right_cm)
        _page_number_footer(section, plan["page_number"], settings)
    return doc


def add_title_block(doc, title: str, lines: list[str]) -> None:
    """The title (centred, Title style), then each of ``lines`` (date, source) centred, and a blank line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph(title, style="Title")
    for line in lines:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = 0
    doc.add_paragraph("")


def add_table(doc, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A grid table in the table style, header row bold."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].style = doc.styles[TABLE_STYLE]
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.paragraphs[0].style = doc.styles[TABLE_STYLE]
            cell.paragraphs[0].add_run(text)
