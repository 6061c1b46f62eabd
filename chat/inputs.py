"""One place where user input is checked and cleaned (CLI, API and UI all call it)."""
from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 500
CONTROL_RE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class QuestionError(ValueError):
    """A question the pipeline cannot take, with a message fit for the user."""


def clean_question(raw: object) -> str:
    """Strip control characters and surrounding space; reject empty or over-long questions."""
    if not isinstance(raw, str):
        raise QuestionError("问题必须是文本。")
    text = CONTROL_RE.sub("", unicodedata.normalize("NFC", raw)).replace("\r", " ").replace("\n", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise QuestionError("问题为空，请输入要查询的内容。")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"问题过长（{len(text)}字），请控制在{MAX_QUESTION_CHARS}字以内。")
    return text
