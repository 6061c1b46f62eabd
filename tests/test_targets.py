"""The targets table on the real proposal text (no mocks): figures, indicators, years, kinds, offsets."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from chat.cli.targets_table import format_table
from config import SETTINGS
from ingest.layouts.proposal import parse as parse_units
from ingest.parse import load_document
from ingest.targets import KINDS, Target, extract_targets, targets_to_rows

SOURCE_FILE = SETTINGS.paths.kb_dir / "qianjiang-15th-five-year-plan-proposal.txt"
YEARS = {"2025", "2030", "2035", "十四五", "十五五", ""}
LINK_VERBS = ("达到", "实现", "突破", "增加到", "增加至", "提升至", "缩小至", "稳定在", "保持", "拓展到",
              "调整为", "控制在", "超")


@pytest.fixture(scope="module")
def units():
    return load_document(SOURCE_FILE)[1]


@pytest.fixture(scope="module")
def targets(units) -> list[Target]:
    return extract_targets(units)


def one(targets, **fields) -> Target:
    hits = [t for t in targets if all(getattr(t, k) == v for k, v in fields.items())]
    assert len(hits) == 1, (fields, hits)
    return hits[0]


def test_row_count_is_reported(targets):
    by_kind = Counter(t.kind for t in targets)
    print(f"\n[targets] {len(targets)} rows: " + ", ".join(f"{k} {by_kind[k]}" for k in KINDS))
    assert 40 <= len(targets) <= 60
    assert by_kind["result"] >= 20 and by_kind["goal"] >= 15


def test_city_population_goal_2030(targets):
    t = one(targets, indicator="城市人口", ref="7")
    assert (t.value, t.unit, t.qualifier, t.year, t.kind) == ("33", "万人", "突破", "2030", "goal")
    assert t.figure == "33万人" and "城市人口突破33万人" in t.sentence
    assert t.sentence.startswith("到2030年城市建成区面积达到30平方公里")


def test_city_population_result_2025(targets):
    t = one(targets, indicator="城市人口", ref="1")
    assert (t.value, t.unit, t.qualifier, t.year, t.kind) == ("26.5", "万人", "增加到", "2025", "result")


def test_gdp_2025_result(targets):
    t = one(targets, indicator="地区生产总值", ref="1")
    assert (t.value, t.unit, t.qualifier, t.year, t.kind, t.figure) == \
        ("417", "亿元", "实现", "2025", "result", "417亿元")
    assert t.sentence.startswith("2025年(预计,下同)地区生产总值实现417亿元")
    per_capita = one(targets, indicator="人均地区生产总值")
    assert (per_capita.value, per_capita.unit, per_capita.kind) == ("8.4", "万元", "result")


def test_income_ratio_goal(targets):
    t = one(targets, indicator="城乡居民收入比")
    # The text: "…城乡居民收入比缩小至2.1:1。" in the 到2030年 paragraph of article 7.
    assert (t.value, t.unit, t.qualifier, t.year, t.kind, t.ref, t.figure) == \
        ("2.1:1", "", "缩小至", "2030", "goal", "7", "2.1:1")


def test_built_up_area_goal_vs_result(targets):
    goal = one(targets, indicator="城市建成区面积", kind="goal")
    result = one(targets, indicator="城市建成区面积", kind="result")
    assert (goal.value, goal.unit, goal.qualifier, goal.year, goal.ref) == ("30", "平方公里", "达到", "2030", "7")
    assert (result.value, result.unit, result.qualifier, result.year, result.ref) == \
        ("23", "平方公里", "拓展到", "2025", "1")


def test_industry_structure_from_to(targets):
    rows = [t for t in targets if t.indicator == "三次产业结构"]
    assert [(t.value, t.qualifier, t.year, t.kind) for t in rows] == [
        ("13.1:35.2:51.7", "由", "", "result"),          # start of the period, not a 2025 value
        ("9.5:35:55.5", "调整为", "2025", "result"),
    ]


def test_a_change_reads_as_the_plan_states_it(units, targets):
    """由X调整为Y: the start reads as the whole change, never "由X" alone, and carries no year the plan does
    not give; the CLI table and --json rows show that same reading."""
    start, end = [t for t in targets if t.indicator == "三次产业结构"]
    assert start.reading == "由13.1:35.2:51.7调整为9.5:35:55.5" and start.year == ""
    assert end.reading == "调整为9.5:35:55.5"
    text = next(u.text for u in units if u.ref == "1")
    assert "三次产业结构由13.1:35.2:51.7调整为9.5:35:55.5" in text
    assert all(t.reading in t.sentence for t in targets)
    line = next(ln for ln in format_table(targets).splitlines() if "13.1:35.2:51.7" in ln)
    assert "由13.1:35.2:51.7调整为9.5:35:55.5" in line and "2025" not in line and "2030" not in line
    row = next(r for r in targets_to_rows(targets) if r["qualifier"] == "由")
    assert row["reading"] == "由13.1:35.2:51.7调整为9.5:35:55.5" and row["year"] == ""
    assert one(targets, indicator="城市人口", ref="7").reading == "突破33万人"
    assert one(targets, indicator="森林覆盖率").reading == "65%以上"


def test_period_figures_and_bounds(targets):
    growth = one(targets, indicator="规上工业总产值年均增长")
    assert (growth.value, growth.unit, growth.year, growth.kind) == ("13", "%", "十四五", "result")
    output = one(targets, indicator="规上工业总产值")
    assert (output.value, output.unit, output.qualifier) == ("200", "亿元", "突破")
    forest = one(targets, indicator="森林覆盖率")
    assert (forest.value, forest.unit, forest.qualifier, forest.figure) == ("65", "%", "以上", "65%以上")
    jobs = one(targets, indicator="城镇新增就业(累计)")
    assert (jobs.value, jobs.unit, jobs.qualifier, jobs.year) == ("8", "万人", "超", "十四五")
    air = one(targets, indicator="城区空气质量优良天数(年均)")
    assert (air.value, air.unit, air.qualifier, air.figure) == ("350", "天", "以上", "350天以上")
    around = one(targets, ref="7", unit="万人", qualifier="余")
    assert (around.indicator, around.figure, around.year) == ("服务周边", "300余万人", "2030")


def test_streaks(targets):
    silk = one(targets, indicator="蚕茧产量全市第一")
    assert (silk.value, silk.unit, silk.qualifier, silk.kind) == ("15", "年", "连续", "result")
    safety = one(targets, indicator="群众安全感指数")
    assert (safety.value, safety.unit, safety.qualifier) == ("99", "%", "超")


def test_magnitudes(targets):
    assert [t.indicator for t in targets if t.ref == "8" and t.value == "百亿级"] == \
        ["再生金属材料产业", "鲜菜火锅食材产业园", "农产品加工示范园区"]
    assert one(targets, value="千亿级", ref="P3").indicator == "工业产值"
    assert one(targets, value="千亿级", ref="6").indicator == "高新区"
    doubling = one(targets, value="双倍增")
    assert (doubling.indicator, doubling.ref, doubling.kind) == ("高新技术企业、科技型企业", "11", "goal")
    livestock = {t.indicator: t.figure for t in targets if t.ref == "34"}
    assert livestock == {"生猪": "100万头", "肉蛋鸡": "3000万羽", "食用菌": "10万吨", "肉类屠宰加工": "20万吨"}


def test_every_row_is_verbatim(units, targets):
    text_of = {u.ref: u.text for u in units}
    for t in targets:
        text = text_of[t.ref]
        assert text[t.start: t.start + len(t.figure)] == t.figure, t
        # the occurrence of the sentence that holds the figure
        offsets = [i for i in range(len(text)) if text.startswith(t.sentence, i)]
        holding = [i for i in offsets if i <= t.start and t.start + len(t.figure) <= i + len(t.sentence)]
        assert holding, t
        s0 = holding[0]
        assert t.sentence[t.start - s0: t.start - s0 + len(t.figure)] == t.figure, t
        assert t.sentence == t.sentence.strip() and "\n" not in t.sentence
        assert all(ch not in t.sentence[:-1] for ch in "。！？"), t.sentence    # one sentence only
        assert t.value in t.figure and t.unit in t.figure
        assert t.qualifier == "" or t.qualifier in text, t
        assert t.doc_id == "qianjiang-15th-proposal"


def test_no_names_dates_or_article_numbers(units, targets):
    values = {t.value for t in targets}
    assert not values & {"1312", "416", "885", "141", "33618", "319", "5", "2", "2.5", "1"}
    assert not any(t.value in {"2025", "2030"} for t in targets)            # years are dates, not values
    for t in targets:
        assert "“" + t.figure not in t.sentence or t.value == "双倍增", t      # quoted names skipped
        assert t.start > 0 or t.ref.startswith("P")                         # never an article number
        assert not t.figure.startswith(("5G", "6G", "5A", "T2"))
    assert not any(t.ref == "3" for t in targets)                            # "6大机遇" is a label
    assert not any(t.ref == "25" for t in targets)                           # 5G / 6G


def test_kinds_years_and_indicators_are_clean(units, targets):
    for t in targets:
        assert t.kind in KINDS and t.year in YEARS, t
        assert t.indicator and not t.indicator.endswith(LINK_VERBS), t
        assert not t.indicator.startswith(("到", "锚定", "、", "和", "2025年", "2030年")), t
    assert {t.kind for t in targets if t.ref == "1"} == {"result"}
    assert {t.kind for t in targets if t.ref == "7"} == {"goal"}
    assert {t.year for t in targets if t.kind == "result"} <= {"2025", "十四五", ""}
    assert {t.kind for t in targets if t.unit == "周年"} == {"other"}


def test_rows_json_and_table(targets):
    rows = targets_to_rows(targets)
    json.dumps(rows, ensure_ascii=False)
    population = next(r for r in rows if r["indicator"] == "城市人口" and r["kind"] == "goal")
    assert population["ref"] == 7 and population["label"] == "第7条" and population["figure"] == "33万人"
    table = format_table(targets, kind="goal")
    lines = table.splitlines()
    assert lines[0].startswith("条款") and lines[-1] == f"({sum(t.kind == 'goal' for t in targets)} 项)"
    assert any("城市人口" in ln and "33万人" in ln and "2030" in ln for ln in lines)
    assert not any("417亿元" in ln for ln in lines)
    with pytest.raises(ValueError):
        format_table(targets, kind="target")


def test_vision_and_bounds_on_a_small_plan():
    """The same rules on a small plan text in the proposal's shape (二〇三五 vision, 控制在, 左右)."""
    source = ("测试规划\n一、总体要求\n1.“十四五”时期成就。2025年地区生产总值实现100亿元。\n"
              "2.主要目标。到2030年,单位地区生产总值能耗控制在0.5吨以内,常住人口城镇化率达到70%左右。"
              "到二〇三五年,人均地区生产总值达到10万元左右。\n")
    got = [(t.indicator, t.figure, t.qualifier, t.year, t.kind)
           for t in extract_targets(parse_units(source, "t", "测试规划"))]
    assert got == [
        ("地区生产总值", "100亿元", "实现", "2025", "result"),
        ("单位地区生产总值能耗", "0.5吨以内", "以内", "2030", "goal"),
        ("常住人口城镇化率", "70%左右", "左右", "2030", "goal"),
        ("人均地区生产总值", "10万元左右", "左右", "2035", "vision"),
    ]
