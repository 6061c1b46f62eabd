"""ui/render.py: escaping, citation chips, highlighted quotes, refusal style, outline, search, targets;
and ui/auth.py's login parsing."""
from __future__ import annotations

import base64
import re

import pytest

from ui import render
from chat.answer import Answer, Citation
from ingest.targets import Target
from ingest.units import Unit

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
DOC = "doc"


def unit(ref: str, text: str, kind: str = "article", part_no: int = 1, title: str = "标题") -> Unit:
    return Unit(DOC, ref, kind, part_no, f"{part_no}、部分标题", title, text, 0, len(text))


def answer(text: str, refused: bool = False, citations=(), backend: str = "extractive", notices=()) -> Answer:
    return Answer(question="问", answer=text, refused=refused, citations=list(citations),
                  retrieved=[{"ref": 7, "label": "第7条", "doc_id": DOC, "score": 0.91}], backend=backend,
                  timings_ms={"total": 123.4}, notices=list(notices))


def no_raw_tags(html: str) -> None:
    assert "<script" not in html and "<img" not in html


# ---- escaping ------------------------------------------------------------------------------------
def test_esc_escapes_markup_and_quotes():
    assert render.esc('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"


def test_user_question_is_escaped_in_transcript():
    html = render.render_transcript([{"question": XSS, "answer": answer("答。〔第7条〕")}])
    no_raw_tags(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_answer_notices_errors_and_search_keyword_are_escaped():
    html = render.render_answer(answer(f"原文{XSS}。〔第7条〕", notices=[XSS]))
    no_raw_tags(html)
    no_raw_tags(render.render_turn({"question": "q", "error": XSS}, 0))
    no_raw_tags(render.render_turn({"question": "q", "partial": XSS}, 0))
    no_raw_tags(render.render_search([unit("1", "正文")], XSS))
    no_raw_tags(render.render_unit(unit("1", f"正文{XSS}正文"), quotes=[XSS]))


def test_safe_markdown_turns_html_into_text():
    md = render.safe_markdown(f"# 标题\n\n> 来源 & 说明 {XSS}")
    assert "<" not in md and "&lt;script>" in md and md.startswith("# 标题") and "\n> 来源 &amp; 说明" in md


# ---- chips -------------------------------------------------------------------------------------
@pytest.mark.parametrize("label, ref", [("第7条", "7"), ("第54条", "54"), ("第三部分导语", "P3"),
                                        ("第十三部分导语", "P13"), ("序言", "P0"), ("结束语", "END")])
def test_markers_become_chips(label, ref):
    html = render.with_chips(f"城市人口突破33万人。〔{label}〕", turn=2)
    assert f'data-ref="{ref}"' in html and 'data-turn="2"' in html
    assert re.search(rf'<button type="button" class="cite-chip"[^>]*>{label}</button>', html)
    assert "〔" not in html


def test_secondary_document_labels_become_chips_with_their_document():
    second = Unit("shifanzhen", "3", "article", 2, "二、保障措施", "组织保障", "3.组织保障。", 0, 6,
                  doc_label="《示范镇方案》")
    labels = render.labels_of([unit("3", "3.正文。"), second])
    html = render.with_chips("成立工作专班。〔《示范镇方案》第3条〕另见〔第3条〕", labels=labels)
    assert '<button type="button" class="cite-chip" data-ref="3" data-doc="shifanzhen"' in html
    assert "&lt;&lt;" not in html and "《示范镇方案》第3条</button>" in html
    assert f'data-ref="3" data-doc="{DOC}"' in html
    a = Answer("问", "专班。〔《示范镇方案》第3条〕", False, [Citation("3", "《示范镇方案》第3条", "专班。", "shifanzhen")],
               [], "extractive", {"total": 1.0})
    assert 'data-doc="shifanzhen"' in render.render_answer(a)            # from the answer's own citations
    outline = render.render_outline([unit("3", "3.正文。"), second], {DOC: "《建议》", "shifanzhen": "《方案》"})
    assert outline.index("《建议》") < outline.index("《方案》") and outline.count("outline-doc") == 2


def test_unknown_bracket_text_stays_text():
    html = render.with_chips("见〔附件一〕和〔<b>x</b>〕")
    assert "cite-chip" not in html and "〔附件一〕" in html and "&lt;b&gt;" in html


def test_answer_body_lists_and_paragraphs():
    html = render.answer_body("建议提出：\n- 第一句。〔第9条〕\n- 第二句。〔第32条〕\n结尾。")
    assert html.startswith("<p>建议提出：</p><ul><li>第一句。") and html.count("<li>") == 2
    assert html.endswith("<p>结尾。</p>")


def test_retrieved_list_shows_scores_as_chips():
    html = render.render_retrieved(answer("答。〔第7条〕"), {"第7条": "主要目标"}, turn=0)
    assert 'data-ref="7"' in html and "主要目标" in html and "0.91" in html
    assert "提问后" in render.render_retrieved(None, {})


def test_retrieved_list_names_its_question_escaped():
    html = render.render_retrieved(answer("答。〔第7条〕"), {}, turn=1, question="<b>养老</b>怎么办？")
    assert html.startswith('<p class="retrieved-for"') and "&lt;b&gt;养老&lt;/b&gt;怎么办？" in html
    assert "<b>" not in html and 'data-turn="1"' in html


# ---- refusal, meta, notices ----------------------------------------------------------------------
def test_refusal_has_its_own_style():
    html = render.render_answer(answer("建议原文未涉及“房价”。", refused=True))
    assert 'class="answer refused"' in html and '<div class="refusal-badge">建议原文未涉及</div>' in html
    assert "refused" not in render.render_answer(answer("答。〔第7条〕"))


def test_meta_shows_backend_time_and_fallback():
    html = render.render_answer(answer("答。〔第7条〕", notices=["模型服务未能作答"]), requested="local")
    assert "回答方式：原文摘录" in html and "（所选：本地模型）" in html and "用时 0.12 秒" in html
    assert '<ul class="notices"><li>模型服务未能作答</li></ul>' in html
    assert "所选" not in render.render_answer(answer("答。〔第7条〕", backend="openai"), requested="openai")
    assert "回答方式：接口" in render.render_answer(answer("答。〔第7条〕", backend="openai"))


def test_pending_and_streaming_turns():
    assert "正在检索" in render.render_turn({"question": "q"}, 0)
    assert "模型首次使用" in render.render_turn({"question": "q", "backend": "local"}, 0)
    streaming = render.render_turn({"question": "q", "partial": "部分回答〔第7条〕"}, 3)
    assert "answer streaming" in streaming and 'data-turn="3"' in streaming


# ---- highlighting and the evidence panel ------------------------------------------------------------
def test_highlight_marks_each_quote_and_escapes_inside():
    text = "第一句<b>。第二句。第三句。第二句。"
    html = render.highlight(text, ["第一句<b>。", "第三句。"])
    assert html == ('<mark class="quote">第一句&lt;b&gt;。</mark>第二句。'
                    '<mark class="quote">第三句。</mark>第二句。')
    assert render.highlight(text, ["第二句。"]).count("<mark") == 2      # every occurrence
    assert render.highlight("甲。乙。", ["甲。", "乙。"]) == '<mark class="quote">甲。乙。</mark>'  # adjacent: one


def test_highlight_merges_overlaps_and_ignores_missing():
    assert render.highlight("甲乙丙丁", ["甲乙丙", "乙丙丁"]) == '<mark class="quote">甲乙丙丁</mark>'
    assert render.highlight("甲乙丙丁", ["戊", ""]) == "甲乙丙丁"
    assert render.highlight("甲乙丙丁", spans=[(1, 2)]) == '甲<mark class="quote">乙</mark>丙丁'


def test_render_unit_highlights_quotes_in_article_text():
    u = unit("7", "7.主要目标。到2030年城市人口突破33万人。其他内容。", title="主要目标")
    html = render.render_unit(u, ["到2030年城市人口突破33万人。", "不在本条的句子。"])
    assert '<mark class="quote">到2030年城市人口突破33万人。</mark>' in html
    assert "（1 处）" in html and "第7条" in html and "主要目标" in html
    assert "回答未直接引用" in render.render_unit(u, note="本条为检索到的相关条文，回答未直接引用。")
    assert "未找到" in render.render_unit(None)


def test_real_answer_renders_chip_and_evidence(assistant):
    result = assistant.ask("2030年城市人口目标是多少？")
    html = render.render_answer(result, turn=0)
    assert "33万人" in html and 'data-ref="7"' in html
    quotes = [c.quote for c in result.citations if c.ref == "7"]
    evidence = render.render_unit(assistant.index.unit("7"), quotes)
    marked = " ".join(re.findall(r'<mark class="quote">(.*?)</mark>', evidence))
    assert "城市人口突破33万人" in marked


# ---- outline and search ----------------------------------------------------------------------------
def test_outline_groups_parts_and_keeps_preamble_and_closing_apart():
    units = [unit("P0", "序言正文", "preamble", 0, "序言"), unit("1", "1.甲。", part_no=1, title="甲"),
             unit("P2", "导语正文", "intro", 2, "导语"), unit("2", "2.乙。", part_no=2, title="乙<i>"),
             unit("END", "结束语正文", "closing", 2, "结束语")]
    html = render.render_outline(units)
    assert html.count("<details") == 2 and html.index('data-ref="P0"') < html.index("<details")
    assert html.rindex('data-ref="END"') > html.rindex("</details>")
    assert "乙&lt;i&gt;" in html and ">导语<" in html


def test_search_is_normalised_and_reports_sentences():
    units = [unit("9", "9.产业。发展ＡＩ产业，建设３３个园区。另一句。"), unit("10", "没有关键词。")]
    hits = render.search_units(units, "ai")
    assert [u.ref for u, _, _ in hits] == ["9"]
    u, spans, sentences = hits[0]
    assert [u.text[s:e] for s, e in spans] == ["ＡＩ"] and sentences == ["发展ＡＩ产业，建设３３个园区。"]
    html = render.render_search(units, "33个")
    assert '<mark class="quote">３３个</mark>' in html and "1 个条文" in html
    assert "没有找到" in render.render_search(units, "低空")
    assert render.search_units(units, "  ") == []


# ---- targets -------------------------------------------------------------------------------------
def _target(indicator: str, kind: str, year: str) -> Target:
    return Target(indicator, "33", "万人", "突破", year, kind, "7", DOC, f"{indicator}突破33万人。", "33万人", 0)


def test_target_rows_filter_by_kind_and_keyword(tmp_path):
    targets = [_target("城市人口", "goal", "2030"), _target("地区生产总值", "result", "2025")]
    assert [r[0] for r in render.target_rows(targets, "目标")] == ["城市人口"]
    assert [r[0] for r in render.target_rows(targets, "result")] == ["地区生产总值"]
    assert [r[0] for r in render.target_rows(targets, "", "ＧＤＰ")] == []
    assert [r[0] for r in render.target_rows(targets, "", "生产总值")] == ["地区生产总值"]
    assert render.target_rows(targets)[0] == ["城市人口", "33万人", "突破33万人", "2030", "目标", "第7条", "城市人口突破33万人。"]
    targets.append(_target("森林覆盖率", "result", "十四五"))
    assert [r[3] for r in render.target_rows(targets, sort="按年份")] == ["2025", "十四五", "2030"]
    assert [r[4] for r in render.target_rows(targets, sort="kind")] == ["成果", "成果", "目标"]
    assert [r[0] for r in render.target_rows(targets)] == ["城市人口", "地区生产总值", "森林覆盖率"]
    path = render.write_csv(render.target_rows(targets), tmp_path / "t.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").splitlines()[0] == ",".join(render.TARGET_HEADERS)


# ---- ui.auth: login ----------------------------------------------------------------------------------
def test_users_from_env_and_file(monkeypatch, tmp_path):
    auth = pytest.importorskip("ui.auth")
    users_file = tmp_path / "users.txt"
    users_file.write_text("# accounts\nbob:pw:with:colons\n\nbad-line\n", encoding="utf-8")
    monkeypatch.setenv("PLANQA_USERS", "alice:secret, carol:c2 ,:nouser")
    monkeypatch.setenv("PLANQA_USERS_FILE", str(users_file))
    users = auth.load_users()
    assert users == [("alice", "secret"), ("carol", "c2"), ("bob", "pw:with:colons")]
    assert auth.load_admins() == frozenset()
    monkeypatch.setenv("PLANQA_USERS", "alice:secret:admin,carol:c2")
    assert auth.load_users()[:2] == [("alice", "secret"), ("carol", "c2")]      # ":admin" is not the password
    assert auth.load_admins() == frozenset({"alice"})
    monkeypatch.delenv("PLANQA_USERS")
    monkeypatch.delenv("PLANQA_USERS_FILE")
    assert auth.load_users() == []

    class Req:
        def __init__(self, auth: str | None):
            self.headers = {"authorization": auth} if auth else {}

    basic = lambda u, p: "Basic " + base64.b64encode(f"{u}:{p}".encode()).decode()  # noqa: E731
    assert auth.authorized(Req(None), [])
    assert auth.authorized(Req(basic("bob", "pw:with:colons")), users)
    assert not auth.authorized(Req(basic("bob", "wrong")), users)
    assert not auth.authorized(Req(None), users)
    assert not auth.authorized(Req("Basic !!!"), users)


def test_header_unit_is_headed_once():
    header = unit("H", "标题\n(2025年12月6日通过)", "header", 0, "题注")
    html = render.render_unit(header)
    assert html.count("题注") == 1 and "(2025年12月6日通过)" in html


def test_a_rejected_long_question_is_shown_as_a_preview():
    html = render.render_turn({"question": "长" * 5000, "error": "问题过长（最多500字）"}, 0)
    assert "长" * 80 + "…（共5000字）" in html and "长" * 81 not in html
    assert "问题过长" in html
    kept = render.render_turn({"question": "长" * 300, "answer": None, "partial": "…"}, 0)
    assert "长" * 300 in kept                     # only a rejected question is shortened
