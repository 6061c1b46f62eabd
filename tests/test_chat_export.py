"""The 智能问答 tab's conversation export and copy button without a browser: the handler over the real
assistant writes a briefing .docx of the session's finished turns, and every finished answer carries a
copy button holding its plain text (escaped)."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest

from chat.answer import Answer
from ui import render
from ui.chat_export import ExportHandlers, answered
from ui.state import UIContext, new_session

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ctx(assistant):
    return UIContext.create(assistant, assistant.settings.ui)


def _session(assistant, questions) -> dict:
    session = new_session()
    for question in questions:
        session["turns"].append({"question": question, "backend": "extractive",
                                 "answer": assistant.ask(question, session["conversation"])})
    return session


def test_export_writes_the_finished_turns_as_a_briefing(assistant, ctx):
    session = _session(assistant, ["2030年城市人口目标是多少？", "那城市建成区面积呢？"])
    session["turns"].append({"question": "x" * 5000, "error": "问题过长"})       # a rejected turn is left out
    session["turns"].append({"question": "还在回答", "partial": "到"})            # so is one still streaming
    assert [q for q, _ in answered(session)] == ["2030年城市人口目标是多少？", "那城市建成区面积呢？"]
    button = ExportHandlers(ctx).export(session)
    path = Path(button.value["path"] if isinstance(button.value, dict) else button.value)
    assert path.suffix == ".docx"
    assert button.interactive and "2 问" in button.label
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "（一）问：2030年城市人口目标是多少？" in text and "（二）问：那城市建成区面积呢？" in text
    assert "33万人" in text and "30平方公里" in text and "〔第7条〕" in text
    assert "问题过长" not in text and "还在回答" not in text


def test_nothing_to_export_gives_no_file(ctx):
    for session in (None, new_session()):
        button = ExportHandlers(ctx).export(session)
        assert button.value is None and button.interactive is False


def test_every_finished_answer_has_a_copy_button_with_its_plain_text():
    text = f"到2030年，城市人口突破33万人。〔第7条〕\n原文：\n- {XSS}〔第7条〕"
    html = render.render_transcript([{"question": "问", "answer": Answer("问", text, False, [], [], "extractive")},
                                     {"question": "问", "partial": "到2030年"}])
    assert html.count('class="copy-answer"') == 1                # not on an answer still streaming
    carried = html.split('data-copy="', 1)[1].split('"', 1)[0]
    assert render.esc(text) == carried and "<script" not in html
