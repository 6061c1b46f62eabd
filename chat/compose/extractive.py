"""The extractive backend: answers made only of the plan's own sentences, each cited.

No model writes anything here. Sentences of the retrieved units are scored by their
cosine with the question (already computed by retrieval) and by lexical overlap with the
question's content words and expansions; the best are quoted verbatim with 〔第N条〕
markers, in a shape that suits the question (lead + points, a list grouped by article,
an article's full text, every mention of a term, a figure from the targets table).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chat.retrieval.retrieve import Retrieval
from config import AnswerSettings, RetrievalSettings
from ingest.index import KnowledgeIndex
from ingest.lexical import LexicalAnalyzer, bigrams
from ingest.text.normalize import normalize
from ingest.text.refs import marker_of
from ingest.units import Passage, Unit


@dataclass
class Draft:
    """An answer before verification."""

    text: str
    units: list[Unit]               # the units the text cites (verification may cite only these)
    refused: bool = False
    notices: list[str] = field(default_factory=list)
    route: str = "general"
    derived: list = field(default_factory=list)     # [answer.Derived]: numbers verification re-checks
    verified: object = None         # verify.Verified when the text was already verified (a cited model answer)


def marker(unit: Unit) -> str:
    """The citation marker of a unit: 〔第7条〕, 〔《简称》第7条〕."""
    return marker_of(unit.label)


def heading(unit: Unit) -> str:
    """A unit's label with its title: 第7条（“十五五”时期…主要目标）."""
    return f"{unit.label}（{unit.title}）"


def is_title_sentence(unit: Unit, passage: Passage) -> bool:
    """The article's own title sentence ("14.健全多层次社会保障体系。"): it names, it does not answer. A unit
    that is one sentence ("1.引进整机制造企业5家以上。", an item of a 方案) has no title apart from it."""
    return (unit.kind == "article" and passage.start == 0 and passage.end - passage.start <= len(unit.title) + 6
            and bool(unit.text[passage.end:].strip()))


@dataclass(frozen=True)
class ScoredPassage:
    """A candidate answer sentence: passage id ``pid``, ``unit_rank`` (rank of its unit among the hits,
    0 = best) and ``score`` from ``ExtractiveComposer.sentence_score``."""

    pid: int
    passage: Passage
    unit_rank: int
    score: float


class ExtractiveComposer:
    """Builds answers from verbatim plan sentences of the retrieved units (no model); weights and
    limits from config.AnswerSettings, the e5 cosine band from config.RetrievalSettings."""

    def __init__(self, index: KnowledgeIndex, analyzer: LexicalAnalyzer, settings: AnswerSettings,
                 retrieval: RetrievalSettings):
        self.index = index
        self.analyzer = analyzer
        self.settings = settings
        self.band = retrieval               # dense_floor, dense_span: the e5 cosine band
        self._by_unit: dict[int, list[tuple[int, Passage]]] = {}
        for pid, p in enumerate(index.passages):
            self._by_unit.setdefault(p.unit, []).append((pid, p))

    # ---- sentence selection -------------------------------------------------------------
    def query_keys(self, question: str, expansions: list[str]) -> set[str]:
        """Bigrams of the question's content words and of the expansions (a one-character word
        is kept whole), normalised; what sentence overlap is measured with."""
        words = self.analyzer.content_words(question) + [normalize(e) for e in expansions]
        keys: set[str] = set()
        for word in words:
            grams = bigrams(word)
            keys.update(grams if grams else [word])
        return keys

    def scored_passages(self, retrieval: Retrieval, max_units: int) -> list[ScoredPassage]:
        """Every non-title sentence of the top ``max_units`` hits with its score, best first."""
        keys = self.query_keys(retrieval.question, retrieval.expansions)
        out: list[ScoredPassage] = []
        floor = min(retrieval.passage_scores.values(), default=0.0)
        for rank, hit in enumerate(retrieval.hits[:max_units]):
            for pid, passage in self.passages_of(hit.unit_idx):
                text = normalize(hit.unit.context + passage.text)   # the headings above it count (not quoted)
                overlap = sum(1 for k in keys if k in text) / len(keys) if keys else 0.0
                dense = retrieval.passage_scores.get(pid, floor)
                score = self.sentence_score(dense, overlap, hit.score)
                if is_title_sentence(hit.unit, passage):
                    continue                        # a title never takes an answer slot
                out.append(ScoredPassage(pid, passage, rank, score))
        return sorted(out, key=lambda sp: -sp.score)

    def sentence_score(self, dense: float, overlap: float, unit_score: float = 0.0) -> float:
        """A sentence's score: its dense cosine rescaled from e5's narrow band (~0.80–0.92), its bigram
        overlap with the question and its unit's fused score, weighted by AnswerSettings."""
        s, band = self.settings, self.band
        return (s.dense_weight * max(0.0, (dense - band.dense_floor) / band.dense_span) + s.overlap_weight * overlap
                + s.unit_weight * unit_score)

    def passages_of(self, unit_idx: int) -> list[tuple[int, Passage]]:
        """(passage id, Passage) pairs of one unit in text order; [] for a unit without passages."""
        return self._by_unit.get(unit_idx, [])

    def pick(self, retrieval: Retrieval, max_units: int, max_sentences: int, per_unit: int) -> list[ScoredPassage]:
        """The best sentences: at most per_unit per unit, none far below the best one."""
        chosen: list[ScoredPassage] = []
        per: dict[int, int] = {}
        scored = self.scored_passages(retrieval, max_units)
        floor = scored[0].score * self.settings.min_ratio if scored else 0.0
        for sp in scored:
            if sp.score < floor:
                break
            if per.get(sp.passage.unit, 0) >= per_unit:
                continue
            chosen.append(sp)
            per[sp.passage.unit] = per.get(sp.passage.unit, 0) + 1
            if len(chosen) >= max_sentences:
                break
        return chosen

    def units_in_play(self, retrieval: Retrieval, limit: int) -> int:
        """How many top units carry the answer: those close to the best fused score."""
        hits = retrieval.hits
        if not hits:
            return 0
        top = hits[0].score
        return max(1, sum(1 for h in hits[:limit] if h.score >= top - self.settings.unit_gap))

    # ---- answer shapes --------------------------------------------------------------------
    def general(self, retrieval: Retrieval) -> Draft:
        """The default answer: 建议在第7条（…）中提出： then the best sentences, each cited; an empty
        Draft (route "general") when no sentence qualifies."""
        n_units = self.units_in_play(retrieval, limit=self.settings.general_units)
        chosen = self.pick(retrieval, n_units, self.settings.max_sentences, self.settings.per_unit)
        if not chosen:
            return Draft("", [], route="general")
        units = [self.index.units[u] for u in dict.fromkeys(sp.passage.unit for sp in chosen)]
        where = "、".join(heading(u) for u in units)
        lines = [f"{'建议' if not any(u.doc_label for u in units) else ''}在{where}中提出："]
        return self._points(lines, chosen, route="general")

    def listing(self, retrieval: Retrieval) -> Draft:
        """A list answer: sentences grouped under their unit's heading in retrieval rank order;
        an empty Draft (route "list") when no sentence qualifies."""
        n_units = self.units_in_play(retrieval, limit=self.settings.list_units)
        chosen = self.pick(retrieval, n_units, self.settings.max_list_sentences, self.settings.per_unit)
        if not chosen:
            return Draft("", [], route="list")
        lines = ["建议中的相关内容如下（按条文列出）："]
        by_rank: dict[int, list[ScoredPassage]] = {}
        for sp in chosen:
            by_rank.setdefault(sp.unit_rank, []).append(sp)
        cited = []
        for rank in sorted(by_rank):
            group = sorted(by_rank[rank], key=lambda sp: sp.passage.start)
            unit = self.index.units[group[0].passage.unit]
            lines.append(f"{heading(unit)}：")
            for sp in group:
                lines.append(f"- {sp.passage.text}{marker(unit)}")
            cited.append(unit)
        return Draft("\n".join(lines), cited, route="list")

    def locate(self, retrieval: Retrieval) -> Draft:
        """Where a topic is treated: the units (with each article's own title sentence), then the
        best sentences."""
        n_units = self.units_in_play(retrieval, limit=self.settings.general_units)
        units = [h.unit for h in retrieval.hits[:n_units]]
        where = "、".join(heading(u) for u in units)
        chosen = self.pick(retrieval, n_units, self.settings.locate_sentences, self.settings.locate_per_unit)
        lines = [f"相关内容主要在{where}。"]
        for hit in retrieval.hits[:n_units]:
            title = next((p for _, p in self.passages_of(hit.unit_idx) if is_title_sentence(hit.unit, p)), None)
            if title is not None:
                lines.append(f"- {title.text}{marker(hit.unit)}")
        return self._points(lines, chosen, route="locate")

    def mentions(self, term: str, units: list[tuple[Unit, list[str]]]) -> Draft:
        """Where ``term`` is mentioned: each unit's heading with its given sentences, cited."""
        lines = [f"建议中提到“{term}”的条文如下："]
        for unit, sentences in units:
            lines.append(f"{heading(unit)}：")
            lines.extend(f"- {sentence}{marker(unit)}" for sentence in sentences)
        return Draft("\n".join(lines), [unit for unit, _ in units], route="mentions")

    def _points(self, lines: list[str], chosen: list[ScoredPassage], route: str) -> Draft:
        """Best sentences first, grouped by unit (units in order of their best sentence)."""
        unit_order = {}
        for sp in chosen:                              # chosen is best-first
            unit_order.setdefault(sp.passage.unit, len(unit_order))
        ordered = sorted(chosen, key=lambda sp: (unit_order[sp.passage.unit], sp.passage.start))
        for sp in ordered:
            lines.append(f"- {sp.passage.text}{marker(self.index.units[sp.passage.unit])}")
        return Draft("\n".join(lines), [self.index.units[u] for u in unit_order], route=route)
