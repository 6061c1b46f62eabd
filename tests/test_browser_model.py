"""Browser tests of model answers (issue 10): a streamed model answer with citation chips, from an app of
its own whose 接口 backend is the loopback llama.cpp server (Qwen2.5-0.5B); the shared app, without a model
endpoint, does not offer 接口."""
from __future__ import annotations

import pytest

from browser_support import BROWSER_SKIP, SHOTS, app_server, ask, last_answer, logged_in_page

pytestmark = BROWSER_SKIP


def test_interface_hidden_when_not_configured(browser_page):
    page = browser_page["page"]
    if not page.locator("#question textarea").is_visible():
        page.get_by_role("tab", name="智能问答").click()
    choices = page.locator("#backend label").all_inner_texts()
    assert "原文摘录" in " ".join(choices) and "本地模型" in " ".join(choices)
    assert not any("接口" in c for c in choices)


@pytest.mark.llm_server
def test_streamed_model_answer_with_citation_chips(browser, llama_server, tmp_path):
    from conftest import TEST_MODEL

    env = {"PLANQA_OPENAI_BASE_URL": llama_server.base_url, "PLANQA_OPENAI_MODEL": TEST_MODEL}
    with app_server(tmp_path / "app.log", **env) as server, logged_in_page(server, browser) as view:
        page = view["page"]
        page.locator("#backend label", has_text="接口").click()
        page.evaluate("""() => { window.__seen = {status: false, streaming: false};
            new MutationObserver(() => {
              if (document.querySelector('#transcript .model-wait')) window.__seen.status = true;
              if (document.querySelector('#transcript .answer.streaming')) window.__seen.streaming = true;
            }).observe(document.querySelector('#transcript'), {subtree: true, childList: true}); }""")
        ask(page, "建议对低空经济提出了哪些任务？")
        answer = last_answer(page)
        page.screenshot(path=str(SHOTS / "model-answer.png"))
        seen = page.evaluate("window.__seen")
        assert seen["streaming"], "the model's words were not shown while it wrote"
        assert answer.locator(".cite-chip").count() >= 1
        meta = answer.locator(".answer-meta").inner_text()
        notices = " ".join(answer.locator(".notices li").all_inner_texts())
        assert "接口" in meta or "本回答改为原文摘录" in notices     # the model's text, or why not, in Chinese
        answer.locator(".cite-chip").first.click()
        page.locator("#evidence mark").first.wait_for()
