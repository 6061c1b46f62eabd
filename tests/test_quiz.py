"""The self-test quiz (chat/study) on the real index, no mocks: every rule is checked over whole
quizzes for several seeds, and the Word paper is opened again with python-docx."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from chat.compose.enumerations import full_sentences
from chat.study.items import BLANK, KINDS
from chat.study.quiz import build_quiz, candidates, quiz_docx, to_json

SEEDS = (0, 1, 2, 7, 42)
N = 40


@pytest.fixture(scope="module")
def index():
    from config import SETTINGS
    from ingest.index import load_index

    return load_index(SETTINGS)


@pytest.fixture(scope="module")
def units(index):
    return {u.label: u for u in index.units}


@pytest.fixture(scope="module")
def quizzes(index):
    return {seed: build_quiz(index, n=N, seed=seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def everything(index):
    """Every item each kind can make, over the whole document, for two seeds."""
    return [item for seed in (0, 1) for pool in candidates(index, seed).values() for item in pool]


def all_items(quizzes, everything):
    return [item for quiz in quizzes.values() for item in quiz] + everything


def test_n_is_respected_and_kinds_are_mixed(index, quizzes):
    for seed, quiz in quizzes.items():
        assert len(quiz) == N
        counts = Counter(item.kind for item in quiz)
        assert set(counts) == set(KINDS), (seed, counts)
        assert max(counts.values()) <= N // 2
        assert len({item.question for item in quiz}) == N
    for n in (1, 5, 20):
        assert len(build_quiz(index, n=n, seed=3)) == n
    assert build_quiz(index, n=0) == []


def test_answer_in_unit_and_not_in_question(quizzes, everything, units):
    for item in all_items(quizzes, everything):
        unit = units[item.label]
        assert item.ref == unit.ref
        if item.kind == "article":
            assert item.answer == unit.label
        else:
            assert item.answer in unit.text, item
        assert item.answer not in item.question, item


def test_source_is_a_verbatim_sentence_of_the_unit(quizzes, everything, units):
    for item in all_items(quizzes, everything):
        assert item.source in full_sentences(units[item.label]), item


def test_choices_and_distractors(quizzes, everything):
    for item in all_items(quizzes, everything):
        if item.choices is None:
            assert item.kind != "article"
            continue
        assert len(item.choices) == 4 and len(set(item.choices)) == 4, item
        assert item.choices.count(item.answer) == 1, item
        for wrong in item.choices:
            if wrong != item.answer:
                assert wrong not in item.source, (wrong, item)
                assert wrong not in item.question, (wrong, item)


def test_blanks_and_wording(quizzes, everything):
    for item in all_items(quizzes, everything):
        if item.kind == "article":
            assert re.fullmatch(r"“[^“”]{12,40}”出自《建议》哪一条？", item.question), item
        elif item.question.endswith("项？"):                  # “四治融合”是指哪四项？
            assert item.kind == "formulation" and item.choices is None and "是指哪" in item.question
            assert "、" in item.answer and BLANK not in item.question
        else:
            assert item.question.count(BLANK) == 1, item
            assert item.question.endswith(("。", "。”")), item


def test_figure_items_keep_their_unit_of_measure(index, everything):
    figures = {t.figure for t in index.targets}
    for item in (i for i in everything if i.kind == "figure"):
        rows = [t for t in index.targets if t.ref == item.ref and t.figure.startswith(item.answer)]
        assert rows, item
        units_ = {t.unit for t in rows}
        for choice in item.choices or ():
            assert any(f.startswith(choice) for f in figures), item
            assert any(choice.endswith(u) for u in units_), (choice, item)


def test_known_items(everything):
    by_answer = {(i.kind, i.answer): i for i in everything}
    city = by_answer[("figure", "33万人")]
    assert city.question == "到2030年，城市人口突破____。" and city.label == "第7条"
    assert all(c.endswith("万人") for c in city.choices)
    towns = [i for i in everything if i.kind == "list" and "等重点镇" in i.question]
    assert towns and all(i.answer in ("濯水", "小南海", "石会", "马喇", "阿蓬江") for i in towns)
    assert all(i.label == "第36条" for i in towns)
    forms = {i.answer for i in everything if i.kind == "formulation"}
    assert {"四高六铁", "一主两副五片区"} <= forms
    defined = by_answer[("formulation", "自治、法治、德治、智治")]
    assert defined.question == "《建议》提出的“四治融合”是指哪四项？" and defined.label == "第35条"
    assert by_answer[("formulation", "数量、质量、生态")].question == "《建议》提出的“三位一体”耕地保护体系是指哪三项？"


def test_deterministic_for_a_seed(index, quizzes):
    assert build_quiz(index, n=N, seed=0) == quizzes[0]
    assert build_quiz(index, n=N, seed=7) == quizzes[7]
    assert len({tuple(quiz) for quiz in quizzes.values()}) == len(SEEDS)
    first = {seed: {i.question for i in quiz} for seed, quiz in quizzes.items()}
    assert first[0] != first[1] and first[1] != first[2]


def test_same_quiz_in_another_process(quizzes):
    """No set or hash order leaks into the quiz: a fresh interpreter with another hash seed agrees."""
    code = ("import json; from config import SETTINGS; from ingest.index import load_index; "
            "from chat.study.quiz import build_quiz, to_json; "
            f"print(json.dumps([to_json(i) for i in build_quiz(load_index(SETTINGS), n={N}, seed=7)], ensure_ascii=False))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=Path(__file__).resolve().parents[1], timeout=300, check=True).stdout
    assert json.loads(out) == [to_json(i) for i in quizzes[7]]


def test_command_line(tmp_path):
    root = Path(__file__).resolve().parents[1]
    run = lambda *args: subprocess.run([sys.executable, "-m", "chat", "quiz", *args], capture_output=True,
                                       text=True, cwd=root, timeout=300)
    done = run("-n", "6", "--seed", "3", "--part", "7", "--json")
    items = json.loads(done.stdout)
    assert done.returncode == 0 and len(items) == 6 and all("question" in i and "ref" in i for i in items)
    out = tmp_path / "paper.docx"
    assert run("-n", "6", "--out", str(out), "--key").stdout.strip() == str(out)
    assert "参考答案" in _text(out)
    bad = run("-n", "3", "--out", str(tmp_path / "paper.txt"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_part_and_doc_filters(index, units):
    for part in (1, 3, 7):
        quiz = build_quiz(index, n=15, seed=part, part=part)
        assert quiz and all(units[i.label].part_no == part for i in quiz)
    assert len(build_quiz(index, n=20, seed=0, part=3)) == 20
    doc_id = index.units[0].doc_id
    assert build_quiz(index, n=10, doc_id=doc_id) == build_quiz(index, n=10)
    assert build_quiz(index, n=10, doc_id="no-such-document") == []


def test_which_article_choices_prefer_the_part(quizzes, units):
    for item in (i for quiz in quizzes.values() for i in quiz if i.kind == "article"):
        part = units[item.label].part_no
        chosen = [units[c] for c in item.choices]
        assert all(u.kind == "article" for u in chosen)
        same = sum(u.part_no == part for u in chosen)
        in_part = sum(u.part_no == part and u.kind == "article" for u in units.values())
        assert same == min(4, in_part), item


def test_json(quizzes):
    for item in quizzes[0]:
        obj = to_json(item)
        assert set(obj) == {"question", "choices", "answer", "ref", "label", "source"}
        assert obj["ref"] == (int(item.ref) if item.ref.isdigit() else item.ref)
        assert json.loads(json.dumps(obj, ensure_ascii=False)) == obj
        assert obj["choices"] is None or isinstance(obj["choices"], list)


def _text(path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.mark.parametrize("with_key", [False, True])
def test_docx_paper(quizzes, tmp_path, with_key):
    import docx
    from docx.shared import Mm

    items = quizzes[0]
    path = quiz_docx(items, tmp_path / "quiz.docx", with_key=with_key)
    assert path.exists() and [p.name for p in tmp_path.iterdir()] == ["quiz.docx"]
    doc = docx.Document(str(path))
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    text = _text(path)
    assert text.startswith("学习测验")
    for number, item in enumerate(items, 1):
        assert f"{number}. {item.question}" in text
        for choice in item.choices or ():
            assert choice in text
    assert ("参考答案" in text) == with_key
    if with_key:
        for item in items:
            assert f"{item.answer}〔{item.label}〕" in text
            assert f"原文：{item.source}" in text


def test_docx_write_is_atomic(quizzes, tmp_path, monkeypatch):
    """A save that dies half-way leaves the old file whole and no temporary file behind."""
    import docx.document

    path = tmp_path / "quiz.docx"
    path.write_bytes(b"old")

    def broken_save(self, target):
        with open(target, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    with monkeypatch.context() as m:
        m.setattr(docx.document.Document, "save", broken_save)
        with pytest.raises(OSError):
            quiz_docx(quizzes[0], path, with_key=True)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["quiz.docx"]
    quiz_docx(quizzes[1], path, with_key=False)
    assert _text(path).startswith("学习测验")
