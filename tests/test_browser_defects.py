"""Defects of the web UI found trying it as a new user would (issue 12), each measured in a real Chromium page.

- The evidence panel's sticky header (article label, title, note) must never cover part of a text line: not at
  the top, and not after the panel scrolls itself to the highlighted sentence (智能问答 and 提法 tabs).
- A citation chip of an older answer shows that answer's retrieved articles, and says which question they are for.
- The outline of 建议原文, scrolled to its end, shows its last item (结束语) whole inside its box.
"""
from __future__ import annotations

from contextlib import contextmanager

from browser_support import BROWSER_SKIP, PASSWORD, SHOTS, USER, ask, last_answer, post

pytestmark = BROWSER_SKIP

SMALL = {"width": 1280, "height": 720}

# The glyph boxes of every text line of a panel's article, and the part of the header a line straddles.
OVERLAP_JS = """
(sel) => {
  const root = document.querySelector(sel);
  const head = root.querySelector('.unit-head'), text = root.querySelector('.unit-text');
  const box = head.closest('.html-container');
  const h = head.getBoundingClientRect(), b = box.getBoundingClientRect();
  const range = document.createRange(), lines = [];
  const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) lines.push([r.top, r.bottom]);
  }
  const shown = lines.filter(([t, bot]) => bot > b.top && t < b.bottom);
  return {scrollTop: box.scrollTop, head: [h.top, h.bottom], box: [b.top, b.bottom], shown: shown.length,
          straddling: shown.filter(([t, bot]) => t < h.bottom - 0.5 && bot > h.bottom + 0.5)};
}
"""
SETTLED_JS = """
([sel, last]) => { const box = document.querySelector(sel + ' .html-container');
  return box && box.scrollTop > 0 && box.scrollTop === last; }
"""


@contextmanager
def viewport(page, size: dict | None):
    """The page at ``size`` (None: as it is) for the block, restored after."""
    before = page.viewport_size
    if size:
        page.set_viewport_size(size)
    try:
        yield
    finally:
        page.set_viewport_size(before)


def _wait_scrolled(page, sel: str) -> None:
    """Wait until the panel has scrolled to its highlighted sentence and stopped."""
    last = -1
    for _ in range(40):
        now = page.evaluate(f"document.querySelector('{sel} .html-container').scrollTop")
        if now > 0 and now == last:
            return
        last = now
        page.wait_for_timeout(100)
    raise AssertionError(f"{sel} did not scroll to its highlight (scrollTop {last})")


def _no_line_under_header(page, sel: str, where: str) -> None:
    found = page.evaluate(OVERLAP_JS, sel)
    assert found["shown"] > 3, found
    assert found["straddling"] == [], f"{where}: a text line sits half under the header: {found}"


def _check_panel(page, sel: str, label: str, shot: str | None = None) -> None:
    page.wait_for_function(f"document.querySelector('{sel} h3')?.innerText.includes('{label}')")
    page.locator(f"{sel} mark").first.wait_for()
    _wait_scrolled(page, sel)
    mark = page.locator(f"{sel} mark").first.bounding_box()
    head = page.locator(f"{sel} .unit-head").bounding_box()
    assert mark["y"] >= head["y"] + head["height"], "the highlighted sentence is under the header"
    _no_line_under_header(page, sel, f"{sel} scrolled to its <mark>")
    if shot:
        page.locator(sel).screenshot(path=str(SHOTS / shot))
    page.evaluate(f"document.querySelector('{sel} .html-container').scrollTop = 0")
    _no_line_under_header(page, sel, f"{sel} at the top")


def test_evidence_header_covers_no_text_line(browser_page):
    page = browser_page["page"]
    page.get_by_role("tab", name="智能问答").click()
    for size, shot in ((None, "12-evidence-header.png"), (SMALL, None)):
        with viewport(page, size):
            page.locator("#reset").click()
            page.wait_for_function("!document.querySelector('#evidence h3')")
            ask(page, "2030年城市人口目标是多少？")
            last_answer(page).locator(".cite-chip", has_text="第7条").first.click()
            _check_panel(page, "#evidence", "第7条", shot)


def test_glossary_evidence_header_covers_no_text_line(browser_page):
    page = browser_page["page"]
    page.get_by_role("tab", name="提法").click()
    box = page.locator("#glossary-search textarea, #glossary-search input").first
    for size in (None, SMALL):
        with viewport(page, size):
            box.fill("15分钟高品质生活服务圈")
            entry = page.locator("#glossary-list li.gloss-entry", has_text="15分钟高品质生活服务圈").first
            entry.locator(".cite-chip", has_text="第7条").first.click()
            _check_panel(page, "#glossary-evidence", "第7条")
            page.locator("#glossary-list li.gloss-entry .cite-chip", has_text="第24条").first.click()
            page.wait_for_function("document.querySelector('#glossary-evidence h3')?.innerText.includes('第24条')")


def _retrieved_labels(page) -> list[str]:
    return page.locator("#retrieved .cite-chip").all_inner_texts()


def _api_labels(browser_page, question: str) -> list[str]:
    status, body = post(browser_page["base"] + "/api/ask", {"question": question}, auth=(USER, PASSWORD))
    assert status == 200, body
    return [h["label"] for h in body["retrieved"]]


def test_older_chip_shows_its_own_retrieved(browser_page):
    page = browser_page["page"]
    page.get_by_role("tab", name="智能问答").click()
    page.locator("#reset").click()
    page.wait_for_function("document.querySelectorAll('#transcript .msg.user').length === 0")
    first, second = "2030年城市人口目标是多少？", "如何发展养老服务？"
    expected_first, expected_second = _api_labels(browser_page, first), _api_labels(browser_page, second)
    assert expected_first[:10] != expected_second[:10]
    ask(page, first)
    ask(page, second)
    shown = _retrieved_labels(page)
    assert shown == expected_second[:len(shown)] and len(shown) >= 3
    assert second in page.locator("#retrieved").inner_text()
    older = page.locator("#transcript .msg.bot").first.locator(".cite-chip").first
    label = older.inner_text()
    older.click()
    page.wait_for_function(f"document.querySelector('#evidence h3')?.innerText.includes('{label}')")
    page.wait_for_function("(q) => document.querySelector('#retrieved').innerText.includes(q)", arg=first)
    shown = _retrieved_labels(page)
    assert shown == expected_first[:len(shown)] and len(shown) >= 3
    assert second not in page.locator("#retrieved").inner_text()
    page.screenshot(path=str(SHOTS / "13-older-chip.png"))
    # A retrieved article of that list opens with the first answer's quotes, and the list stays.
    other = page.locator("#retrieved .cite-chip").nth(1)
    other_label = other.inner_text()
    other.click()
    page.wait_for_function(f"document.querySelector('#evidence h3')?.innerText.includes('{other_label}')")
    assert first in page.locator("#retrieved").inner_text()
    # The newest answer's chip brings its own list back.
    last_answer(page).locator(".cite-chip").first.click()
    page.wait_for_function("(q) => document.querySelector('#retrieved').innerText.includes(q)", arg=second)
    assert _retrieved_labels(page) == expected_second[:len(_retrieved_labels(page))]


def test_outline_end_is_not_clipped(browser_page):
    page = browser_page["page"]
    page.get_by_role("tab", name="建议原文").click()
    page.locator("#outline .outline-item").last.wait_for()
    for size, keyword, shot in ((None, "", None), (SMALL, "", None), (None, "发展", "14-outline-end.png")):
        with viewport(page, size):
            if keyword:                     # a long result list above pushes the outline down the page
                page.locator("#plan-search textarea, #plan-search input").first.fill(keyword)
                page.locator("#plan-search-btn").click()
                page.locator("#search-results .search-hit").first.wait_for()
            found = page.evaluate("""() => {
              const box = document.querySelector('#outline .html-container');
              box.scrollTop = box.scrollHeight;
              const items = box.querySelectorAll('.outline-item'), last = items[items.length - 1];
              const b = box.getBoundingClientRect(), r = last.getBoundingClientRect();
              return {text: last.innerText.trim(), item: [r.top, r.bottom], fits: b.height <= window.innerHeight,
                      inside: [b.top + box.clientTop, b.top + box.clientTop + box.clientHeight],
                      atEnd: box.scrollHeight - box.scrollTop - box.clientHeight};
            }""")
            assert found["text"] == "结束语", found
            assert found["atEnd"] < 1, found
            assert found["fits"], f"the outline box is taller than the window: {found}"
            top, bottom = found["item"]
            assert found["inside"][0] <= top and bottom <= found["inside"][1], f"结束语 clipped: {found}"
            if shot:
                page.locator("#outline").screenshot(path=str(SHOTS / shot))
