"""Saying plainly that the plan does not answer, or that the assistant will not do something.

Whether to refuse is decided elsewhere — on the evidence (``chat.retrieval.evidence``) or on the form of
the question (``chat.understanding.understand``); this module only words the refusal. A refusal never asserts
anything: it lists the closest units as "相关条文" by label and title only.
"""
from __future__ import annotations

from chat.compose.extractive import Draft, heading
from chat.retrieval.retrieve import Retrieval

META_REQUEST = "本助手只依据建议原文回答问题，不提供内部设置，也不编造或假设原文没有的内容。"
OPINION = "本助手只依据建议原文回答问题，不提供个人意见或建议。"
OTHER_REGION = "建议原文未涉及{region}的规划：本知识库收录的是{titles}。"
NO_ANSWER = "建议原文未涉及{topic}。"
ABSENT_NOTE = "建议原文未提及{words}，以下为相关内容："
RELATED = "相关条文（仅供参考，原文并未回答此问题）："


def refuse(topic: str, retrieval: Retrieval | None, reason: str | None = None, related: int = 3) -> Draft:
    """A refusal naming ``topic`` (or giving ``reason``), with up to ``related`` units by title only."""
    topic_text = "这个问题" if topic in ("", "这个问题") else f"“{topic}”"
    lines = [reason or NO_ANSWER.format(topic=topic_text)]
    units = [h.unit for h in (retrieval.hits[:related] if retrieval else []) if h.unit.kind != "header"]
    if units:
        lines.append(RELATED + "；".join(heading(u) for u in units))
    return Draft("\n".join(lines), [], refused=True, route="refusal")


def absent_note(words: tuple[str, ...], broader: tuple[tuple[str, str], ...] = ()) -> str:
    """"建议原文未提及“上海”，以下为相关内容：" — for absent names beside a covered topic; with the
    broader place the plan names instead: "建议原文未点名“上海”，提到的是其所在的“长三角”，以下为相关内容："."""
    if broader:
        named = "；".join(f"未点名“{p}”，提到的是其所在的“{b}”" for p, b in broader)
        extra = f"；另未提及{'、'.join(f'“{w}”' for w in words)}" if words else ""
        return f"建议原文{named}{extra}，以下为相关内容："
    return ABSENT_NOTE.format(words="、".join(f"“{w}”" for w in words))
