"""The 指标表 tab without a browser: the chart and the grouped table built from the real index's targets table,
and the tab's handlers over the real assistant (no models run: the handlers only read the index)."""
from __future__ import annotations

import re
from dataclasses import replace

import gradio as gr
import pytest

from ingest.targets import Target
from ui import render, targets_render
from ui.state import UIContext
from ui.targets_tab import TargetHandlers

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
BAR_RE = re.compile(r'<button type="button" class="cite-chip chart-bar (\w+)" data-ref="([^"]*)" data-doc="([^"]*)" '
                    r'data-turn="(\d+)"')


@pytest.fixture(scope="module")
def ctx(assistant) -> UIContext:
    return UIContext.create(assistant, assistant.settings.ui)


@pytest.fixture(scope="module")
def targets(ctx) -> list[Target]:
    return ctx.index.targets


@pytest.fixture(scope="module")
def chart(ctx) -> str:
    return TargetHandlers(ctx).chart()


def test_chart_draws_the_plan_pairs(targets, chart):
    pairs = targets_render.chart_pairs(targets)
    assert {(p.indicator, p.unit) for p in pairs} >= {("城市人口", "万人"), ("城市建成区面积", "平方公里")}
    population = next(p for p in pairs if p.indicator == "城市人口")
    assert (targets[population.result].value, targets[population.goal].value) == ("26.5", "33")
    assert "增加到26.5万人" in chart and "突破33万人" in chart
    assert "三次产业结构" not in chart                      # a ratio: no pair of plain numbers
    assert chart.count('class="chart-item"') == len(pairs)


def test_every_charted_value_is_stated_in_its_article(ctx, targets, chart):
    """Each bar: a 2025 result or a 2030 goal whose figure occurs verbatim in the article it opens, two bars an
    indicator, of the same unit; every bar is a citation chip of its own row's article."""
    bars = BAR_RE.findall(chart)
    assert bars and len(bars) == 2 * chart.count('class="chart-item"')
    for (kind1, *_rest1), (kind2, *_rest2) in zip(bars[::2], bars[1::2]):
        assert (kind1, kind2) == ("result", "goal")
    for kind, ref, doc_id, turn in bars:
        t = targets[int(turn)]
        assert (t.kind, t.ref, t.doc_id) == (kind, ref, doc_id)
        assert t.year == {"result": "2025", "goal": "2030"}[kind]
        assert re.fullmatch(r"[0-9]+(\.[0-9]+)?", t.value) and t.unit
        text = ctx.index.unit(ref, doc_id).text
        assert t.figure in text and t.reading in text and t.value + t.unit in t.figure
    for p in targets_render.chart_pairs(targets):
        assert targets[p.result].unit == targets[p.goal].unit == p.unit
        assert targets[p.result].indicator == targets[p.goal].indicator == p.indicator


def test_chart_bars_are_scaled_to_their_own_indicator(chart):
    widths = [float(w) for w in re.findall(r'class="bar-fill" style="width:([0-9.]+)%"', chart)]
    assert widths and all(0 < w <= 100 for w in widths)
    assert all(max(a, b) == 100 for a, b in zip(widths[::2], widths[1::2]))   # the larger value fills its track
    assert f"width:{80.3}%" in chart                                          # 26.5 / 33


def test_chart_and_table_stay_in_the_page(ctx, chart):
    html = chart + TargetHandlers(ctx).table("全部", "", "按条文顺序")[0]
    assert not re.search(r"https?://|//[a-z]", html, re.IGNORECASE)
    assert "<script" not in html.lower() and "@import" not in html and "url(" not in html


def test_hostile_text_is_escaped():
    bad = Target(XSS, "26.5", "万人", "增加到", "2025", "result", "1", 'd"><script>', f"{XSS}增加到26.5万人。",
                 "26.5万人", 0)
    targets = [bad, replace(bad, value="33", qualifier="突破", year="2030", kind="goal", sentence=f"{XSS}突破33万人。",
                            figure="33万人")]
    html = targets_render.render_chart(targets, 12, 300) + targets_render.render_table(targets, [0, 1])
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'data-doc="d&quot;&gt;&lt;script&gt;"' in html


def test_chart_respects_its_settings(targets):
    assert targets_render.render_chart(targets, 1, 240).count('class="chart-item"') == 1
    assert "width:240px" in targets_render.render_chart(targets, 1, 240)
    assert "没有同时给出" in targets_render.render_chart([t for t in targets if t.kind != "goal"], 12, 300)


def test_source_sentence_once_per_group(ctx, targets):
    html, count, rows = TargetHandlers(ctx).table("全部", "", "按条文顺序")
    assert count == f"共 {len(targets)} 项指标" and len(rows) == len(targets)
    assert html.count("<tr class=") == len(targets)
    sentences = list(dict.fromkeys((t.ref, t.sentence) for t in targets))
    assert html.count('<td class="source"') == len(sentences)
    for _, sentence in sentences:
        plain = re.sub(r"<[^>]+>", "", render.esc(sentence))
        assert re.sub(r"<[^>]+>", "", html).count(plain) == 1, sentence
    first = next(t for t in targets if t.indicator == "人均地区生产总值")
    assert f'rowspan="{sum(t.sentence == first.sentence for t in targets)}"' in html
    assert all(len(r) == len(render.TARGET_HEADERS) and r[-1] for r in rows)   # the CSV keeps every sentence


def test_table_reads_a_change_as_the_plan_does(ctx):
    html = TargetHandlers(ctx).table("成果", "三次产业", "按条文顺序")[0]
    cells = re.findall(r'<td class="indicator">三次产业结构</td><td class="value">([^<]*)</td>'
                       r'<td class="year">([^<]*)</td>', html)
    assert cells == [("由13.1:35.2:51.7调整为9.5:35:55.5", "—"), ("调整为9.5:35:55.5", "2025")]


def test_clicking_a_bar_opens_its_article(ctx, targets, chart):
    handlers = TargetHandlers(ctx)
    _kind, ref, doc_id, turn = BAR_RE.findall(chart)[-1]
    html = handlers.open_unit(gr.EventData(None, {"ref": ref, "doc": doc_id, "turn": turn}))
    row = targets[int(turn)]
    assert f'data-ref="{ref}"' in html and f'<mark class="quote">{render.esc(row.sentence)}</mark>' in html
    assert row.reading in html
    assert "<mark" not in handlers.open_unit(gr.EventData(None, {"ref": "7", "doc": "", "turn": "999999"}))
