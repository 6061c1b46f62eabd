"""ingest/text: the one grammar of numerals, refs/labels/markers and sentences that everything uses."""
from __future__ import annotations

import pytest

from ingest.text.normalize import normalize
from ingest.text.numerals import cn_number, cn_to_int, numeral_value
from ingest.text.refs import (MARKER_RE, is_label, label_of_token, marker_of, normalize_markers, ref_from_json,
                              ref_label, ref_of_label, ref_to_json)
from ingest.text.sentences import (CLAUSE_ENDS, SENTENCE_ENDS, nesting_masks, sentence_spans, span_at,
                                   split_spans)


def test_numerals_round_trip_and_reject_garbage():
    for n in range(0, 100):
        assert cn_to_int(cn_number(n)) == n
    assert cn_to_int("两") == 2 and cn_to_int("十三") == 13 and cn_to_int("二十一") == 21
    for bad in ("", "一二", "十十", "二十一二", "abc", "百"):
        with pytest.raises(ValueError):
            cn_to_int(bad)
    with pytest.raises(ValueError):
        cn_number(100)
    assert numeral_value("12项") == 12 and numeral_value("七个") == 7 and numeral_value("两大") == 2
    assert numeral_value("项目") is None and numeral_value("唯一的三甲医院") == 1


@pytest.mark.parametrize("ref,label", [("7", "第7条"), ("54", "第54条"), ("P3", "第三部分导语"),
                                       ("P12", "第十二部分导语"), ("P0", "序言"), ("END", "结束语"), ("H", "题注")])
def test_ref_label_marker_round_trip(ref, label):
    assert ref_label(ref) == label and ref_of_label(label) == ref and is_label(label)
    assert MARKER_RE.fullmatch(marker_of(label)).group(1) == label
    assert ref_from_json(ref_to_json(ref)) == ref


def test_bad_refs_and_labels_raise():
    for bad in ("X", "P", ""):
        with pytest.raises(ValueError):
            ref_label(bad)
    with pytest.raises(ValueError):
        ref_of_label("第七章")
    assert not is_label("《简称》第7条") and not is_label("第7章")


def test_loose_markers_become_canonical():
    text = "城市人口突破33万人【7】。森林覆盖率保持稳定（第七条）。见[第三部分导语]。"
    assert normalize_markers(text) == "城市人口突破33万人〔第7条〕。森林覆盖率保持稳定〔第7条〕。见〔第三部分导语〕。"
    assert label_of_token("十二") == "第12条" and label_of_token("序言") == "序言"
    own = "二（二）拓展应用场景。（一）建设基地〔《方案》二（二）〕"     # a document's own item numbers stay
    assert normalize_markers(own) == own


def test_sentences_keep_quotes_and_cut_long_ones():
    text = "他说：“要干。”然后走了。第二句！\n第三句"
    spans = sentence_spans(text, 100)
    assert [text[s:e] for s, e in spans] == ["他说：“要干。”", "然后走了。", "第二句！", "第三句"]
    long = "甲" * 30 + "；" + "乙" * 30 + "。"
    assert all(e - s <= 40 for s, e in sentence_spans(long, 40))
    _, nested = nesting_masks(text)
    whole = split_spans(text, SENTENCE_ENDS, nested)
    assert text[slice(*whole[0])] == "他说：“要干。”然后走了。"        # 。 inside the quote does not end it
    clauses = split_spans("甲，乙；丙。", CLAUSE_ENDS, [False] * 6)
    assert span_at(clauses, 2) == (2, 4)


def test_normalize_is_nfkc_lower_case():
    assert normalize("ＧＤＰ，２０３０年") == "gdp,2030年"
