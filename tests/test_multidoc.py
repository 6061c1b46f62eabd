"""A second plan document dropped into the knowledge base: parsed, indexed, cited as 《简称》第N条."""
from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from chat.inputs import QuestionError
from chat.pipeline import Assistant
from chat.retrieval.retrieve import HybridRetriever
from config import SETTINGS
from ingest.index import load_index

SECOND_TEXT = """示范镇乡村振兴三年行动方案
(2026年1月8日示范镇党委会议通过)
为加快示范镇乡村振兴,制定本方案。
一、总体要求
坚持农业农村优先发展。
1.发展目标。到2028年,示范镇建成高标准农田5000亩,村集体经济收入全部超过20万元。
2.重点任务。建设冷水鱼养殖基地,发展林下中药材种植,打造“云端茶园”乡村旅游线路。
二、保障措施
3.组织保障。成立示范镇乡村振兴工作专班,每季度召开一次推进会。
"""


@pytest.fixture(scope="module")
def two_docs(assistant, tmp_path_factory):
    root = tmp_path_factory.mktemp("multidoc")
    kb = root / "kb"
    shutil.copytree(SETTINGS.paths.kb_dir, kb)
    (kb / "shifanzhen-plan.txt").write_text(SECOND_TEXT, encoding="utf-8")
    (kb / "shifanzhen-plan.meta.json").write_text(json.dumps({
        "doc_id": "shifanzhen", "title": "示范镇乡村振兴三年行动方案", "short_title": "示范镇方案",
        "issuer": "示范镇党委", "adopted": "2026-01-08"}, ensure_ascii=False), encoding="utf-8")
    paths = dataclasses.replace(SETTINGS.paths, kb_dir=kb, cache_root=root / "cache")
    settings = dataclasses.replace(SETTINGS, paths=paths)
    embedder = assistant.retriever.embedder
    index = load_index(settings, embedder)
    return Assistant(HybridRetriever(index, embedder, settings), settings)


def labels(answer):
    return {c.label for c in answer.citations}


def test_second_document_is_parsed_and_indexed(two_docs):
    docs = {d.doc_id: d for d in two_docs.index.documents}
    assert set(docs) == {"qianjiang-15th-proposal", "shifanzhen"}
    assert docs["qianjiang-15th-proposal"].primary and not docs["shifanzhen"].primary
    second = [u for u in two_docs.index.units if u.doc_id == "shifanzhen"]
    assert [u.ref for u in second] == ["H", "P0", "P1", "1", "2", "3"]
    assert second[3].label == "《示范镇方案》第1条" and second[0].label == "《示范镇方案》题注"


def test_answers_from_the_second_document_cite_it_by_short_title(two_docs):
    answer = two_docs.ask("冷水鱼养殖基地在哪里建设？")
    assert "《示范镇方案》第2条" in labels(answer)
    assert "〔《示范镇方案》第2条〕" in answer.answer


def test_questions_can_be_scoped_to_one_document(two_docs):
    scoped = two_docs.ask("乡村振兴有哪些安排？", doc_id="shifanzhen")
    assert labels(scoped) and all(l.startswith("《示范镇方案》") for l in labels(scoped))
    named = two_docs.ask("《示范镇方案》第3条讲了什么？")
    assert labels(named) == {"《示范镇方案》第3条"} and "工作专班" in named.answer
    with pytest.raises(QuestionError):
        two_docs.ask("乡村振兴", doc_id="../../etc/passwd")


def test_the_proposal_behaves_as_before(two_docs, assistant):
    for question in ("2030年城市人口目标是多少？", "第30条讲了什么？"):
        before, after = assistant.ask(question), two_docs.ask(question)
        assert after.answer == before.answer
        assert labels(after) == labels(before)
