"""Answer shapes beyond quoting: count, compare, list-all, yes/no and explain-a-term.

Each works on the retrieved evidence and states no number the evidence does not back:
- count: the plan's own count next to the topic (四次, 6大机遇), or the items of the
  enumeration (、-list) that names the topic, counted and listed;
- compare: one cited figure per part, then which is higher — only restating cited figures;
- list-all: every sentence-item of the articles that answer, with a count and a pointer when cut;
- yes/no: a lead that the plan has the matter, then the sentences;
- explain: the plan's defining words for a term, or "原文未展开" with where it appears.
"""
from __future__ import annotations

import re

import jieba
import jieba.posseg

from chat.answer import Derived
from chat.compose.enumerations import (
    enumerations,
    full_sentence,
    full_sentences,
    near_share,
    quoted_runs,
    text_after,
)
from chat.compose.extractive import (
    Draft,
    ExtractiveComposer,
    heading,
    is_title_sentence,
    marker,
)
from chat.compose.figures import FigureAnswerer, row_period
from chat.compose.mentions import find_mentions
from chat.retrieval.retrieve import Retrieval
from chat.understanding.query import Period, Query
from chat.understanding.understand import is_nominal
from config import AnswerSettings
from ingest.glossary import GlossaryEntry, lookup
from ingest.index import KnowledgeIndex
from ingest.lexical import bigrams
from ingest.targets import Target
from ingest.text.normalize import normalize
from ingest.text.numerals import CN_NUMERALS, numeral_value
from ingest.units import Unit

GRADE_RE = r"(?:\d+|[一二三四五六七八九十两]+|[ⅰ-ⅻⅠ-Ⅻ]+|i{1,3}|iv|vi{0,3})"
ONLY_ONE_RE = re.compile(r"(唯一)的?()")          # 唯一的三甲医院: the plan states one (group 2: no measure word)
STATED_COUNT_RE = re.compile(rf"(?<![\d.])(\d{{1,2}}|[{CN_NUMERALS}两]{{1,3}})(个|大|项|次|条|张|篇|座|所|类|批|种|处|支|轮|届)")
MEASURE_RE = re.compile(r"(?:几|多少)(个|项|所|家|条|次|座|大|种|类|名|位|批|处|张|支|场|届|轮|件)")
DEFINE_RE = re.compile(r"(?:即|就是|是指|指的是|包括|主要是|分别是|：|:)")
SIMPLE_NUMBERED_RE = re.compile(rf"[{CN_NUMERALS}两]{{1,2}}[大个张篇项条类种场支批件][^{CN_NUMERALS}两\d]{{1,7}}")
COMMON_CHARS = set("大个项张篇条种类件方面")    # too common in items to tie them to a numbered phrase


class ShapeComposer:
    """Composes count, compare, list-all, yes/no and explain answers from retrieved evidence."""

    def __init__(self, index: KnowledgeIndex, composer: ExtractiveComposer, figures: FigureAnswerer,
                 settings: AnswerSettings, glossary: list[GlossaryEntry]):
        self.index = index
        self.composer = composer
        self.figures = figures
        self.settings = settings
        self.glossary = glossary        # the one source of the plan's definitions of its 提法

    # ---- count ------------------------------------------------------------------------------
    @staticmethod
    def count_units(query: Query) -> tuple[str, ...]:
        """Units of the targets table that state a count of what is asked (几家 → 家)."""
        measure = MEASURE_RE.search(normalize(query.text))
        word = measure.group(1) if measure else "个"
        return (word,) if word not in ("大", "种", "类") else ()

    def count(self, query: Query, retrieval: Retrieval) -> Draft | None:
        """The plan's own count, or the counted items of the enumeration that names the topic: a
        、-list, a run of quoted items (“夜味”“夜赏”…), the "——" lines of an article, or the distinct
        terms of the top unit ending in the topic's head noun (碧水/蓝天/净土保卫战); None when none."""
        keys = [normalize(w) for w in query.topic]
        measure = MEASURE_RE.search(normalize(query.text))
        word = measure.group(1) if measure else "个"
        head = next((k for k in reversed(keys) if k != word and is_nominal(k)), "")   # what is counted: 产业园, 镇
        best: tuple[float, Unit, str, object] | None = None
        seen: set[tuple[int, str]] = set()
        for sp in self.composer.scored_passages(retrieval, max_units=3)[:10]:
            unit = self.index.units[sp.passage.unit]
            text = full_sentence(unit, sp.passage.start)          # a list may run past a passage's end
            if (sp.passage.unit, text) in seen:
                continue
            seen.add((sp.passage.unit, text))
            for start, end, items in enumerations(text) + quoted_runs(text):
                hit = near_share(keys, normalize(text[max(0, start - 12): end + 12]))
                score = sp.score + hit + 0.05 * len(items)
                if hit > 0 and self._lists_the_head(head, keys, normalize(text[max(0, start - 10): end + 8])) and (
                        best is None or score > best[0]):
                    best = (score, unit, text, items)
            for m in ONLY_ONE_RE.finditer(text):         # 唯一的三甲医院: a count the plan states, not the list
                if any(len(k) >= 2 and k in normalize(text[m.end(): m.end() + 8]) for k in keys) and (
                        best is None or sp.score + 1.5 > best[0]):     # beats a list read from it
                    best = (sp.score + 1.5, unit, text, m)
            for m in STATED_COUNT_RE.finditer(text):
                if m.group(2) != word and not (word == "个" and m.group(2) == "大"):
                    continue
                counted = normalize(text[m.end(): m.end() + 6])          # 四次亲临黔江调研: what is counted
                if not any(len(k) >= 2 and k in counted for k in keys):
                    continue                                               # 6大机遇 is no count of 战略定位
                hit = near_share(keys, normalize(text[max(0, m.start() - 12): m.end() + 12]))
                n = numeral_value(m.group(1))
                if n and hit > 0 and (best is None or sp.score + hit + 0.5 > best[0]):
                    best = (sp.score + hit + 0.5, unit, text, m)
        question_grams = set(bigrams(normalize(query.text)))
        for rank, hit in enumerate(retrieval.hits[:3]):
            dashes = [line[2:].split("。")[0] for line in hit.unit.text.split("\n") if line.startswith("——")]
            if len(dashes) >= 2:                                  # "——经济区域首位度更稳。" lines
                quoted = re.findall(r"“([^”]{1,8})”", query.text)
                hit_q = sum(any(q in d for d in dashes) for q in quoted) / max(1, len(quoted))
                score = hit.score + hit_q + (0.5 if quoted and hit_q else 0.0) + (
                    1.5 if head and len(head) >= 2 and head in normalize(hit.unit.title) else 0.0)   # 战略定位: the list
                title_overlap = len(question_grams & set(bigrams(normalize(hit.unit.title))))
                on_topic = hit_q > 0 or title_overlap >= 3 or any(len(k) >= 2 and k in normalize(hit.unit.title)
                                                                 for k in keys)
                if (best is None or score > best[0]) and on_topic:
                    best = (score, hit.unit, "\n".join(f"——{d}。" for d in dashes), dashes)
            heads = [k for k in keys if len(k) >= 2]
            rare = bool(heads) and sum(heads[-1] in normalize(u.text) for u in self.index.units) <= 3
            if rank == 0 and heads and rare:                      # 碧水保卫战、蓝天保卫战、净土保卫战
                head = heads[-1]
                starts = {start for _, start, _ in jieba.tokenize(hit.unit.text)}   # a term begins a word:
                terms = list(dict.fromkeys(                                         # not 现各片区 (实现各片区)
                    m.group(0) for m in re.finditer(rf"[\u4e00-\u9fff]{{2}}{re.escape(head)}", hit.unit.text)
                    if m.start() in starts))
                terms = [t for t in terms if not any(t.startswith(x) for x in ("打好", "打赢", "实施", "推进", "加强"))]
                if "".join(heads) in terms:              # 三甲医院 asked, 民族医院/三级医院/三甲医院 found: siblings
                    terms = []                           # of what is counted, not instances of it
                if len(terms) >= 2 and (best is None or hit.score + 0.5 > best[0]):
                    sentences = [s for s in full_sentences(hit.unit) if any(t in s for t in terms)]
                    best = (hit.score + 0.5, hit.unit, "\n".join(sentences), terms)
        if best is None:
            return None
        _, unit, sentence, found = best
        if isinstance(found, list):
            lead = f"共{len(found)}{word}：{'、'.join(found)}{marker(unit)}"
            derived = Derived(lead.replace(marker(unit), ""), "items", str(len(found)), tuple(found))
        else:
            n = numeral_value(found.group(1))
            lead = f"共{n}{found.group(2) or word}（原文：“{found.group(0)}{text_after(sentence, found)}”）{marker(unit)}"
            derived = Derived(lead.replace(marker(unit), ""), "numeral", str(n), (found.group(0),))
        text = "\n".join([lead, "原文："] + [f"- {line}{marker(unit)}" for line in sentence.split("\n")])
        return Draft(text, [unit], route="count", derived=[derived])

    def _lists_the_head(self, head: str, keys: list[str], around: str) -> bool:
        """Whether a list (with the words just before and after it: ``around``) lists what is counted: the
        topic's head noun is there ("…、太极等重点镇", "…20万吨肉类屠宰加工全产业链"), or two of its words are
        (对口协作, 帮扶 for 对口协作的帮扶单位), or one when the documents never use the head (花样: everyday
        words). Not "城区、重点乡镇、产业园区5G全覆盖" for 5G基站, nor "肉制品加工、鲜菜火锅食材…" for 百亿级产业园."""
        if head and head in around:
            return True
        named = sum(len(k) >= 2 and k in around for k in keys)
        return named >= 2 or (named == 1 and not (head and self.figures.stats.df(head) > 0))

    def stated_quantity(self, query: Query, retrieval: Retrieval) -> Draft | None:
        """A retrieved sentence stating a quantity in the asked measure next to the topic (Ⅱ类, 3所)."""
        measure = MEASURE_RE.search(normalize(query.text))
        if not measure:
            return None
        pattern = re.compile(GRADE_RE + re.escape(measure.group(1)))
        keys = [normalize(w) for w in query.topic if len(w) >= 2]
        for sp in self.composer.scored_passages(retrieval, max_units=3):   # every sentence: a grade beside the
            text = normalize(sp.passage.text)                               # topic is rare and specific
            for m in pattern.finditer(text):
                near = text[max(0, m.start() - 16): m.end() + 8]
                if any(k in near for k in keys):
                    unit = self.index.units[sp.passage.unit]
                    return Draft(f"{sp.passage.text}{marker(unit)}", [unit], route="figure-sentence")
        return None

    # ---- compare ----------------------------------------------------------------------------
    def compare(self, parts: list[tuple[Query, Retrieval]], doc_id: str | None) -> Draft:
        """One cited figure per part; then which is higher when they share a unit of measure."""
        rows: list[Target] = []
        lines: list[str] = []
        units: list[Unit] = []
        periods = parts[0][0].periods if parts else frozenset()
        for part, retrieval in parts:
            candidates = [r for r in self.figures.candidates(part, retrieval, doc_id)
                          if r.score >= self.figures.settings.match_min and r.row not in rows]
            if len(periods) >= 2:                      # "从2025年到2030年…": each part in each period
                for period in sorted(periods, key=list(Period).index):
                    best = next((r.row for r in candidates if row_period(r.row) is period), None)
                    if best is not None:
                        rows.append(best)
            elif candidates:
                rows.append(candidates[0].row)
        if len(rows) < 2:
            return Draft("", [], route="compare")
        derived = []
        values = [_value(r) for r in rows]
        if len(rows) == 2 and all(v is not None for v in values) and len({r.unit for r in rows}) == 1:
            a, b = rows[0], rows[1]
            relation = "高于" if values[0] > values[1] else "低于" if values[0] < values[1] else "等于"
            lead = f"{a.indicator}{a.figure}，{relation}{b.indicator}{b.figure}。"
            derived.append(Derived(lead, "compare", relation, (a.figure, b.figure)))
            cited = "".join(dict.fromkeys(marker(self.figures.unit_of(r)) for r in (a, b)))
            lines.append(lead + cited)
        lines.append("原文：")
        for row in rows:
            unit = self.figures.unit_of(row)
            lines.append(f"- {self.figures.lead(row)}{marker(unit)}")
            units.append(unit)
        for sentence, unit in dict.fromkeys((r.sentence, self.figures.unit_of(r)) for r in rows):
            lines.append(f"- {sentence}{marker(unit)}")
        return Draft("\n".join(lines), units, route="compare", derived=derived)

    # ---- list every item --------------------------------------------------------------------
    def list_all(self, retrieval: Retrieval) -> Draft:
        """Every item of the units that answer, grouped by unit, with "共N项" and a pointer when cut."""
        n_units = self.composer.units_in_play(retrieval, limit=3)
        units = [h.unit for h in retrieval.hits[:n_units] if h.unit.kind != "header"]
        groups: list[tuple[Unit, list[str]]] = []
        for hit in retrieval.hits[:n_units]:
            items = [p.text for _, p in self.composer.passages_of(hit.unit_idx)
                     if not is_title_sentence(hit.unit, p)]
            groups.append((hit.unit, items))
        total = sum(len(items) for _, items in groups)
        limit = self.settings.max_list_all_items
        shown: list[str] = []
        lines: list[str] = []
        for unit, items in groups:
            room = limit - len(shown)
            if room <= 0:
                break
            lines.append(f"{heading(unit)}：")
            for item in items[:room]:
                lines.append(f"- {item}{marker(unit)}")
                shown.append(item)
        lead = f"共{len(shown)}项（按条文列出）："
        out = [lead] + lines
        if len(shown) < total:
            out.append(f"以上未列全；可问“{units[-1].label}讲了什么”查看全文。")
        return Draft("\n".join(out), units, route="list",
                     derived=[Derived(lead, "items", str(len(shown)), tuple(shown))])

    # ---- yes / no ---------------------------------------------------------------------------
    def yesno(self, retrieval: Retrieval, covered: bool) -> Draft:
        """The best sentences, led by "有。" only when they cover the question's whole topic."""
        draft = self.composer.general(retrieval)
        if draft.text and covered:
            draft.text = "有。\n" + draft.text
        draft.route = "yesno"
        return draft

    # ---- explain a term -----------------------------------------------------------------------
    def explain(self, query: Query, retrieval: Retrieval, doc_id: str | None) -> Draft | None:
        """The sentences where the term appears, the defining words first; None if it appears nowhere."""
        term = query.term
        if not term:
            return None
        entry = lookup([e for e in self.glossary if doc_id is None or e.doc_id == doc_id], term)
        if entry is not None:
            return self._from_glossary(entry)
        numbered = self._numbered(term, retrieval)
        if numbered is not None:
            return numbered
        found = find_mentions(self.index, term, doc_id)
        if not found:
            return None
        defining: list[tuple[Unit, str]] = []
        others: list[tuple[Unit, str]] = []
        numeral = re.match(rf"^[{CN_NUMERALS}两]", term)
        for unit, sentences in found:
            for sentence in sentences:
                after = sentence[sentence.find(term) + len(term):] if term in sentence else ""
                counted = numeral and any(len(items) == numeral_value(term[0].replace("两", "二"))
                                          for _, _, items in enumerations(sentence) + quoted_runs(sentence))
                if DEFINE_RE.match(after.lstrip("”\"")) or after.lstrip("”\"").startswith(("（", "(")) or counted:
                    defining.append((unit, sentence))
                else:
                    others.append((unit, sentence))
        # a single numbered phrase (五大支撑) or a number code (33618) the plan only names: what was
        # asked is not there; a compound formulation (一主两副五片区) is shown where the plan uses it
        unexpanded = not defining and bool(SIMPLE_NUMBERED_RE.fullmatch(term) or re.fullmatch(r"\d{3,}", term))
        lines = [f"原文未展开“{term}”的具体含义，它出现在：" if unexpanded else f"建议对“{term}”的表述："]
        lines += [f"- {s}{marker(u)}" for u, s in defining[:3]]
        lines += [f"- {s}{marker(u)}" for u, s in others[: max(0, 4 - len(lines))]]
        units = list({id(u): u for u, _ in defining + others}.values())
        return Draft("\n".join(lines), units, refused=unexpanded, route="unexpanded" if unexpanded else "explain")

    def _from_glossary(self, entry: GlossaryEntry) -> Draft:
        """A 提法 of the glossary: the plan's own expansion first, then where else it appears; when the
        plan only names it, "原文未展开" and where it appears (refused only for a bare number code or a
        single numbered phrase, as the plan then leaves what was asked unsaid)."""
        units = [self.index.unit(ref, entry.doc_id) for ref in entry.refs]
        mentions = [(u, s) for u in units for s in full_sentences(u) if entry.term in s]
        defining = [(u, s) for u, s in mentions if entry.definition is not None and s in entry.definition]
        others = [m for m in mentions if m not in defining]
        unexpanded = entry.definition is None
        lines = [f"原文未展开“{entry.term}”的具体含义，它出现在：" if unexpanded else f"建议对“{entry.term}”的表述："]
        lines += [f"- {s}{marker(u)}" for u, s in (defining + others)[:4]]
        refused = unexpanded and bool(SIMPLE_NUMBERED_RE.fullmatch(entry.term) or re.fullmatch(r"\d{3,}", entry.term))
        shown = list({id(u): u for u, _ in (defining + others)[:4]}.values())
        return Draft("\n".join(lines), shown, refused=refused, route="unexpanded" if unexpanded else "explain")

    def _numbered(self, term: str, retrieval: Retrieval) -> Draft | None:
        """A numbered phrase (五大, 四篇大文章, 三张名片) defined by an enumeration of that many items
        in the retrieved units, its items sharing a character with the phrase's rest."""
        match = re.match(rf"^([{CN_NUMERALS}两]{{1,2}})(.+)$", term)
        if not match:
            return None
        n, rest = numeral_value(match.group(1)), set(match.group(2)) - COMMON_CHARS
        best = None
        for hit in retrieval.hits[:5]:
            for sentence in full_sentences(hit.unit):
                for start, end, items in enumerations(sentence) + quoted_runs(sentence):
                    if len(items) != n:
                        continue
                    shared = sum(1 for i in items if set(i) & rest) / n
                    near = term in sentence
                    score = shared + (1.0 if near else 0.0)
                    if rest and (shared >= 0.8 or near) and (best is None or score > best[0]):
                        best = (score, hit.unit, sentence, items)
        if best is None:
            return None
        _, unit, sentence, items = best
        lead = f"建议对“{term}”的表述：" if term in sentence else f"与“{term}”对应的{n}项是："
        lines = [lead, f"- {sentence}{marker(unit)}"]
        return Draft("\n".join(lines), [unit], route="explain")


def _value(row: Target) -> float | None:
    try:
        return float(row.value)
    except ValueError:
        return None
