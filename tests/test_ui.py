"""ui/ over the real assistant, without a browser: the tabs honour UISettings (turns kept, answers at
once, queue size). The page itself is exercised in a real browser by test_browser.py."""
from __future__ import annotations

from config import UISettings
from ui.chat_tab import ChatHandlers
from ui.page import build_ui
from ui.state import UIContext


def test_chat_keeps_the_last_max_turns(assistant):
    handlers = ChatHandlers(UIContext.create(assistant, UISettings(max_turns=2)))
    session = None
    for question in ["第9条讲了什么？", "2030年城市人口目标是多少？", "如何发展养老服务？"]:
        *_, last = handlers.respond(question, "extractive", session)
        session = last[-1]
    assert [t["question"] for t in session["turns"]] == ["2030年城市人口目标是多少？", "如何发展养老服务？"]
    assert all(t.get("answer") is not None for t in session["turns"])
    assert "第9条讲了什么" not in last[0] and "养老服务" in last[0]


def test_queue_follows_the_settings(assistant):
    ui = build_ui(assistant, UISettings(answer_slots=3, queue_size=7))
    assert ui._queue.default_concurrency_limit == 3 and ui._queue.max_size == 7
