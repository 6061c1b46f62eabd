"""The 指标表 tab in a real browser (Chromium) against the real app: the chart of 2025 values and 2030 goals,
a bar opening its article in the tab's article panel, and the table with each source sentence shown once per
group. Shares the session's app and logged-in page (tests/conftest.py); screenshots go to SHOTS."""
from __future__ import annotations

from urllib.parse import urlparse

from browser_support import BROWSER_SKIP, SHOTS

pytestmark = BROWSER_SKIP


def test_targets_chart_opens_articles(browser_page):
    page = browser_page["page"]
    page.get_by_role("tab", name="指标表").click()
    chart = page.locator("#targets-chart .targets-chart")
    chart.wait_for()
    items = page.locator("#targets-chart .chart-item")
    names = [n.split("单位")[0].strip() for n in items.locator(".chart-name").all_inner_texts()]
    assert {"城市人口", "城市建成区面积"} <= set(names)
    population = items.filter(has_text="城市人口").filter(has_not_text="建成区")
    assert population.locator(".chart-bar").count() == 2
    assert "26.5万人" in population.locator(".chart-bar.result").inner_text()
    assert "33万人" in population.locator(".chart-bar.goal").inner_text()
    # The bars are drawn: the larger value fills its track, the smaller one less of it.
    widths = population.locator(".bar-fill").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert 0 < widths[0] < widths[1]
    page.screenshot(path=str(SHOTS / "10-targets-chart.png"))

    population.locator(".chart-bar.goal").click()
    page.wait_for_function("document.querySelector('#targets-evidence h3')?.innerText.includes('第7条')")
    assert "城市人口突破33万人" in page.locator("#targets-evidence mark").first.inner_text()
    population.locator(".chart-bar.result").click()
    page.wait_for_function("document.querySelector('#targets-evidence h3')?.innerText.includes('第1条')")
    assert "城市人口增加到26.5万人" in page.locator("#targets-evidence mark").first.inner_text()
    page.screenshot(path=str(SHOTS / "10-targets-chart-article.png"))
    assert all(urlparse(u).hostname in ("127.0.0.1", None) for u in browser_page["requests"] if "://" in u)
    assert not browser_page["dialogs"]


def test_targets_table_groups_sentences(browser_page):
    page = browser_page["page"]
    page.reload()                              # the table in its own order: other tests filter and sort it
    page.locator("#question textarea").wait_for()
    page.get_by_role("tab", name="指标表").click()
    table = page.locator("#targets-table table.targets-table")
    table.wait_for()
    rows = table.locator("tbody tr")
    sources = table.locator("td.source")
    assert sources.count() < rows.count()
    sentences = sources.locator(".sentence").all_inner_texts()
    assert len(sentences) == len(set(sentences))                     # each sentence once
    change = table.locator("tbody tr").filter(has=page.locator("td.indicator", has_text="三次产业结构")).first
    assert change.locator("td.value").inner_text() == "由13.1:35.2:51.7调整为9.5:35:55.5"
    assert change.locator("td.year").inner_text() == "—"
    table.locator("td.source", has_text="城市人口突破33万人").locator(".cite-chip").click()
    page.wait_for_function("document.querySelector('#targets-evidence h3')?.innerText.includes('第7条')")
    page.screenshot(path=str(SHOTS / "10-targets-table.png"))
