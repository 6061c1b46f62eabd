"""文档管理 in a real browser: an administrator uploads a Word outline, sees it listed with its layout and
units, and asks a question scoped to it (《简称》) that is answered with the outline's own labels; a
user who is not an administrator may not add documents. The app runs on its own copy of the knowledge
base and its own index (the shared app's stay untouched)."""
from __future__ import annotations

import os
import shutil

import pytest
from browser_support import BROWSER_SKIP, SHOTS, app_server, ask, last_answer, logged_in_page
from plan_documents import write_outline_docx

from config import SETTINGS

pytestmark = BROWSER_SKIP
USERS = "admin:Adm-pw-2025:admin,reader:Rdr-pw-2025"


@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs-app")
    shutil.copytree(SETTINGS.paths.kb_dir, root / "kb")
    (root / "cache").mkdir()
    (root / "cache" / "models").symlink_to((SETTINGS.paths.cache_root / "models").resolve())
    if (SETTINGS.paths.cache_root / "embeddings").exists():      # passage vectors: not recomputed
        shutil.copytree(SETTINGS.paths.cache_root / "embeddings", root / "cache" / "embeddings")
    write_outline_docx(root / "纲要乙.docx")
    with app_server(root / "app.log", users=USERS, PLANQA_KB=str(root / "kb"),
                    PLANQA_CACHE=str(root / "cache")) as running:
        yield running | {"root": root}


def _open_documents(page):
    page.get_by_role("tab", name="文档管理").click()
    page.locator("#doc-table").wait_for()


def test_admin_uploads_a_docx_and_asks_about_it(own_app, browser):
    with logged_in_page(own_app, browser, "admin", "Adm-pw-2025") as session:
        page = session["page"]
        _open_documents(page)
        assert "qianjiang-15th-five-year-plan-proposal.txt" in page.locator("#doc-table").inner_text()
        page.locator("#doc-upload input[type=file]").set_input_files(str(own_app["root"] / "纲要乙.docx"))
        page.locator("#doc-add").click()
        page.wait_for_function("document.querySelector('#doc-status').innerText.includes('索引已重建')",
                               timeout=240_000)
        table = page.locator("#doc-table").inner_text()
        assert "纲要乙.docx" in table and "纲要" in table and "已索引" in table
        assert (own_app["root"] / "kb" / "纲要乙.docx").exists()
        page.screenshot(path=str(SHOTS / "15-documents.png"))
        page.get_by_role("tab", name="智能问答").click()
        ask(page, "《纲要乙》里低空经济怎么发展？")
        answer = last_answer(page)
        assert "低空飞行服务站" in answer.inner_text()
        chip = answer.locator(".cite-chip", has_text="《纲要乙》第三章第二节").first
        assert chip.is_visible()
        chip.click()
        page.wait_for_function("document.querySelector('#evidence h3').innerText.includes('第三章第二节')")
        page.screenshot(path=str(SHOTS / "16-documents-answer.png"))
        page.reload()                                      # a reload shows the new document in every tab
        page.locator("#question textarea").wait_for()
        _open_documents(page)        # the page's load event fills the table: waited for, not read mid-load
        page.wait_for_function("document.querySelector('#doc-table').innerText.includes('纲要乙.docx')",
                               timeout=60_000)
        page.get_by_role("tab", name="建议原文").click()
        page.wait_for_function("document.querySelector('#outline').innerText.includes('第三章第二节')",
                               timeout=60_000)
        assert session["dialogs"] == [] and session["errors"] == []


def test_a_reader_may_not_add_documents(own_app, browser):
    with logged_in_page(own_app, browser, "reader", "Rdr-pw-2025") as session:
        page = session["page"]
        _open_documents(page)
        before = sorted(os.listdir(own_app["root"] / "kb"))
        page.locator("#doc-upload input[type=file]").set_input_files(str(own_app["root"] / "纲要乙.docx"))
        page.locator("#doc-add").click()
        page.wait_for_function("document.querySelector('#doc-status').innerText.includes('只有管理员')")
        assert sorted(os.listdir(own_app["root"] / "kb")) == before
