"""Retrieval and answer metrics over eval questions and their predictions."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from types import SimpleNamespace

from chat.answer import Derived
from chat.compose.verify import check_derived, numbers_in
from ingest.text.normalize import normalize
from ingest.text.refs import ref_from_json

RETRIEVAL_METRICS = ("hit@1", "hit@5", "mrr@10", "recall@5")
ANSWER_METRICS = ("fact_recall", "primary_cited", "refused", "quotes_verbatim", "numbers_backed")


@dataclass(frozen=True)
class Question:
    """One eval question (a line of dev.jsonl …): ``articles`` are the expected refs, primary first
    (empty for an unanswerable question); ``facts`` are strings a correct answer should contain
    (fact_recall: normalised substring match)."""

    id: str
    question: str
    articles: tuple[str, ...]
    facts: tuple[str, ...]
    type: str
    turns: tuple[str, ...] = ()     # earlier questions of the same conversation, asked first
    voice: str = ""                 # who wrote it (blind set: cadre, journalist, resident)

    @classmethod
    def from_json(cls, data: dict) -> "Question":
        """A Question from one JSONL record (articles as 7 or "P3"; missing optional keys default)."""
        return cls(id=str(data["id"]), question=data["question"],
                   articles=tuple(ref_from_json(a) for a in data.get("articles", [])),
                   facts=tuple(data.get("facts", [])), type=data.get("type", "unknown"),
                   turns=tuple(data.get("turns", [])), voice=data.get("voice", ""))

    @property
    def answerable(self) -> bool:
        """Whether the plan answers it (it has expected articles)."""
        return bool(self.articles)


def retrieval_scores(q: Question, ranked: list[str]) -> dict[str, float]:
    """hit@1, hit@5, MRR@10 of the primary ref and recall@5 of all refs."""
    primary = q.articles[0]
    rank = ranked.index(primary) + 1 if primary in ranked else None
    return {
        "hit@1": float(rank == 1),
        "hit@5": float(rank is not None and rank <= 5),
        "mrr@10": 1.0 / rank if rank and rank <= 10 else 0.0,
        "recall@5": len(set(q.articles) & set(ranked[:5])) / len(set(q.articles)),
    }


def backed_by_derivation(pred: dict, cited: set[str], unit_texts: dict[str, str], facts: set[str]) -> set[str]:
    """Numbers of the answer's derived claims (counts, numerals, structure, comparisons) that
    re-check here, independently of the pipeline, against the cited units and the structure facts."""
    units = [SimpleNamespace(text=unit_texts.get(r, "")) for r in cited]
    backed: set[str] = set()
    for raw in pred.get("derived", []):
        claim = Derived(raw["sentence"], raw["kind"], raw["value"], tuple(raw.get("items", ())),
                        tuple(raw.get("facts", ())))
        holds, numbers = check_derived(claim, units, facts)
        if holds:
            backed |= numbers
    return backed


def answer_scores(q: Question, pred: dict, unit_texts: dict[str, str], facts: set[str] = frozenset()) -> dict[str, float]:
    """Fact recall (normalised substring), primary ref cited, refused, and the two integrity
    checks: every citation quote verbatim in its unit; every number of the answer in a cited unit
    or stated by a derived claim that re-checks (``facts``: the document structure facts).
    ``unit_texts``: ref -> verbatim unit text."""
    answer = normalize(pred.get("answer", ""))
    citations = pred.get("citations", [])
    cited = {ref_from_json(c["ref"]) for c in citations}
    cited_text = normalize("\n".join(unit_texts.get(r, "") for r in cited))
    derived = backed_by_derivation(pred, cited, unit_texts, set(facts))
    out = {
        "refused": float(bool(pred.get("refused"))),
        "quotes_verbatim": float(all(c["quote"] in unit_texts.get(ref_from_json(c["ref"]), "")
                                     for c in citations)),
        "numbers_backed": float(all(n in cited_text or n in derived for n in numbers_in(pred.get("answer", "")))),
    }
    if q.answerable:
        out["fact_recall"] = (sum(normalize(f) in answer for f in q.facts) / len(q.facts)) if q.facts else 1.0
        out["primary_cited"] = float(q.articles[0] in cited)
    return out


def mean_by_group(rows: list[tuple[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Average each metric per group and over 'all' (groups: question types)."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for group, scores in rows:
        for name, value in scores.items():
            sums[group][name].append(value)
            sums["all"][name].append(value)
    return {g: {m: sum(v) / len(v) for m, v in ms.items()} | {"n": max(len(v) for v in ms.values())}
            for g, ms in sums.items()}
