"""One place where user input is checked and prepared (CLI, API and UI all go through it).

- empty / whitespace / control characters only → a clear message (QuestionError);
- longer than ``max_chars`` (config.QuestionSettings) → a clear message with the limit;
- control and zero-width characters, emoji, pictographs and HTML tags are removed for matching;
- Traditional Chinese is converted to Simplified for retrieval (answers still quote the plan);
- a question without any Chinese (e.g. English) is searched by meaning, with a notice;
- mixed full/half-width punctuation needs nothing here: matching uses NFKC throughout.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from config import SETTINGS

CONTROL_RE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]{0,200}>")        # pasted markup is not part of the question
NOTICE_TRADITIONAL = "已将繁体字转换为简体进行检索。"
NOTICE_NON_CHINESE = "建议原文为中文，已按语义检索；引用内容为中文原文。"


class QuestionError(ValueError):
    """A question the pipeline cannot take, with a message fit for the user."""


@dataclass(frozen=True)
class Prepared:
    """A question ready for the pipeline; ``notices`` are messages shown with the answer about how
    the input was changed."""

    original: str                       # cleaned, as the user wrote it (shown back)
    text: str                           # what retrieval and routing see
    notices: tuple[str, ...] = field(default=())


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _drop_symbols(text: str) -> str:
    """Emoji, pictographs and other symbols (category So/Cs/Co) carry no meaning for search."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Cs", "Co", "Cn"))


def clean_question(raw: object, max_chars: int = SETTINGS.question.max_chars) -> str:
    """Strip control characters and surrounding space; reject empty questions and those over ``max_chars``."""
    if not isinstance(raw, str):
        raise QuestionError("问题必须是文本。")
    text = CONTROL_RE.sub("", unicodedata.normalize("NFC", raw)).replace("\r", " ").replace("\n", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("问题为空，请输入要查询的内容。")
    if len(text) > max_chars:
        raise QuestionError(f"问题过长（{len(text)}字），请控制在{max_chars}字以内。")
    return text


def prepare_question(raw: object, max_chars: int = SETTINGS.question.max_chars) -> Prepared:
    """The cleaned question and the text to search with, plus notices for the user."""
    original = clean_question(raw, max_chars)
    text = re.sub(r"\s+", " ", _drop_symbols(HTML_TAG_RE.sub(" ", original))).strip()
    if not text:
        raise QuestionError("问题中没有可检索的文字，请用文字描述要查询的内容。")
    notices = []
    simplified = _t2s().convert(text)
    if simplified != text:
        notices.append(NOTICE_TRADITIONAL)
        text = simplified
    if not CJK_RE.search(text) and LATIN_RE.search(text):
        notices.append(NOTICE_NON_CHINESE)
    return Prepared(original, text, tuple(notices))
