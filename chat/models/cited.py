"""Sentence-cited generation: the evidence as numbered sentences, a fixed instruction prefix, and the
model's ``[k]`` numbers mapped back to units.

The model is given the candidate sentences the extractive composer weighs
(:meth:`chat.compose.extractive.ExtractiveComposer.scored_passages`), best first, as
``[1] 第9条：打造武陵山数字经济产业园。`` lines — at most ``LLMSettings.evidence_sentences``, at most
``evidence_per_unit`` from one unit, and together with the question within ``evidence_tokens``
tiktoken tokens (``ingest.chunk.count_tokens``). The system message (``prompts/cited_system.txt``) never
changes, so llama.cpp's prompt cache reuses it from one question to the next; only the user message
(``prompts/cited_user.txt``: the numbered sentences and the question) is read anew. The model answers in
short sentences ending with the numbers they rest on; :func:`chat.compose.paraphrase.verify_cited` checks each
sentence against the sentences it cites, and those sentences, verbatim, are the answer's quotes.
"""
from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from config import AnswerSettings, LLMSettings
from ingest.chunk import count_tokens
from ingest.units import Unit

from chat.compose.extractive import ExtractiveComposer
from chat.models.prompt import load_prompt
from chat.retrieval.retrieve import Retrieval

SYSTEM_FILE = "cited_system.txt"
USER_FILE = "cited_user.txt"


@dataclass(frozen=True)
class Evidence:
    """One numbered evidence sentence: ``number`` (1-based, as the model sees it), its unit and its
    verbatim text (a passage of the unit)."""

    number: int
    unit: Unit
    text: str

    def line(self) -> str:
        """``[3] 第9条：打造武陵山数字经济产业园。``"""
        return f"[{self.number}] {self.unit.label}：{self.text}"


def select_evidence(composer: ExtractiveComposer, retrieval: Retrieval, question: str, llm: LLMSettings,
                    answer: AnswerSettings, encoding: str) -> list[Evidence]:
    """The numbered evidence of a question: the composer's candidate sentences of the top
    ``llm.context_units`` units, best first, none below ``answer.min_ratio`` of the best, within the
    token, count and per-unit limits of ``llm`` (see the module docstring)."""
    scored = composer.scored_passages(retrieval, llm.context_units)
    floor = scored[0].score * answer.min_ratio if scored else 0.0
    chosen: list[Evidence] = []
    per_unit: dict[int, int] = {}
    used = count_tokens(question, encoding)
    for sp in scored:
        if sp.score < floor or len(chosen) >= llm.evidence_sentences:
            break
        if per_unit.get(sp.passage.unit, 0) >= llm.evidence_per_unit:
            continue
        candidate = Evidence(len(chosen) + 1, composer.index.units[sp.passage.unit], sp.passage.text)
        cost = count_tokens(candidate.line() + "\n", encoding)
        if used + cost > llm.evidence_tokens:
            if chosen:
                continue                     # a shorter sentence further down may still fit
            break
        chosen.append(candidate)
        used += cost
        per_unit[sp.passage.unit] = per_unit.get(sp.passage.unit, 0) + 1
    return chosen


def evidence_text(evidence: list[Evidence]) -> str:
    """The numbered lines the model reads."""
    return "\n".join(e.line() for e in evidence)


def cited_messages(question: str, evidence: list[Evidence]) -> list[BaseMessage]:
    """[fixed system prefix, user message with the numbered sentences and the question]."""
    template = load_prompt(USER_FILE)
    if "{evidence}" not in template or "{question}" not in template:
        raise ValueError(f"{USER_FILE} must contain {{evidence}} and {{question}}")
    user = template.format_map({"evidence": evidence_text(evidence), "question": question.strip()})
    return [SystemMessage(load_prompt(SYSTEM_FILE)), HumanMessage(user)]


def prompt_tokens(question: str, evidence: list[Evidence], encoding: str) -> int:
    """tiktoken tokens of what changes per question (evidence lines and question), as budgeted."""
    return count_tokens(question, encoding) + sum(count_tokens(e.line() + "\n", encoding) for e in evidence)
