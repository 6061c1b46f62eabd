"""Policy briefings end to end on the real index and model: relevance, verbatim points, no invented
figures, Word and Markdown output, question lists, topics the plan does not cover, the CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from chat.briefing.build import FINAL_NOTE, build_briefing
from chat.briefing.export import to_docx, to_markdown, write_markdown
from chat.compose.verify import numbers_in
from ingest.text.normalize import normalize

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def low_altitude(assistant):
    return build_briefing(assistant, "低空经济")


def units_by_ref(assistant) -> dict:
    return {(u.doc_id, u.ref): u for u in assistant.index.units}


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def assert_points_verbatim(assistant, briefing) -> None:
    units = units_by_ref(assistant)
    for section in briefing.sections:
        unit = units[(section.doc_id, section.ref)]
        assert section.label == unit.label and section.title == unit.title
        assert 1 <= len(section.points) <= 4
        for point in section.points:
            assert point in unit.text, (section.label, point)


def assert_no_invented_numbers(assistant, briefing) -> None:
    """Every number of the briefing is in a section's or a target's unit. Document metadata (its title
    “…第十五个五年规划的建议” and adoption date) and the generation date are not statements of the plan."""
    units = units_by_ref(assistant)
    keys = {(s.doc_id, s.ref) for s in briefing.sections} | {(t.doc_id, t.ref) for t in briefing.targets}
    backing = normalize("\n".join(units[k].text for k in keys))
    body = to_markdown(briefing).replace(briefing.source, "").replace(briefing.generated, "")
    for document in assistant.index.documents:
        body = body.replace(document.title, "")
    for number in numbers_in(body):
        assert number in backing, number


def test_topic_briefing_covers_every_article_naming_the_topic(assistant, low_altitude):
    b = low_altitude
    refs = [s.ref for s in b.sections]
    assert "9" in refs
    naming = {u.ref for u in assistant.index.units if "低空经济" in normalize(u.text)}
    assert naming and naming <= set(refs)
    positions = {(u.doc_id, u.ref): i for i, u in enumerate(assistant.index.units)}
    order = [positions[(s.doc_id, s.ref)] for s in b.sections]
    assert order == sorted(order)                                   # plan order
    assert b.topic == "低空经济" and "低空经济" in b.title and b.generated.count("-") == 2
    assert "2025-12-06" in b.source
    assert_points_verbatim(assistant, b)
    for section in b.sections:                                     # the topic sentence leads each article
        assert "低空经济" in normalize(section.points[0])


def test_topic_briefing_summary_lines_are_cited_quotes(assistant, low_altitude):
    b = low_altitude
    assert 2 <= len(b.summary) <= 5
    units = units_by_ref(assistant)
    labels = {s.label: s for s in b.sections}
    for line in b.summary:
        assert line.endswith("〕")
        label = line[line.rindex("〔") + 1: -1]
        section = labels[label]
        quote = line.split("：", 1)[1][: -len(section.marker)]
        assert quote in units[(section.doc_id, section.ref)].text
    assert b.summary[0].startswith("第9条")                        # the best-ranked article first


@pytest.mark.parametrize("topic", ["低空经济", "蚕桑", "看病"])
def test_every_number_of_a_briefing_comes_from_a_cited_unit(assistant, low_altitude, topic):
    b = low_altitude if topic == "低空经济" else build_briefing(assistant, topic)
    assert b.sections
    assert_points_verbatim(assistant, b)
    assert_no_invented_numbers(assistant, b)


def test_targets_are_figures_of_the_quoted_sentences(assistant):
    b = build_briefing(assistant, "蚕桑")
    assert b.targets
    sections = {(s.doc_id, s.ref): s for s in b.sections}
    for t in b.targets:
        section = sections[(t.doc_id, t.ref)]
        assert any(t.figure in p for p in section.points) or "蚕桑" in t.sentence
    md = to_markdown(b)
    assert "| 指标 | 数值 | 年份 | 类别 | 出处 |" in md and "百亿级" in md


def test_everyday_words_are_expanded_to_the_plans_terms(assistant):
    b = build_briefing(assistant, "看病")                         # colloquial.tsv: 看病 -> 就医, 医疗, 诊疗
    assert "12" in [s.ref for s in b.sections]                     # 加快提升区域医疗中心能级
    assert all(s.reason for s in b.sections)


def test_word_and_markdown_files(assistant, low_altitude, tmp_path):
    docx_path = to_docx(low_altitude, tmp_path / "brief.docx")
    md_path = write_markdown(low_altitude, tmp_path / "brief.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx", "brief.md"]   # no temp files left
    text = docx_text(docx_path)
    md = md_path.read_text(encoding="utf-8")
    for content in (text, md):
        assert "第9条" in content and "〔第9条〕" in content
        assert "关于“低空经济”的政策要点（依据《" in content
        assert "规划建设低空经济产业园" in content
        assert FINAL_NOTE in content
    assert "（二）第9条　培育壮大新兴产业和未来产业" in text
    assert "## 一、要点摘要" in md and "## 二、相关条文" in md
    assert "### （二）第9条　培育壮大新兴产业和未来产业" in md
    json.dumps(low_altitude.to_json(), ensure_ascii=False)         # the web UI's form


def test_briefing_from_a_question_list(assistant, tmp_path):
    questions = ["2030年城市人口目标是多少？", "低空经济怎么发展？"]
    b = build_briefing(assistant, questions=questions)
    assert b.topic == "专题问答"
    assert [q for q, _ in b.qa] == questions
    for _, answer in b.qa:
        assert not answer.refused and answer.citations
    population, low_alt = (a for _, a in b.qa)
    assert "7" in [c.ref for c in population.citations] and "33万人" in population.answer
    assert "9" in [c.ref for c in low_alt.citations]
    cited = {c.ref for _, a in b.qa for c in a.citations}
    assert cited == {s.ref for s in b.sections}
    assert_points_verbatim(assistant, b)
    assert_no_invented_numbers(assistant, b)
    md = to_markdown(b)
    text = docx_text(to_docx(b, tmp_path / "qa.docx"))
    for content in (md, text):
        for question in questions:
            assert f"问：{question}" in content
        assert "〔第7条〕" in content and "〔第9条〕" in content and "33万人" in content
    assert b.summary == [] and [name for name, _ in b.parts()][:2] == ["问答", "相关条文"]   # the answers are the summary


@pytest.mark.parametrize("topic", ["地铁", "量子计算"])
def test_topic_the_plan_does_not_cover(assistant, topic, tmp_path):
    b = build_briefing(assistant, topic)
    assert b.sections == [] and b.targets == []
    assert b.summary == [f"建议原文未涉及“{topic}”。"]
    assert f"建议原文未涉及“{topic}”" in to_markdown(b)
    assert f"建议原文未涉及“{topic}”" in docx_text(to_docx(b, tmp_path / "none.docx"))


def _cli_brief(topic: str, out: Path) -> str:
    run = subprocess.run([sys.executable, "-m", "chat", "brief", topic, "--out", str(out)],
                         cwd=PROJECT, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_cli_reports_what_the_file_holds(tmp_path):
    """Issue 12: `brief 低空经济 --out x.docx` said "0 项指标". The figures of a briefing are those of its key
    points or naming the topic, and no key point on 低空经济 holds one, so the file has no 相关指标 part;
    the message now names the parts the file has, numbered as in it, with the count each holds."""
    out = tmp_path / "x.docx"
    said = _cli_brief("低空经济", out)
    assert "0 项" not in said and "指标" not in said
    assert "一、要点摘要 3 条；二、相关条文 3 条" in said
    headings = [p.text for p in docx.Document(str(out)).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、要点摘要", "二、相关条文"]

    said = _cli_brief("蚕桑", out)
    document = docx.Document(str(out))
    rows = len(document.tables[0].rows) - 1                      # less the header row
    assert rows > 0 and f"三、相关指标 {rows} 项" in said
    assert "关于“蚕桑”的政策要点" in docx_text(out)


def test_cli_question_file_to_markdown_and_bad_input(tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("2030年城市人口目标是多少？\n\n低空经济怎么发展？\n", encoding="utf-8")
    out = tmp_path / "qa.md"
    run = subprocess.run([sys.executable, "-m", "chat", "brief", "--questions", str(questions), "--out", str(out)],
                         cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    md = out.read_text(encoding="utf-8")
    assert "问：2030年城市人口目标是多少？" in md and "问：低空经济怎么发展？" in md
    bad = subprocess.run([sys.executable, "-m", "chat", "brief", "养老", "--out", str(tmp_path / "x.pdf")],
                         cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert bad.returncode == 2 and "docx" in bad.stderr
