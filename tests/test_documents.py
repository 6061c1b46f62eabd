"""Any plan document in: a knowledge base holding the proposal and, written by the test, the same county
outline (第一篇/第一章/第一节) as GB18030 .txt without metadata, as .docx with heading styles and as a text
PDF, plus a scanned PDF, a corrupt .docx and a picture. Each file is indexed or reported by name; answers
cite the outline by its own labels (〔《简称》第三章第二节〕); the proposal behaves as before."""
from __future__ import annotations

import dataclasses
import shutil

import pytest
from plan_documents import (
    CJK_FONT,
    OUTLINE_TEXT,
    plain_pdf,
    write_outline_docx,
    write_outline_pdf,
)

from chat.pipeline import Assistant
from chat.retrieval.retrieve import HybridRetriever
from config import SETTINGS
from ingest import __main__ as ingest_cli
from ingest.index import load_index
from ingest.library import LibraryError, add_document, remove_document, safe_name
from ingest.parse import DocumentError, kb_files, load_documents

pytestmark = pytest.mark.skipif(not CJK_FONT.exists(), reason="the PDF is written with fonts-wqy-microhei")


def write_kb(kb):
    shutil.copytree(SETTINGS.paths.kb_dir, kb)
    (kb / "纲要甲.txt").write_bytes(OUTLINE_TEXT.replace("\n", "\r\n").encode("gb18030"))
    write_outline_docx(kb / "纲要乙.docx")
    write_outline_pdf(kb / "纲要丙.pdf")
    scan = plain_pdf()
    scan.add_page()
    scan.rect(20, 20, 100, 150, style="F")                 # a page with a picture and no text layer
    scan.output(str(kb / "扫描件.pdf"))
    (kb / "损坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (kb / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0")


@pytest.fixture(scope="module")
def library(assistant, tmp_path_factory):
    root = tmp_path_factory.mktemp("documents")
    write_kb(root / "kb")
    settings = dataclasses.replace(SETTINGS, paths=dataclasses.replace(
        SETTINGS.paths, kb_dir=root / "kb", cache_root=root / "cache"))
    embedder = assistant.retriever.embedder
    index = load_index(settings, embedder)
    return Assistant(HybridRetriever(index, embedder, settings), settings), settings


def test_every_file_is_indexed_or_reported(library):
    helper, settings = library
    docs = {d.source_file: d for d in helper.index.documents}
    assert set(docs) == {"qianjiang-15th-five-year-plan-proposal.txt", "纲要甲.txt", "纲要乙.docx", "纲要丙.pdf"}
    skipped = {s["file"]: s["reason"] for s in helper.index.manifest["skipped"]}
    assert set(skipped) == {"扫描件.pdf", "损坏.docx", "照片.jpg"}
    assert "OCR" in skipped["扫描件.pdf"] and "Word" in skipped["损坏.docx"] and "不支持" in skipped["照片.jpg"]
    assert set(docs) | set(skipped) == {p.name for p in kb_files(settings.paths.kb_dir)}
    gb = docs["纲要甲.txt"]
    assert (gb.encoding, gb.layout, gb.short_title, gb.primary) == ("gb18030", "纲要", "纲要甲", False)
    assert gb.doc_id == "gang-yao-jia"                       # from the file name: URL-safe and stable
    assert docs["纲要乙.docx"].layout == docs["纲要丙.pdf"].layout == "纲要"
    assert docs["qianjiang-15th-five-year-plan-proposal.txt"].primary


def test_outline_units_are_the_same_from_every_format(library):
    helper, _ = library
    by_doc = {}
    for u in helper.index.units:
        by_doc.setdefault(u.doc_id, []).append((u.ref, u.local_label, u.text))
    docs = {d.source_file: d.doc_id for d in helper.index.documents}
    txt, word, pdf = (by_doc[docs[f]] for f in ("纲要甲.txt", "纲要乙.docx", "纲要丙.pdf"))
    assert [r for r, _, _ in txt] == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "5"]
    assert ("3.2", "第三章第二节") in [(r, label) for r, label, _ in txt]
    assert [r for r, _, _ in word][:9] == [r for r, _, _ in txt] and pdf == txt
    section = dict((r, t) for r, _, t in txt)["2.2"]
    assert "专栏1" in section and "研发经费投入强度" in section       # the 专栏 stays inside its section


def test_answers_cite_the_outline_by_its_own_labels(library):
    helper, _ = library
    answer = helper.ask("《纲要甲》里低空经济怎么发展？")
    assert "〔《纲要甲》第三章第二节〕" in answer.answer, answer.answer
    assert {c.label for c in answer.citations} == {"《纲要甲》第三章第二节"}
    scoped = helper.ask("城市人口目标是多少？", doc_id="gang-yao-jia")
    assert "33万人" in scoped.answer and all(c.doc_id == "gang-yao-jia" for c in scoped.citations)
    assert "《纲要甲》第二章第二节" in {c.label for c in scoped.citations}


def test_the_proposal_behaves_as_before(library, assistant):
    helper, _ = library
    for question in ("2030年城市人口目标是多少？", "第9条讲了什么", "黔江的房价会涨吗？"):
        mine, before = helper.ask(question, doc_id="qianjiang-15th-proposal"), assistant.ask(question)
        assert mine.answer == before.answer and mine.refused == before.refused


def test_ingest_cli_names_skipped_files_and_exits_1(library, monkeypatch, capsys):
    _, settings = library
    monkeypatch.setattr(ingest_cli, "SETTINGS", settings)
    assert ingest_cli.main([]) == 1
    out, err = capsys.readouterr()
    assert "纲要甲.txt [纲要]" in out and "扫描件.pdf：" in err and "3 file(s)" in err


def test_library_adds_only_readable_files_and_never_writes_outside(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.txt").write_text("方案\n一、任务\n1.甲。\n2.乙。\n", encoding="utf-8")
    upload = tmp_path / "upload.bin"
    upload.write_bytes(OUTLINE_TEXT.encode("gb18030"))
    document = add_document(kb, upload, "../../etc/县纲要.txt")
    assert document.meta.layout == "纲要" and (kb / "县纲要.txt").exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["a.txt", "upload.bin", "县纲要.txt"]
    for bad in (".hidden.txt", "x.meta.json", "x.exe", "a|b.txt", ""):
        with pytest.raises(LibraryError):
            safe_name(bad)
    upload.write_bytes(b"\x00\x01\x02")
    with pytest.raises(DocumentError):
        add_document(kb, upload, "坏.txt")
    assert sorted(p.name for p in kb.iterdir()) == ["a.txt", "县纲要.txt"]     # nothing left behind
    with pytest.raises(LibraryError, match="同名"):
        add_document(kb, tmp_path / "upload.bin", "县纲要.txt")             # never overwritten silently
    for bad in ("a" * 300 + ".txt", "\u202etxt.exe.txt"):
        with pytest.raises(LibraryError):
            safe_name(bad)
    assert remove_document(kb, "县纲要.txt") == ["县纲要.txt"]
    with pytest.raises(LibraryError):
        remove_document(kb, "a.txt")                                     # the last document stays


def test_a_figure_not_scoped_is_answered_from_every_document_that_states_it(library):
    helper, _ = library
    answer = helper.ask("2030年城市人口目标是多少？")
    labels = [c.label for c in answer.citations]
    assert "第7条" in labels and "《纲要甲》第二章第二节" in labels and "《纲要乙》第二章第二节" in labels
    assert answer.answer.count("城市人口突破33万人。〔") == 4        # one lead line per document


def test_a_unit_named_by_its_own_label(library):
    helper, _ = library
    whole = helper.ask("纲要甲里第三章第二节讲了什么")
    assert whole.answer.startswith("《纲要甲》第三章第二节（发展低空经济）原文如下：")
    assert {c.label for c in whole.citations} == {"《纲要甲》第三章第二节"}
    inside = helper.ask("《纲要乙》第二章第二节里研发经费投入强度是多少")
    assert "1.5" in inside.answer and {c.label for c in inside.citations} == {"《纲要乙》第二章第二节"}


def test_the_eval_scores_dotted_refs():
    from eval.metrics import Question, answer_scores

    question = Question.from_json({"id": "x", "question": "低空经济", "type": "paraphrase",
                                   "articles": ["3.2"], "facts": ["低空飞行服务站"]})
    pred = {"answer": "布局低空飞行服务站〔《纲要甲》第三章第二节〕", "refused": False,
            "citations": [{"ref": "3.2", "label": "《纲要甲》第三章第二节", "quote": "布局低空飞行服务站"}]}
    scores = answer_scores(question, pred, {"3.2": "依托机场，布局低空飞行服务站和起降点。"})
    assert scores["primary_cited"] == 1.0 and scores["fact_recall"] == 1.0 and scores["quotes_verbatim"] == 1.0


def test_the_targets_tab_shows_an_indicator_of_two_documents_side_by_side(library):
    from ui.targets_render import comparison_rows, render_comparison

    helper, _ = library
    index = helper.index
    documents = [(d.doc_id, d.short_title) for d in index.documents]
    rows = {(indicator, year): cells for indicator, year, cells in comparison_rows(index.targets, [d for d, _ in documents])}
    cells = rows[("城市人口", "2030")]
    assert set(cells) == {d for d, _ in documents}                      # the proposal and the three outlines
    assert all(index.targets[i].figure == "33万人" for i in cells.values())
    html = render_comparison(index.targets, documents)
    assert "《黔江十五五建议》" in html and "《纲要甲》" in html and "《纲要甲》第二章第二节" in html


def test_the_targets_table_filters_by_document(library):
    from ui.state import UIContext
    from ui.targets_tab import TargetHandlers

    helper, _ = library
    handlers = TargetHandlers(UIContext.create(helper, helper.settings.ui))
    assert handlers.doc_choices()[:2] == ["全部文档", "黔江十五五建议"]
    html, count, rows = handlers.table("全部", "", "按条文顺序", "纲要甲")
    assert rows and all(r[5].startswith("《纲要甲》") for r in rows), rows[:3]
    everything = handlers.table("全部", "", "按条文顺序", "全部文档")[2]
    assert len(everything) > len(rows)


def test_a_file_changed_during_a_build_leaves_the_index_stale_and_the_reindexer_runs_again(assistant, tmp_path):
    from ingest.index import IndexBuildError, build_index
    from ui.reindex import Reindexer
    from ui.state import LiveAssistant

    kb = tmp_path / "kb"
    shutil.copytree(SETTINGS.paths.kb_dir, kb)
    (kb / "甲方案.txt").write_text("甲方案\n一、任务\n（一）建设冷水鱼基地3个。\n（二）发展中药材2万亩。\n", encoding="utf-8")
    settings = dataclasses.replace(SETTINGS, paths=dataclasses.replace(
        SETTINGS.paths, kb_dir=kb, cache_root=tmp_path / "cache"))
    embedder = assistant.retriever.embedder

    def remove_during(message):
        if message.startswith("embedding") and (kb / "甲方案.txt").exists():
            (kb / "甲方案.txt").unlink()                # removed while the build embeds
    build_index(settings, embedder, progress=remove_during)
    with pytest.raises(IndexBuildError, match="not usable"):
        load_index(settings, embedder, rebuild=False)       # the build read 甲方案.txt: it is stale now
    live = LiveAssistant(Assistant(HybridRetriever(load_index(settings, embedder), embedder, settings), settings))
    assert {d.source_file for d in live.current.index.documents} == {"qianjiang-15th-five-year-plan-proposal.txt"}
    reindexer = Reindexer(live)
    (kb / "乙方案.txt").write_text("乙方案\n一、任务\n（一）建设茶园1万亩。\n（二）建设民宿50家。\n", encoding="utf-8")
    assert reindexer.start()
    (kb / "丙方案.txt").write_text("丙方案\n一、任务\n（一）建设桑园5万亩。\n（二）建设蚕房20座。\n", encoding="utf-8")
    assert not reindexer.start()                            # queued: runs again once the first build ends
    assert reindexer.wait(300) and reindexer.error is None
    files = {d.source_file for d in live.current.index.documents}
    assert {"乙方案.txt", "丙方案.txt"} <= files



def test_the_primary_document_is_kept_and_metadata_is_checked(tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(SETTINGS.paths.kb_dir, kb)
    (kb / "0-方案.txt").write_text("方案\n一、任务\n（一）甲。\n（二）乙。\n", encoding="utf-8")
    (kb / "0-方案.meta.json").write_text('{"doc_id": "qianjiang-15th-proposal"}', encoding="utf-8")
    (kb / "b.txt").write_text("乙方案\n一、任务\n（一）甲。\n（二）乙。\n", encoding="utf-8")
    (kb / "b.meta.json").write_text('\ufeff{"doc_id": 123}', encoding="utf-8")              # BOM, and a number
    (kb / "c.txt").write_text("丙方案\n一、任务\n（一）甲。\n（二）乙。\n", encoding="utf-8")
    (kb / "c.meta.json").write_text('\ufeff{"title": "丙方案", "adopted": "明年春天"}', encoding="utf-8")
    (kb / "旧文件").mkdir()
    loaded, skipped = load_documents(kb)
    docs = {d.meta.source_file: d.meta for d in loaded}
    reasons = {s.file: s.reason for s in skipped}
    assert docs["qianjiang-15th-five-year-plan-proposal.txt"].primary          # it keeps its doc_id
    assert "已被 qianjiang-15th-five-year-plan-proposal.txt 使用" in reasons["0-方案.txt"]
    assert "“doc_id”应是文字" in reasons["b.txt"] and "文件夹" in reasons["旧文件"]
    assert docs["c.txt"].adopted == "" and any("明年春天" in w for w in docs["c.txt"].warnings)
    with pytest.raises(LibraryError, match="主文档"):
        remove_document(kb, "qianjiang-15th-five-year-plan-proposal.txt")
