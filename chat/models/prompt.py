"""The prompt files of the model backends: ``chat/models/prompts/<name>``, read once per process.

Only the sentence-cited prompt (``cited_system.txt``, ``cited_user.txt``; built in
:mod:`chat.models.cited`) is sent today.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    """Text of ``chat/models/prompts/<name>`` (stripped), read once per process; raises OSError when the
    file is missing."""
    return (PROMPTS_DIR / name).read_text(encoding="utf-8").strip()
