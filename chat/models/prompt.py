"""The answer prompt: retrieved units, labelled and budgeted, into LangChain chat messages.

The prompt text lives in ``chat/models/prompts/answer_system.txt`` and ``answer_user.txt`` (a template
with ``{context}`` and ``{question}``); both are read once per process.

Each unit becomes a block ``【第7条】<title>\\n<verbatim text>`` in rank order. Blocks are added
while the tiktoken count (``encoding``: ChunkSettings.tiktoken_encoding) of the whole context stays
within the budget (LLMSettings.context_tokens unless given); the first unit that does not fit ends
the context. Only when not even the top unit fits is it cut, at the last sentence end (。！？)
that fits, and the cut is marked with :data:`TRUNCATION_MARK` so neither the model nor a reader
mistakes it for the whole article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from config import SETTINGS
from ingest.chunk import count_tokens
from ingest.text.sentences import sentence_spans

from chat.retrieval.retrieve import Hit

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
SYSTEM_PROMPT_FILE = "answer_system.txt"
USER_PROMPT_FILE = "answer_user.txt"
BLOCK_SEPARATOR = "\n\n"
TRUNCATION_MARK = "……（本条以下从略）"
_CLAUSE_END_RE = re.compile(r"[；;，,、：:]")


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    """Text of ``chat/models/prompts/<name>``, read once per process."""
    return (PROMPTS_DIR / name).read_text(encoding="utf-8").strip()


def system_prompt() -> str:
    """The system prompt (prompts/answer_system.txt)."""
    return load_prompt(SYSTEM_PROMPT_FILE)


def user_template() -> str:
    """The user-message template (prompts/answer_user.txt); raises ValueError unless it contains
    {context} and {question}."""
    template = load_prompt(USER_PROMPT_FILE)
    if "{context}" not in template or "{question}" not in template:
        raise ValueError(f"{USER_PROMPT_FILE} must contain {{context}} and {{question}}")
    return template


def _tokens(text: str, encoding: str) -> int:
    return count_tokens(text, encoding)


def unit_block(hit: Hit, text: str | None = None) -> str:
    """``【第7条】迭代升级现代制造业集群\\n7.迭代升级…`` (the title is left out when it only repeats
    the label, as for 序言 and 结束语)."""
    unit = hit.unit
    title = unit.title.strip()
    head = f"【{unit.label}】" + (title if title and title != unit.label else "")
    return f"{head}\n{unit.text if text is None else text}"


@dataclass(frozen=True)
class ContextUnit:
    """One unit placed in the prompt context, by ref and label."""

    ref: str
    label: str
    truncated: bool            # only a leading part of the unit, ending at a sentence (or clause) end


@dataclass(frozen=True)
class PromptContext:
    """The unit context of a prompt: the joined blocks, the units in them, and its size and budget in
    tiktoken tokens (LLMSettings.context_tokens by default)."""

    text: str
    units: tuple[ContextUnit, ...]
    tokens: int
    budget: int

    @property
    def refs(self) -> list[str]:
        """Refs of the units in the context, in rank order."""
        return [u.ref for u in self.units]

    @property
    def labels(self) -> list[str]:
        """Labels of the units in the context (第7条 …), in rank order."""
        return [u.label for u in self.units]


def _cut_points(text: str) -> list[int]:
    """Ends of whole sentences, longest prefix first; clause ends inside the first sentence as a
    last resort (still marked as a cut)."""
    ends = [e for _, e in sentence_spans(text, max_chars=len(text) + 1)]
    points = sorted({e for e in ends if 0 < e < len(text)}, reverse=True)
    first_end = ends[0] if ends else len(text)
    clauses = sorted({m.end() for m in _CLAUSE_END_RE.finditer(text, 0, first_end)}, reverse=True)
    return points + [c for c in clauses if c < first_end]


def _cut_to_fit(hit: Hit, prefix: str, budget: int, encoding: str) -> str | None:
    """The longest sentence-bounded cut of the unit whose block fits after ``prefix``."""
    text = hit.unit.text
    for end in _cut_points(text):
        block = unit_block(hit, text[:end].rstrip() + TRUNCATION_MARK)
        if _tokens(prefix + block, encoding) <= budget:
            return block
    return None


def build_context(hits: list[Hit], budget_tokens: int = SETTINGS.llm.context_tokens,
                  encoding: str = SETTINGS.chunk.tiktoken_encoding) -> PromptContext:
    """Labelled unit blocks in rank order within ``budget_tokens`` (see the module docstring)."""
    blocks: list[str] = []
    units: list[ContextUnit] = []
    seen: set[str] = set()
    for hit in hits:
        if hit.ref in seen:
            continue
        prefix = BLOCK_SEPARATOR.join(blocks) + (BLOCK_SEPARATOR if blocks else "")
        block = unit_block(hit)
        if _tokens(prefix + block, encoding) <= budget_tokens:
            blocks.append(block)
            units.append(ContextUnit(hit.ref, hit.label, False))
            seen.add(hit.ref)
            continue
        if not blocks:                      # the top unit alone is too long: keep its head
            cut = _cut_to_fit(hit, prefix, budget_tokens, encoding)
            if cut is not None:
                blocks.append(cut)
                units.append(ContextUnit(hit.ref, hit.label, True))
        break
    text = BLOCK_SEPARATOR.join(blocks)
    return PromptContext(text, tuple(units), _tokens(text, encoding) if text else 0, budget_tokens)


def messages_for(question: str, context: PromptContext,
                 history: list[tuple[str, str]] | None = None,
                 max_history_turns: int = SETTINGS.llm.history_turns) -> list[BaseMessage]:
    """[system, (earlier question, earlier answer)…, user] for a built context; only the last
    ``max_history_turns`` turns of ``history`` are kept (none when it is 0)."""
    messages: list[BaseMessage] = [SystemMessage(system_prompt())]
    for asked, answered in (history or [])[-max_history_turns:] if max_history_turns > 0 else []:
        messages += [HumanMessage(asked), AIMessage(answered)]
    user = user_template().format_map({"context": context.text or "（无）", "question": question.strip()})
    messages.append(HumanMessage(user))
    return messages


def build_messages(question: str, hits: list[Hit], budget_tokens: int = SETTINGS.llm.context_tokens,
                   history: list[tuple[str, str]] | None = None, *,
                   max_history_turns: int = SETTINGS.llm.history_turns,
                   encoding: str = SETTINGS.chunk.tiktoken_encoding) -> list[BaseMessage]:
    """[system, (earlier question, earlier answer)…, user with context and question].

    ``history`` holds earlier (question, answer) turns, oldest first; the last
    ``max_history_turns`` are kept (they are not counted in ``budget_tokens``, which bounds the
    unit context only). Use :func:`build_context` to learn which units made it in.
    """
    return messages_for(question, build_context(hits, budget_tokens, encoding), history, max_history_turns)
