"""Sentence-cited model answers (issue 10): numbered evidence, the paraphrase verifier, the fixed question
ids, the contract, and a real model behind the ``openai`` backend (llama.cpp with Qwen2.5-0.5B on loopback)."""
from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from chat.compose.completion import LEFT_OUT_HEADING, complete
from chat.compose.paraphrase import paraphrase_failure, split_cited, verify_cited
from chat.inputs import prepare_question
from chat.models.cited import cited_messages, prompt_tokens, select_evidence
from chat.models.llm import ENV_BASE_URL, ENV_MODEL, LLMError, LLMSettings, get_backend
from chat.pipeline import TurnState
from config import PROJECT_ROOT, SETTINGS
from eval.model_bench import IDS_FILE, open_shape_ids
from eval.verify_sample import kept_shares, read_sample
from ingest.parse import load_document

ENGLISH_RE = re.compile(r"[A-Za-z]{4,}")
KB_FILE = PROJECT_ROOT / "kb" / "qianjiang-15th-five-year-plan-proposal.txt"


@pytest.fixture(scope="module")
def units():
    _, parsed, _ = load_document(KB_FILE)
    return {u.ref: u for u in parsed}


def evidence(units, *pairs):
    """Numbered evidence from (ref, verbatim sentence) pairs."""
    out = []
    for n, (ref, text) in enumerate(pairs, 1):
        assert text in units[ref].text
        out.append(SimpleNamespace(number=n, unit=units[ref], text=text))
    return out


def test_fixed_question_ids_follow_their_rule():
    ids = json.loads(IDS_FILE.read_text(encoding="utf-8"))["ids"]
    assert len(ids) == len(set(ids)) == 30
    assert ids == open_shape_ids()


def test_faithful_paraphrase_kept_unfaithful_sentence_dropped_rest_kept(units):
    ev = evidence(units, ("34", "培育有带动力的“链主型”企业,做好“土特产”文章,打造100万头生猪、3000万羽肉蛋鸡、"
                                "10万吨食用菌、20万吨肉类屠宰加工全产业链。"),
                  ("9", "发展数据标注产业,建设渝东南数据标注产业园。"))
    text = ("农业方面要打造100万头生猪和3000万羽肉蛋鸡等全产业链。[1]\n"
            "还要打造200万头生猪全产业链。[1]\n"
            "建设渝东南数据标注产业园，发展数据标注产业。\n"       # uncited: attributed to [2]
            "要建设上海港集装箱码头。[2]\n"
            "同时打造")                                              # cut off by the length limit
    checked = verify_cited(text, ev)
    assert checked.text.splitlines() == ["农业方面要打造100万头生猪和3000万羽肉蛋鸡等全产业链。〔第34条〕",
                                         "建设渝东南数据标注产业园，发展数据标注产业。〔第9条〕"]
    assert [c.quote for c in checked.citations] == [e.text for e in ev]          # the cited sentences, verbatim
    reasons = [d.reason for d in checked.dropped]
    assert reasons[0].startswith("numbers not in the cited sentences: 200")
    assert reasons[1].startswith("names not in the cited sentences")
    assert reasons[2].startswith("unfinished sentence")


def test_an_echoed_question_is_dropped_and_a_name_may_leave_out_a_short_word(units):
    ev = evidence(units, ("19", "积极争取在舟白布局设立临空临铁经济区,加快推进航空物流园区建设,建设高铁快运物流基地,打造渝鄂湘黔边际区域空铁双轮驱动对外开放样板。"))
    checked = verify_cited("舟白的物流基地建不建？[1]\n舟白要争取布局临空临铁经济区，建设高铁快运物流基地。[1]\n"
                           "舟白还要建设航空快运物流基地。[1]", ev)
    assert checked.text == "舟白要争取布局临空临铁经济区，建设高铁快运物流基地。〔第19条〕"
    reasons = [d.reason for d in checked.dropped]
    assert reasons[0].startswith("a question, not an answer")
    assert reasons[1] == "names not in the cited sentences: 航空快运物流基地"     # pieced from two projects


def test_a_guess_or_the_question_restated_is_dropped_the_documents_name_is_framing(units):
    sentence = ("推动构建房地产发展新模式,一体推进好房子、好小区、好社区、好城区“四好”建设,加快配售型保障性住房建设,"
                "扩大保障性租赁住房供给,持续改善居民居住条件。")
    ev = evidence(units, ("24", sentence))
    question = "住房条件差的家庭，政府会不会帮忙改善居住条件？"
    checked = verify_cited("政府会帮忙改善居住条件。[1]\n以后可能会有便宜的保障性住房。[1]\n"
                           "《建议》提出加快配售型保障性住房建设，持续改善居民居住条件。[1]", ev, question=question)
    assert checked.text == "《建议》提出加快配售型保障性住房建设，持续改善居民居住条件。〔第24条〕"
    assert [d.reason for d in checked.dropped] == ["restates the question without the cited sentences' content",
                                                    "a guess the cited sentences do not make: 可能"]


def test_an_aim_told_as_a_certainty_is_dropped(units):
    ev = evidence(units, ("18", "围绕构建“四高六铁”铁路网,力争建成投用黔江至吉首高速铁路,力争开工建设黔万高铁,"
                                "加快推进黔张常高铁、黔恩铁路、黔遵铁路、广忠黔铁路等项目前期工作,推动铁路网由“丁”字型逐步向“米”字型转变。"))
    checked = verify_cited("- 黔万高铁建成通车。[1]\n- 力争开工建设黔万高铁。[1]", ev)
    assert checked.text == "力争开工建设黔万高铁。〔第18条〕"
    assert [d.reason for d in checked.dropped] == ["an aim stated as a certainty: the cited sentence says 力争"]


def test_the_extractive_lines_the_model_left_out_follow_its_text_verbatim(units):
    covered = "健全婴幼儿照护服务体系,稳步增加普惠托育服务供给,探索在义务教育阶段有条件的学校开展校内托管服务。"
    other = "落实生育津补贴、弹性假期等生育政策和激励措施,提升优生优育服务水平,营造生育友好氛围,积极创建儿童友好型城市。"
    checked = verify_cited("- 黔江将稳步增加普惠托育服务供给，探索有条件的学校开展校内托管服务。[1]",
                           evidence(units, ("15", covered)))
    extractive = f"建议中的相关内容如下（按条文列出）：\n第15条（促进人口高质量发展）：\n- {covered}〔第15条〕\n- {other}〔第15条〕"
    done = complete(checked, extractive, {"第15条": units["15"]}, SETTINGS.llm, SETTINGS.verify)
    assert done.text.splitlines() == ["黔江将稳步增加普惠托育服务供给，探索有条件的学校开展校内托管服务。〔第15条〕",
                                      LEFT_OUT_HEADING, f"- {other}〔第15条〕"]
    assert [c.quote for c in done.citations] == [covered, other]
    assert complete(checked, f"- {covered}〔第15条〕", {"第15条": units["15"]}, SETTINGS.llm, SETTINGS.verify) is checked


def test_a_sentence_citing_the_wrong_number_is_cited_to_the_sentence_that_backs_it(units):
    rail = ("围绕构建“四高六铁”铁路网,力争建成投用黔江至吉首高速铁路,力争开工建设黔万高铁,加快推进黔张常高铁、黔恩铁路、"
            "黔遵铁路、广忠黔铁路等项目前期工作,推动铁路网由“丁”字型逐步向“米”字型转变。")
    ev = evidence(units, ("18", rail), ("21", "共同推进渝湘高铁(黔江至吉首段)等跨区域重大交通项目建设。"))
    checked = verify_cited("- 黔万高铁力争开工建设。[2]\n- 黔江至吉首高速铁路力争建成投用。[1]", ev)
    assert checked.text.splitlines() == ["黔万高铁力争开工建设。〔第18条〕", "黔江至吉首高速铁路力争建成投用。〔第18条〕"]
    assert [c.label for c in checked.citations] == ["第18条"]


def test_split_cited_reads_numbers_after_the_full_stop_and_drops_bullets():
    got = split_cited("1. 发展低空经济。[1][3]\n- 第26条：打造零工驿站[2,4]。")
    assert [(s.text, s.numbers) for s in got] == [("发展低空经济。", (1, 3)), ("打造零工驿站。", (2, 4))]


def test_threshold_separates_the_labelled_sample():
    rows = read_sample()
    assert sum(r["faithful"] for r in rows) >= 20 and sum(not r["faithful"] for r in rows) >= 20
    faithful, unfaithful = kept_shares(rows, SETTINGS.verify.paraphrase_min_overlap)
    assert faithful >= 0.95 and unfaithful == 0.0
    assert paraphrase_failure("要加快建设养老服务体系。", ["加强心理健康和精神卫生服务。"])


def test_evidence_is_numbered_budgeted_and_under_a_fixed_prefix(assistant):
    llm = SETTINGS.llm
    prompts = []
    for question in ("低空经济怎么发展？", "如何发展养老服务？"):
        turn = assistant._retrieve(assistant._understand(TurnState(prepare_question(question, 500))))
        ev = select_evidence(assistant.composer, turn.retrieval, question, llm, SETTINGS.answer,
                             SETTINGS.chunk.tiktoken_encoding)
        assert 1 <= len(ev) <= llm.evidence_sentences
        assert prompt_tokens(question, ev, SETTINGS.chunk.tiktoken_encoding) <= llm.evidence_tokens
        assert all(e.text in e.unit.text for e in ev) and [e.number for e in ev] == list(range(1, len(ev) + 1))
        messages = cited_messages(question, ev)
        assert f"[1] {ev[0].unit.label}：{ev[0].text}" in messages[1].content
        prompts.append(messages)
    assert prompts[0][0].content == prompts[1][0].content          # the cached prefix never changes


def test_unconfigured_interface_is_hidden_and_its_message_is_chinese(assistant, monkeypatch):
    from ui.widgets import offered_backends

    monkeypatch.delenv(ENV_BASE_URL, raising=False)
    monkeypatch.delenv(ENV_MODEL, raising=False)
    assert [v for _, v in offered_backends()] == ["extractive", "local"]
    with pytest.raises(LLMError) as err:
        get_backend(LLMSettings("openai"), SETTINGS.paths.cache_root)
    assert not ENGLISH_RE.sub("", err.value.notice.replace("PLANQA_OPENAI_BASE_URL", "").replace(
        "PLANQA_OPENAI_MODEL", "")).isascii()
    from chat.pipeline import Assistant

    fresh = Assistant(assistant.retriever, assistant.settings)   # the session's may hold an openai backend
    answer = fresh.ask("低空经济怎么发展？", backend="openai")       # that other tests configured
    assert answer.backend == "extractive" and answer.fallback == "error"
    for notice in answer.notices:
        assert not ENGLISH_RE.search(re.sub(r"PLANQA_OPENAI_\w+", "", notice)), notice
        assert notice.endswith("。")
    monkeypatch.setenv(ENV_BASE_URL, "http://127.0.0.1:9/v1")
    monkeypatch.setenv(ENV_MODEL, "m")
    assert [v for _, v in offered_backends()] == ["extractive", "local", "openai"]


@pytest.mark.llm_server
def test_a_real_model_answer_streams_and_is_verified(assistant, openai_env):
    events = list(assistant.stream("建议对低空经济提出了哪些任务？", backend="openai"))
    kinds = [e.kind for e in events]
    assert kinds[0] == "status" and "逐句核验" in events[0].text
    assert kinds.count("delta") > 1 and kinds[-1] == "answer"
    answer = events[-1].answer
    data = answer.to_json()
    assert {"backend", "notices", "fallback", "dropped"} <= set(data)
    assert data["fallback"] in (None, "timeout", "error", "unverified", "declined")
    assert (answer.backend == "openai") == (answer.fallback is None)
    for citation in answer.citations:                       # quotes verbatim, whoever wrote the text
        assert citation.quote in assistant.index.unit(str(citation.ref)).text
    for notice in answer.notices:
        assert not ENGLISH_RE.search(notice), notice


def test_no_tab_offers_an_unconfigured_interface(assistant, monkeypatch):
    import gradio as gr

    from ui.page import build_ui

    monkeypatch.delenv(ENV_BASE_URL, raising=False)
    monkeypatch.delenv(ENV_MODEL, raising=False)
    page = build_ui(assistant)
    radios = [b for b in page.blocks.values() if isinstance(b, gr.Radio) and b.label == "回答方式"]
    assert len(radios) == 2                                       # 智能问答 and 专题简报
    assert all([value for _, value in radio.choices] == ["extractive", "local"] for radio in radios)


def test_a_term_the_plan_names_without_expanding_is_not_handed_to_a_model(assistant, monkeypatch):
    """The model would write a definition the plan does not give; the exact answer says 原文未展开 and where
    the term appears. No model is asked: an unconfigured interface would otherwise have failed (fallback)."""
    from chat.pipeline import Assistant

    monkeypatch.delenv(ENV_BASE_URL, raising=False)
    monkeypatch.delenv(ENV_MODEL, raising=False)
    events = list(Assistant(assistant.retriever, assistant.settings).stream("“区聘乡用、乡聘村用”是啥意思？", backend="openai"))
    answer = events[-1].answer
    assert "status" not in [e.kind for e in events]
    assert answer.fallback is None and answer.backend == "extractive"
    assert answer.answer.startswith("原文未展开“区聘乡用、乡聘村用”的具体含义") and "〔第12条〕" in answer.answer
    fresh = Assistant(assistant.retriever, assistant.settings)   # the session's may hold a configured backend
    defined = fresh.ask("“三调联动”是什么意思？", backend="openai")     # a term the plan expands: the model is asked
    assert defined.fallback == "error"
