"""The conversation briefing and the copy-answer button in a real browser (issue 12, part 4).

Ask two questions in 智能问答, export the conversation, open the downloaded .docx with python-docx and find
both questions and their cited figures in the official layout; click an answer's copy button and read the
clipboard. Screenshots: 11-briefing-export.png, 12-copy-answer.png.
"""
from __future__ import annotations

import docx
from browser_support import BROWSER_SKIP, SHOTS, ask, download
from docx.shared import Mm

pytestmark = BROWSER_SKIP

QUESTIONS = ("2030年城市人口目标是多少？", "低空经济怎么发展？")


def _fresh_conversation(page) -> None:
    page.get_by_role("tab", name="智能问答").click()
    page.locator("#reset").click()
    page.wait_for_function("document.querySelector('#transcript .transcript.empty') !== null")


def test_export_the_conversation_as_a_briefing(browser_page, tmp_path):
    page = browser_page["page"]
    _fresh_conversation(page)
    assert page.locator("#chat-export-docx").is_disabled()          # nothing exported yet
    for question in QUESTIONS:
        ask(page, question)
    page.locator("#chat-export").click()
    page.wait_for_function("!document.querySelector('#chat-export-docx').disabled", timeout=60_000)
    assert "2 问" in page.locator("#chat-export-docx").inner_text()
    page.screenshot(path=str(SHOTS / "11-briefing-export.png"))
    path = download(page, "#chat-export-docx", tmp_path / "conversation.docx")

    document = docx.Document(str(path))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) <= Mm(0.2) and abs(section.page_height - Mm(297)) <= Mm(0.2)
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].startswith("对话简报")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["一、问答", "二、相关条文"]
    text = "\n".join(paragraphs) + "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert f"（一）问：{QUESTIONS[0]}" in text and f"（二）问：{QUESTIONS[1]}" in text
    assert "33万人" in text and "〔第7条〕" in text                        # the first answer's figure, cited
    assert "规划建设低空经济产业园" in text and "〔第9条〕" in text          # the second's
    assert "PAGE" in section.footer.paragraphs[0]._p.xml

    ask(page, "那2035年呢？")                                           # the conversation moved on:
    page.wait_for_function("document.querySelector('#chat-export-docx').disabled")   # the old file is gone


def test_copy_an_answer(browser_page):
    page = browser_page["page"]
    _fresh_conversation(page)
    ask(page, QUESTIONS[0])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=browser_page["base"])
    evidence = page.locator("#evidence").inner_text()
    button = page.locator("#transcript .msg.bot").first.locator("button.copy-answer")
    carried = button.get_attribute("data-copy")
    assert "33万人" in carried and "〔第7条〕" in carried and "<" not in carried
    button.click()
    page.wait_for_function("document.querySelector('#transcript button.copy-answer.copied') !== null")
    page.screenshot(path=str(SHOTS / "12-copy-answer.png"))
    assert page.evaluate("navigator.clipboard.readText()") == carried     # the answer's plain text
    assert page.locator("#evidence").inner_text() == evidence           # copying opens no article
    assert not browser_page["dialogs"]
