"""The 提法 and 学习测验 tabs without a browser: ui/study_render's HTML and scoring, and the tabs'
handlers over the real index (no models: the handlers only read the index and its settings)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from chat.study.items import QuizItem
from ingest.glossary import GlossaryEntry
from ui import study_render

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ITEM = QuizItem("2030年城市人口突破____。", None, "33万人", "7", "第7条", "到2030年,城市人口突破33万人。", "figure")
CHOICE = QuizItem("“A”出自哪一条？", ("第6条", "第7条", "第8条", "第9条"), "第7条", "7", "第7条", "A。", "article")


def entry(term: str, definition: str | None = None, doc_id: str = "d") -> GlossaryEntry:
    return GlossaryEntry(term, ("2", "P3"), ("第2条", "第三部分导语"), definition, (f"有{term}。",), doc_id)


def test_glossary_html_escapes_and_links_every_article():
    html = study_render.render_glossary([entry(XSS, f"{XSS}的定义")])
    assert "<script" not in html and "<img" not in html
    assert html.count('class="cite-chip"') == 2 and 'data-ref="P3"' in html and 'data-turn="0"' in html
    assert "共 1 条" in html


def test_glossary_search_is_width_and_case_insensitive():
    entries = [entry("四篇大文章", "“人怎么聚”…四篇大文章"), entry("33618"), entry("AI赋能")]
    assert [e.term for _, e in study_render.matching_entries(entries, "３３６")] == ["33618"]
    assert [i for i, _ in study_render.matching_entries(entries, "ai")] == [2]
    assert len(study_render.matching_entries(entries, "  ")) == 3
    html = study_render.render_glossary(entries, "33618")
    assert "原文未展开" in html and "共 1 条" in html
    assert "共 0 条" in study_render.render_glossary(entries, "没有的词")
    assert "<mark" in study_render.render_glossary(entries, "四篇")          # the term in its definition


@pytest.mark.parametrize("item, given, right", [
    (ITEM, "33万人", True), (ITEM, " 33 万人 ", True), (ITEM, "３３万人", True), (ITEM, "33万", False),
    (ITEM, "", False), (ITEM, None, False), (CHOICE, "第7条", True), (CHOICE, "第6条", False),
    (CHOICE, None, False)])
def test_is_correct(item, given, right):
    assert study_render.is_correct(item, given) is right


def test_feedback_marks_answer_chip_and_source():
    wrong = study_render.render_feedback(3, ITEM, XSS)
    assert "<script" not in wrong and "✗ 错误" in wrong and "33万人" in wrong
    assert 'data-ref="7"' in wrong and 'data-turn="3"' in wrong and "<mark" in wrong
    assert "✓ 正确" in study_render.render_feedback(0, ITEM, "33万人")
    assert study_render.render_score(9, 10) == '<div class="quiz-score">得分 9/10</div>'


@pytest.fixture(scope="module")
def ctx(assistant, tmp_path_factory):
    from ui import render

    index = assistant.index                       # the real assistant: its index, settings and glossary
    doc = next(d for d in index.documents if d.primary)
    return SimpleNamespace(index=index, units=index.units, doc=doc, labels=render.labels_of(index.units),
                           doc_titles={d.doc_id: d.title for d in index.documents},
                           assistant=assistant, files_dir=tmp_path_factory.mktemp("files"))


def test_glossary_handlers(ctx):
    from ui.glossary_tab import GlossaryHandlers

    handlers = GlossaryHandlers(ctx)
    assert f"共 {len(handlers.entries)} 条" in handlers.search("")
    assert "人怎么聚" in handlers.search("四篇大文章")
    turn = next(i for i, e in enumerate(handlers.entries) if e.term == "33618")
    html = handlers.open_unit(SimpleNamespace(_data={"ref": "6", "doc": "", "turn": str(turn)}))
    assert "第6条" in html and '<mark class="quote">33618</mark>' in html


def test_quiz_handlers_score_and_export(ctx):
    import docx

    from chat.study.quiz import build_quiz
    from ui.quiz_tab import MAX_ITEMS, QuizHandlers, part_choices

    assert part_choices(ctx)[0] == ("全部", 0) and [no for _, no in part_choices(ctx)[1:]] == list(range(1, 14))
    handlers = QuizHandlers(ctx)
    out = handlers.make(6, 3, 4)
    items = out[0]
    assert items == build_quiz(ctx.index, 6, 3, 4, settings=ctx.assistant.settings.study)
    assert len(out) == 4 + 3 * MAX_ITEMS and "共 6 题" in out[1]
    radios = [i.answer if i.choices else None for i in items] + [None] * (MAX_ITEMS - len(items))
    fills = [i.answer if not i.choices else "" for i in items] + [""] * (MAX_ITEMS - len(items))
    scored = handlers.submit(items, *radios, *fills)
    assert "得分 6/6" in scored[0] and all("✓ 正确" in f.value for f in scored[1:7])
    assert "得分 0/6" in handlers.submit(items, *([None] * MAX_ITEMS), *([""] * MAX_ITEMS))[0]
    paper, key = (Path(b.value["path"] if isinstance(b.value, dict) else b.value) for b in out[2:4])
    assert paper.suffix == key.suffix == ".docx"
    key_text = "\n".join(p.text for p in docx.Document(str(key)).paragraphs)
    assert "参考答案" in key_text and all(i.answer in key_text for i in items)
    assert "参考答案" not in "\n".join(p.text for p in docx.Document(str(paper)).paragraphs)
    evidence = handlers.open_unit(items, SimpleNamespace(_data={"ref": items[0].ref, "doc": "", "turn": "0"}))
    assert items[0].label in evidence and "本题出处原句" in evidence
