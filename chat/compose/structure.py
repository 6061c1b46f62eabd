"""Answers about the document itself: its parts, articles and header, from the parsed structure.

"建议的第十二部分是关于什么的？" → the part's heading, its intro and its article range;
"这份建议一共有多少条？" → 13 parts, 54 articles; "这份建议是哪天通过的？" → the header 〔题注〕.
Every number these answers state that no unit states (54, 第46—50条) is recorded as a
``Derived`` structure fact and re-checked by verification against ``structure_facts``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chat.answer import Derived
from chat.compose.extractive import Draft, heading, marker
from chat.understanding.query import Query, StructKind, StructRef
from ingest.index import KnowledgeIndex
from ingest.text.normalize import normalize
from ingest.text.numerals import cn_number
from ingest.text.refs import ref_label
from ingest.units import Unit

HEADING_NUMBER_RE = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class PartInfo:
    """One part of a document: its number, heading line, intro unit (if any) and articles."""

    number: int
    heading: str
    intro: Unit | None
    articles: tuple[Unit, ...]

    @property
    def title(self) -> str:
        """The heading without its Chinese number: 三、培育发展新质生产力… -> 培育发展新质生产力…."""
        return HEADING_NUMBER_RE.sub("", self.heading)


def document_parts(index: KnowledgeIndex, doc_id: str | None = None) -> list[PartInfo]:
    """The parts of a document (default: the primary one) in order."""
    doc = doc_id or index.documents[0].doc_id
    parts: dict[int, dict] = {}
    for unit in index.units:
        if unit.doc_id != doc or unit.kind not in ("intro", "article") or unit.part_no <= 0:
            continue
        entry = parts.setdefault(unit.part_no, {"heading": unit.part_heading, "intro": None, "articles": []})
        if unit.kind == "intro":
            entry["intro"] = unit
        else:
            entry["articles"].append(unit)
    return [PartInfo(n, e["heading"], e["intro"], tuple(e["articles"])) for n, e in sorted(parts.items())]


def structure_facts(index: KnowledgeIndex) -> set[str]:
    """Every checkable fact of every document's structure, as "doc:key=value" strings."""
    facts: set[str] = set()
    for doc in index.documents:
        parts = document_parts(index, doc.doc_id)
        articles = [u for u in index.units if u.doc_id == doc.doc_id and u.kind == "article"]
        facts |= {f"{doc.doc_id}:articles={len(articles)}", f"{doc.doc_id}:parts={len(parts)}"}
        for p in parts:
            key = f"{doc.doc_id}:part{p.number}"
            facts.add(f"{key}.heading={p.title}")
            if p.articles:
                facts |= {f"{key}.first={p.articles[0].ref}", f"{key}.last={p.articles[-1].ref}",
                          f"{key}.count={len(p.articles)}"}
    return facts


def _span(p: PartInfo) -> str:
    if not p.articles:
        return "导语"
    first, last = p.articles[0].ref, p.articles[-1].ref
    rng = f"第{first}条" if first == last else f"第{first}—{last}条"
    return ("导语和" if p.intro else "") + rng


def _part_facts(doc_id: str, p: PartInfo) -> tuple[str, ...]:
    key = f"{doc_id}:part{p.number}"
    facts = [f"{key}.heading={p.title}"]
    if p.articles:
        facts += [f"{key}.first={p.articles[0].ref}", f"{key}.last={p.articles[-1].ref}",
                  f"{key}.count={len(p.articles)}"]
    return tuple(facts)


class StructureComposer:
    """Parts, whole-document counts and the header, each line checkable against the structure."""

    def __init__(self, index: KnowledgeIndex):
        self.index = index
        # the labels a question may name, normalised once (none for the proposal: its refs spell them)
        self._labels = [(normalize(u.numbering), u) for u in index.units if len(u.numbering) >= 3]
        self._short_titles = [(normalize(d.short_title), d.doc_id) for d in index.documents]

    def _doc(self, doc_id: str | None) -> str:
        return doc_id or self.index.documents[0].doc_id

    def part(self, number: int, doc_id: str | None) -> Draft:
        """第N部分: heading, intro and article range, then the intro's opening and each article's title."""
        doc = self._doc(doc_id)
        parts = document_parts(self.index, doc)
        if number < 0 and len(parts) >= -number:         # 最后一部分 (-1), 倒数第二部分 (-2)
            number = parts[number].number
        found = next((p for p in parts if p.number == number), None)
        if found is None:
            sentence = f"建议共{len(parts)}个部分，没有{'倒数' if number < 0 else ''}第{cn_number(abs(number))}部分。"
            return Draft(sentence, [], refused=True, route="structure",
                         derived=[Derived(sentence, "structure", str(len(parts)), facts=(f"{doc}:parts={len(parts)}",))])
        count = f"（共{len(found.articles)}条）" if len(found.articles) > 1 else ""
        lead = f"第{cn_number(number)}部分的标题是“{found.title}”，包括{_span(found)}{count}。"
        lines, units = [lead], []
        derived = [Derived(lead, "structure", str(len(found.articles)), facts=_part_facts(doc, found))]
        if found.intro is not None:
            first = re.split(r"(?<=[。！？])", found.intro.text, maxsplit=1)[0]
            lines.append(f"导语：{first}{marker(found.intro)}")
            units.append(found.intro)
        lines.append("各条标题：")
        for unit in found.articles:
            title_sentence = re.split(r"(?<=[。！？])", unit.text, maxsplit=1)[0]
            lines.append(f"- {title_sentence}{marker(unit)}")
            units.append(unit)
        return Draft("\n".join(lines), units, route="structure", derived=derived)

    def document(self, doc_id: str | None) -> Draft:
        """一共多少条 / 几个部分: the counts, and each part's heading with its articles."""
        doc = self._doc(doc_id)
        parts = document_parts(self.index, doc)
        n_articles = sum(len(p.articles) for p in parts)
        lead = f"建议除题注、序言和结束语外，共分{len(parts)}个部分、{n_articles}条。"
        derived = [Derived(lead, "structure", str(n_articles),
                           facts=(f"{doc}:parts={len(parts)}", f"{doc}:articles={n_articles}"))]
        lines = [lead, "各部分如下："]
        for p in parts:
            line = f"- {p.heading}（{_span(p)}）"
            lines.append(line)
            derived.append(Derived(line.lstrip("- "), "structure", str(len(p.articles)), facts=_part_facts(doc, p)))
        last = [p.articles[-1] for p in parts if p.articles][-1:]    # the count is read off the last article
        return Draft("\n".join(lines), last, route="structure", derived=derived)

    def part_of(self, unit: Unit) -> Draft | None:
        """"讲文化旅游的是第几部分？": the part that holds ``unit``, as ``part`` answers it."""
        if unit.kind not in ("article", "intro") or unit.part_no <= 0:
            return None
        return self.part(unit.part_no, unit.doc_id)

    def header(self, doc_id: str | None) -> Draft:
        """The title and the adoption line, quoted from the header unit 〔题注〕."""
        unit = self.index.unit("H", self._doc(doc_id))
        if unit is None:
            return Draft("建议原文未载明标题和通过日期。", [], refused=True, route="metadata")
        lines = [line.strip() for line in unit.text.split("\n") if line.strip()]
        adoption = next((line for line in lines if line.startswith(("(", "（"))), None)
        title = lines[0]
        out = []
        if adoption:
            out.append(f"{adoption.strip('()（）')}。{marker(unit)}")
        out.append(f"标题：{title}{marker(unit)}")
        return Draft("\n".join(out), [unit], route="metadata")

    def counted_article(self, struct: StructRef, doc_id: str | None) -> Unit | None:
        """The article a counted reference names: the N-th from the end (number -N) of the document (default:
        the primary one) or of part ``struct.part``, or the N-th within that part; None when there is none."""
        doc = self._doc(doc_id)
        if struct.part:
            part = next((p for p in document_parts(self.index, doc) if p.number == struct.part), None)
            articles = list(part.articles) if part else []
        else:
            articles = [u for u in self.index.units if u.doc_id == doc and u.kind == "article"]
        n = struct.number
        index = n - 1 if n > 0 else len(articles) + n
        return articles[index] if 0 <= index < len(articles) else None

    def lookup(self, query: Query, doc_id: str | None) -> Draft | None:
        """The unit a structural reference names (第N条, 第N部分导语, 序言, 结束语), None if it has none."""
        struct = query.struct
        if struct is None:
            return None
        doc = self._doc(doc_id)
        if struct.kind is StructKind.PART:
            return self.part(struct.number, doc)
        if struct.kind is StructKind.DOCUMENT:
            return self.document(doc)
        number = struct.number
        if struct.kind is StructKind.ARTICLE and (number < 0 or struct.part):   # 倒数第N条, 第X部分的第N条
            unit = self.counted_article(struct, doc)
            if unit is None:
                where = f"第{cn_number(struct.part)}部分" if struct.part else "建议"
                return Draft(f"{where}没有{'倒数' if number < 0 else ''}第{cn_number(abs(number))}条。", [],
                             refused=True, route="structure")
            return article_draft(unit)
        ref = {StructKind.ARTICLE: str(number), StructKind.INTRO: f"P{struct.number}",
               StructKind.PREAMBLE: "P0", StructKind.CLOSING: "END"}[struct.kind]
        unit = self.index.unit(ref, doc)
        if unit is None:
            if struct.kind is StructKind.INTRO and 0 < struct.number:
                return self.part(struct.number, doc)
            meta = next(d for d in self.index.documents if d.doc_id == doc)
            where = "建议" if meta.primary else f"《{meta.short_title}》"
            return Draft(f"{where}中没有{ref_label(ref)}。", [], refused=True, route="structure")
        return article_draft(unit)

    def labelled(self, text: str, doc_id: str | None) -> Unit | None:
        """The unit of another layout whose own label the question names (第三章第二节, 二（三）1): the
        longest label named, in ``doc_id`` or else in the first document (index order) that has it. Labels
        under three characters (一, 二（一）is not) are too short to tell from running text."""
        if not self._labels:
            return None
        text = normalize(text)
        if doc_id is None:                      # a document named without 《》 (纲要甲里第三章…) scopes the label
            named = [d for name, d in self._short_titles if name in text]
            doc_id = named[0] if len(named) == 1 else None
        found = [u for label, u in self._labels if (doc_id is None or u.doc_id == doc_id) and label in text]
        return max(found, key=lambda u: len(u.numbering), default=None)


def article_draft(unit: Unit) -> Draft:
    """A unit verbatim, paragraph by paragraph, each with its marker."""
    paragraphs = [p for p in unit.text.split("\n") if p.strip()]
    lines = [f"{heading(unit)}原文如下："] + [f"{p}{marker(unit)}" for p in paragraphs]
    return Draft("\n".join(lines), [unit], route="article")
