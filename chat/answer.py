"""The typed things an answer is made of; their JSON is the CLI/API contract."""
from __future__ import annotations

from dataclasses import dataclass, field

from ingest.text.refs import ref_to_json


@dataclass(frozen=True)
class Citation:
    """One cited unit of an answer with the verbatim sentence that supports it; ``ref`` is the unit ref
    ("7", "P3"), ``doc_id`` the unit's document."""

    ref: str
    label: str                      # 第7条, or 《简称》第3条 for a secondary document
    quote: str                      # verbatim sentence of the unit that supports the answer
    doc_id: str = ""

    @classmethod
    def of(cls, unit, quote: str) -> "Citation":
        """The citation of ``unit`` (a Unit) supported by ``quote``."""
        return cls(unit.ref, unit.label, quote, unit.doc_id)

    def to_json(self) -> dict:
        """JSON form: ref (7 as an integer for articles), label, quote, doc_id."""
        return {"ref": ref_to_json(self.ref), "label": self.label, "quote": self.quote,
                "doc_id": self.doc_id}


@dataclass(frozen=True)
class Dropped:
    """Something verification removed from an answer, and why."""

    text: str
    reason: str

    def to_json(self) -> dict:
        """JSON form: {"text", "reason"}."""
        return {"text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class Derived:
    """A number the answer states that no unit states: a count of listed items, a Chinese numeral
    written in digits, or a fact of the document's structure. Verification re-checks it.

    ``kind``: "items" (``value`` == len(items), each item in a cited unit), "numeral" (items[0], e.g.
    四次, is in a cited unit and means ``value``), "structure" (``facts`` are "key=value" pairs
    that the parsed structure must contain, e.g. "articles=54"), "compare" (``value`` 高于/低于/等于 of
    the two figures in ``items``) or "difference" (``value`` == items[1] - items[0], both figures in cited
    units: 26.5万人 → 33万人, 6.5). ``sentence``: the answer sentence (without its marker) this number appears in."""

    sentence: str
    kind: str
    value: str
    items: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """JSON form of all fields (items and facts as lists)."""
        return {"sentence": self.sentence, "kind": self.kind, "value": self.value,
                "items": list(self.items), "facts": list(self.facts)}


@dataclass
class Answer:
    """One answered (or refused) question: the text, its citations, the ranked units retrieved and what
    verification dropped or re-checked; ``timings_ms`` maps a pipeline step to milliseconds."""

    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    retrieved: list[dict]           # [{"ref", "label", "score", …}] in rank order
    backend: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    fallback: str | None = None     # why a model's text was not used (timeout, error, unverified, declined)

    def to_json(self) -> dict:
        """The CLI/API JSON of the answer; timings rounded to 0.1 ms."""
        return {
            "question": self.question, "answer": self.answer, "refused": self.refused,
            "citations": [c.to_json() for c in self.citations], "retrieved": self.retrieved,
            "backend": self.backend, "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "notices": self.notices, "dropped": [d.to_json() for d in self.dropped],
            "derived": [d.to_json() for d in self.derived], "fallback": self.fallback,
        }
