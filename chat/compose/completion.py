"""A verified model answer completed with what it left out: the lines of the extractive answer to the same
question that the model's sentences do not cover, verbatim, under a heading (:data:`LEFT_OUT_HEADING`).

A small model summarises two to four points in the plan's words; the extractive answer lists every
sentence that answers (chat/compose/extractive.py). A cadre should not lose a point because the model
chose another, so each quoted line of the extractive answer (``- …〔第N条〕``) that is not covered — fewer
than ``LLMSettings.covered_min`` of its character bigrams occur in the model's kept text — follows the model's
text as the plan states it, with its marker, and is verified as the extractive answer is.
"""
from __future__ import annotations

import re

from chat.compose.verify import Verified, verify
from config import LLMSettings, VerifySettings
from ingest.lexical import bigram_share
from ingest.text.normalize import normalize
from ingest.text.refs import MARKER_RE
from ingest.units import Unit

LEFT_OUT_HEADING = "原文还提到："
QUOTED_LINE_RE = re.compile(r"^\s*-\s*(.+?〕)\s*$")


def left_out(model_text: str, extractive_text: str, covered_min: float) -> list[str]:
    """The ``- sentence〔marker〕`` lines of ``extractive_text`` whose sentence the model text does not cover,
    in their order, each as written there (list bullets kept)."""
    said = normalize(MARKER_RE.sub("", model_text))
    out = []
    for line in extractive_text.splitlines():
        if not (m := QUOTED_LINE_RE.match(line)):
            continue
        if bigram_share(normalize(MARKER_RE.sub("", m.group(1))), said) < covered_min:
            out.append(f"- {m.group(1)}")
    return out


def complete(checked: Verified, extractive_text: str, allowed: dict[str, Unit], llm: LLMSettings,
             verify_settings: VerifySettings) -> Verified:
    """The model's verified answer followed by the extractive lines it does not cover (see the module
    docstring); their citations are added after the model's, and nothing is added when all are covered."""
    lines = left_out(checked.text, extractive_text, llm.covered_min)
    if not lines:
        return checked
    extra = verify("\n".join(lines), allowed, settings=verify_settings)
    if not extra.text.strip():
        return checked
    seen = {(c.doc_id, c.ref, c.quote) for c in checked.citations}
    citations = checked.citations + [c for c in extra.citations if (c.doc_id, c.ref, c.quote) not in seen]
    return Verified(f"{checked.text}\n{LEFT_OUT_HEADING}\n{extra.text}", citations, checked.dropped + extra.dropped)
