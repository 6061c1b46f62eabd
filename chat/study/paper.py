"""The quiz as a Word paper: numbered questions with lettered choices on A4, and, when asked, an answer
key giving each answer with its citation marker (〔第7条〕) and the source sentence."""
from __future__ import annotations

from pathlib import Path

from chat.briefing.export import _atomic_write
from chat.briefing.layout import set_fonts
from chat.study.items import QuizItem
from ingest.text.refs import marker_of

TITLE = "学习测验"
KEY_TITLE = "参考答案"
LETTERS = "ABCDEFGH"
A4_MM = (210, 297)
MARGIN_MM = 25
BODY_FONT, HEADING_FONT = "宋体", "黑体"
NAME_LINE = "单位：__________　姓名：__________　得分：______"


def _letter(item: QuizItem) -> str:
    """The letter of the right choice ("" for fill-in-the-blank)."""
    return LETTERS[item.choices.index(item.answer)] if item.choices else ""


def _new_document():
    """An empty A4 document with the paper's fonts."""
    import docx
    from docx.shared import Mm

    doc = docx.Document()
    set_fonts(doc.styles["Normal"], BODY_FONT, size_pt=12)
    set_fonts(doc.styles["Title"], HEADING_FONT, size_pt=20, bold=True)
    set_fonts(doc.styles["Heading 1"], HEADING_FONT, size_pt=16, bold=True)
    for section in doc.sections:
        section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
        section.left_margin = section.right_margin = Mm(MARGIN_MM)
        section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    doc.core_properties.title = TITLE
    return doc


def _add_questions(doc, items: list[QuizItem]) -> None:
    """Numbered questions, each choice on its own indented line."""
    from docx.shared import Mm

    for number, item in enumerate(items, 1):
        tail = "（　　）" if item.choices else ""
        doc.add_paragraph(f"{number}. {item.question}{tail}")
        for letter, choice in zip(LETTERS, item.choices or ()):
            doc.add_paragraph(f"{letter}. {choice}").paragraph_format.left_indent = Mm(8)


def _add_key(doc, items: list[QuizItem]) -> None:
    """The answer key on a new page: answer with its marker, then the source sentence."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(KEY_TITLE, level=1)
    for number, item in enumerate(items, 1):
        letter = f"{_letter(item)}. " if item.choices else ""
        doc.add_paragraph(f"{number}. {letter}{item.answer}{marker_of(item.label)}")
        doc.add_paragraph(f"原文：{item.source}").paragraph_format.left_indent = Mm(8)


def build_paper(items: list[QuizItem], with_key: bool):
    """The quiz as a python-docx Document (not yet saved): title, name line, questions, and the answer
    key after a page break when ``with_key``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = _new_document()
    doc.add_paragraph(TITLE, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(NAME_LINE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_questions(doc, items)
    if with_key:
        _add_key(doc, items)
    return doc


def quiz_docx(items: list[QuizItem], path: str | Path, with_key: bool) -> Path:
    """Write the quiz paper (and its answer key when ``with_key``) to ``path`` as .docx, atomically:
    a temporary file in the same folder, then ``os.replace``."""
    doc = build_paper(items, with_key)
    return _atomic_write(Path(path), lambda tmp: doc.save(str(tmp)))
