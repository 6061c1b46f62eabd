"""Input handling in one place: every odd input gets an answer or a clear message, never a crash."""
from __future__ import annotations

import pytest

from config import SETTINGS
from chat.inputs import NOTICE_NON_CHINESE, NOTICE_TRADITIONAL, QuestionError, prepare_question


@pytest.mark.parametrize("raw, message", [
    ("", "问题为空"), ("   \t ", "问题为空"), ("\x00\x01\x1b", "问题为空"), (None, "必须是文本"),
    ("问" * (SETTINGS.question.max_chars + 1), "问题过长"), ("🚄🚄🚄", "没有可检索的文字"),
])
def test_unusable_input_gets_a_clear_message(raw, message):
    with pytest.raises(QuestionError, match=message):
        prepare_question(raw)


def test_traditional_chinese_is_searched_as_simplified_and_shown_as_written():
    prepared = prepare_question("黔江區城市人口目標是多少？")
    assert prepared.text == "黔江区城市人口目标是多少？" and prepared.original == "黔江區城市人口目標是多少？"
    assert NOTICE_TRADITIONAL in prepared.notices


def test_control_characters_emoji_and_markup_are_dropped_for_search():
    prepared = prepare_question("\u200b低空经济🚁怎么\x07发展？<b>")
    assert prepared.text == "低空经济怎么发展？"


def test_answers_for_odd_but_valid_questions(assistant):
    units = {u.label: u for u in assistant.index.units}
    cases = {
        "黔江區城市人口目標是多少？": "33万人",
        "２０３０年城市人口目标是多少?": "33万人",                    # full-width digits, ASCII '?'
        "  低空经济 ，怎么发展 ！！ ": "低空经济先行试验区",
        "🚀低空经济🚀怎么发展？": "低空经济先行试验区",
    }
    for question, fact in cases.items():
        answer = assistant.ask(question)
        assert fact in answer.answer, question
        assert all(c.quote in units[c.label].text for c in answer.citations)
    english = assistant.ask("What does the plan say about the low-altitude economy?")
    assert NOTICE_NON_CHINESE in english.notices and "9" in {c.ref for c in english.citations}


def test_pasted_article_text_is_located(assistant):
    pasted = "规划建设低空经济产业园,完善通用航空起降设施,开展国家低空空域管理改革试点"
    answer = assistant.ask(pasted)
    assert any("第9条" in n for n in answer.notices)
    assert {c.ref for c in answer.citations} == {"9"}
