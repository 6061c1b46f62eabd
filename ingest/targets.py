"""The targets table: every quantitative statement of the plan, as structured rows.

Built at ingest from the parsed units, used to answer figure questions exactly
("2030年城市人口目标是多少？" -> 城市人口 突破33万人, goal 2030, 第7条).

Rules (all deterministic, documented here because a cadre reads the table):
What counts as a figure
  * An Arabic number followed by a unit from ``UNITS`` (万人, 亿元, 万元, %, 平方公里, 天, 个, 家, 万吨,
    万头, 万羽, 小时, 周年, 年, 亿 …), optionally with 余/多 between number and unit (300余万人) and a bound
    after it (以上/以下/以内/左右, kept in ``figure``: "65%以上").
  * A ratio ``a:b[:c…]`` (2.1:1, 13.1:35.2:51.7); unit "".
  * Chinese magnitudes that express targets: 百亿级/千亿级/万亿级, 双倍增, 翻一番/翻两番; and a Chinese-numeral
    term after 延长 (再延长三十年), the only Chinese-numeral duration that is a quantity in this plan.
Skipped, on purpose
  * Anything inside “…” or 《…》: quoted text is a name or slogan (“1312”, “416”, “885”, “141”, “33618”,
    “15分钟高品质生活服务圈”, “2.5天微度假”, “1小时武陵山旅游圈”, “十年禁渔”, “九个零发生”), except 双倍增,
    which the plan writes in quotes (“双倍增”行动) but is a target.
  * Years used as dates (a 1900–2100 number before 年: 2025年, 2030年) — they set ``year`` instead.
  * Numbers glued to Latin letters (5G, 6G, 5A级, T2), ordinals (第N), article numbers (7.), and numbers
    without a unit (319国道).
  * Counted labels in Chinese numerals (五大支撑, 七大专班, 四个意识, 三年行动, 九连冠) and "6大机遇": names of
    programmes, not measurements.

Indicator (what is measured)
  The words before the figure in its clause (clauses end at ，,；;。！？ and new lines, never inside quotes or
  brackets), starting after the previous figure of the same clause. Leading framing words are removed
  (到2030年, 2025年(预计,下同), 着眼, 加快, 建成, 打造, 培育, 实施, 融入, 接续, 累计实现 …), and the trailing
  verb that links indicator and figure (达到, 实现, 突破, 增加到, 提升至, 缩小至, 稳定在, 保持, 超, 由, 调整为 …)
  becomes the ``qualifier``. Then:
  * nothing left and the figure is followed by a noun ("20万吨再生铝产能", "百亿级鲜菜火锅食材产业园"): the
    noun after the figure is the indicator (…全产业链 dropped; "100亿产值烟厂易地技改" -> 烟厂易地技改产值);
  * nothing left otherwise ("…由13.1:35.2:51.7调整为9.5:35:55.5"): the previous figure's indicator;
  * only a rate word left ("、年均增长13%"): previous figure's indicator + the rate word (规上工业总产值年均增长);
  * words before *and* a noun after ("武陵山区3小时旅游通勤区"): both (武陵山区旅游通勤区), unless the word
    after is not a noun of the figure (跨越, 行动, 目标, 试点);
  * "连续N年 …" (a streak): the subject before 连续 plus the predicate after the figure
    (蚕茧产量连续15年全市第一 -> 蚕茧产量全市第一, unit 年, qualifier 连续);
  * 累计 / 年均 that frame a level are kept as a note: 城镇新增就业(累计), 城区空气质量优良天数(年均).
Qualifier
  The bound after the figure (以上/以下/以内/左右) if any, else 余/多, else the linking verb, else "连续"
  for a streak, else "". Always words of the text.
Year
  The nearest time mention *before the figure in the same unit*: a date year (2025年 -> "2025", 到2030年 ->
  "2030", 二〇三五年 -> "2035") or a period (“十四五” / “十五五”). Article 1 says "2025年(预计,下同)", so its
  figures after that mention are 2025 (estimated) values. Without a mention: "十五五" in parts 2–13 (the
  whole proposal is the 十五五 plan), "" in the preamble. Two refinements:
  * a figure framed by 年均/累计 in a result context is a whole-period figure: year "十四五";
  * "由X调整为Y": X is the starting value of the period, not a 2025 value: year "" (Y keeps 2025);
    X's row reads as the whole change (``Target.reading``: 由X调整为Y), never as "由X" alone.
Kind
  From the year: ≤2025 or 十四五 -> "result"; 2026–2030 or 十五五 -> "goal"; ≥2031 -> "vision"; the
  baseline X of "由X调整为Y" -> "result". "other" for figures that are neither achievements nor targets of
  the district: anniversaries (建区30周年), figures describing something external the district joins
  (融入…万亿级产业集群; year ""), and the 延长三十年 land-contract term.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from typing import Iterable

from .layouts.headings import strip_item_number
from .text.refs import ref_label, ref_to_json
from .text.sentences import (
    CLAUSE_ENDS,
    SENTENCE_ENDS,
    nesting_masks,
    span_at,
    split_spans,
)
from .units import Unit

KINDS = ("result", "goal", "vision", "other")
KIND_LABELS = {"result": "成果", "goal": "目标", "vision": "远景", "other": "其他"}

# The plan period of this proposal (十五五 = 2026–2030); the previous period ends in 2025.
RESULT_PERIOD, GOAL_PERIOD = "十四五", "十五五"
LAST_RESULT_YEAR, LAST_GOAL_YEAR = 2025, 2030


@dataclass(frozen=True)
class Target:
    """One entry of the plan's targets table (targets.json): a figure with its unit, what it measures,
    its bound, year and kind, and where it stands in the source."""

    indicator: str      # what is measured, in the plan's words: "城市人口"
    value: str          # the figure as written, without unit and bound: "33", "2.1:1", "百亿级"
    unit: str           # "万人", "平方公里", "亿元", "%", … ; "" for ratios and magnitudes
    qualifier: str      # "以上", "左右", "突破", "达到", "增加到", "控制在", "连续", … or ""
    year: str           # "2025", "2030", "2035", "十四五", "十五五", or "" when not stated
    kind: str           # "result", "goal", "vision", "other"
    ref: str            # unit ref: "7", "1", "P3"
    doc_id: str
    sentence: str       # verbatim sentence of the unit containing the figure
    figure: str         # verbatim figure expression: "33万人", "65%以上", "2.1:1"
    start: int          # offset of ``figure`` in the unit text
    unit_label: str = ""    # the unit's citation label when the ref does not spell it: 《简称》第三章第二节

    @property
    def label(self) -> str:
        """The unit's citation label: '7' -> 第7条; the stored label for other layouts and documents."""
        return self.unit_label or ref_label(self.ref)

    @property
    def reading(self) -> str:
        """How the plan states the figure, verbatim from ``sentence`` (the one wording every view uses): linking
        word and figure ("突破33万人", "65%以上"); a change's start reads as the whole change ("由X调整为Y")."""
        s, q = self.sentence, self.qualifier
        at = s.find(q + self.figure) if q else -1
        end = at + len(q) + len(self.figure)
        while q == "由" and at >= 0 and end < len(s) and s[end] not in CLAUSE_ENDS:
            end += 1
        return s[at:end] if at >= 0 else self.figure


# --------------------------------------------------------------------------- figures

UNITS = sorted({
    "平方公里", "平方米", "立方米", "万人次", "万人", "人次", "人", "亿元", "万元", "元", "亿", "万",
    "万吨", "吨", "公里", "千米", "米", "小时", "分钟", "周年", "年", "天", "个百分点", "百分点", "个",
    "家", "所", "座", "条", "项", "户", "名", "倍", "万头", "头", "万羽", "羽", "万亩", "亩", "公顷",
    "万千瓦", "千瓦", "兆瓦", "万辆", "辆", "张", "%", "％", "‰",
}, key=len, reverse=True)
_NUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
QUANTITY_RE = re.compile(
    rf"(?<![0-9０-９.．A-Za-zＡ-Ｚａ-ｚ])(?:"
    rf"(?P<ratio>{_NUM}(?:[:：]{_NUM})+)"
    rf"|(?P<num>{_NUM})(?P<approx>余|多)?(?P<unit>{'|'.join(map(re.escape, UNITS))})(?P<bound>以上|以下|以内|左右)?"
    rf"|(?P<mag>[百千万]亿级|双倍增|翻一番|翻两番)"
    rf"|(?<=延长)(?P<cn>[一二三四五六七八九十]+)(?P<cnunit>年)"
    rf")"
)
LATIN_AFTER_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")

# --------------------------------------------------------------------------- time mentions

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
TIME_RE = re.compile(r"(?P<year>[0-9]{4})年|(?P<cnyear>[〇零][〇零一二三四五六七八九]{2}|二[〇零][〇零一二三四五六七八九]{2})年"
                     r"|(?P<period>十[一二三四五六七八九]五)")

# --------------------------------------------------------------------------- clause words

# Framing words removed from the start of the words before a figure (applied repeatedly).
LEAD_RES = [re.compile(p) for p in (
    r"^[、和及与并且,，：:\s]+",
    r"^(?:到|至|在)?(?:[0-9]{4}|二[〇零][〇零一二三四五六七八九]{2})年(?:\([^)]*\)|（[^）]*）)?(?:底|末)?",
    r"^(?:“十[一二三四五六七八九]五”|十[一二三四五六七八九]五)(?:时期|期间|末)?",
    r"^通过[^，,、]{0,8}?串联",
    r"^(?:黔江)?将?迎来",
    r"^(?:着眼|锚定|确保|力争|加快|加速|全力|积极|有序|接续|大力|努力|逐步|基本)",
    r"^(?:实现|打造|建成|建设|培育|实施|融入|推进|推动|形成|发展)",
)]
EXTERNAL_RE = re.compile(r"^(?:全力)?(?:融入|对接)")
CUMULATIVE_RE = re.compile(r"^累计")
ANNUAL_RE = re.compile(r"年均$")
# Verbs linking an indicator to its figure: stripped from the end, kept as the qualifier.
TRAIL_VERBS = sorted({
    "增加到", "增加至", "增长到", "增长至", "提升至", "提升到", "提高到", "提高至", "拓展到", "拓展至",
    "扩大到", "扩大至", "缩小至", "缩小到", "下降到", "下降至", "降低到", "降低至", "降至", "控制在",
    "稳定在", "保持在", "调整为", "达到", "突破", "实现", "保持", "超过", "不低于", "不少于", "不超过",
    "不高于", "超", "达", "为", "由", "在", "至", "到",
}, key=len, reverse=True)
RATE_RE = re.compile(r"^(?:年均)?(?:增长|下降|增速|提高|降低)$")
# Words after a figure that are not what it measures.
POST_IGNORE = {"跨越", "行动", "目标", "试点", "台阶"}
POST_STOP = set("，,、；;。！？!?\n和及与等的")
POST_MAX = 20
POST_VERBS = ("调整", "增长", "下降", "提升", "提高", "达到", "突破", "以上", "以下", "左右")


@dataclass
class _Fig:
    start: int
    end: int
    value: str
    unit: str
    approx: str
    bound: str
    chinese_term: bool = False
    indicator: str = ""
    subject: str = ""
    consumed: int = 0     # end of the text this figure used (figure, or the noun after it)
    qualifier: str = ""
    note: str = ""        # "累计" / "年均"
    external: bool = False


def _find_figures(text: str, quoted: list[bool]) -> list[_Fig]:
    figs: list[_Fig] = []
    for m in QUANTITY_RE.finditer(text):
        s, e = m.start(), m.end()
        if m.group("mag"):
            if quoted[s] and m.group("mag") != "双倍增":
                continue
            figs.append(_Fig(s, e, m.group("mag"), "", "", ""))
            continue
        if quoted[s]:
            continue                                        # names and slogans: “1312”, “15分钟…”
        if m.group("cn"):
            figs.append(_Fig(s, e, m.group("cn"), "年", "", "", chinese_term=True))
            continue
        if e < len(text) and LATIN_AFTER_RE.match(text[e]):
            continue                                        # 5G, 6G
        if s > 0 and text[s - 1] == "第":
            continue                                        # ordinals
        if m.group("ratio"):
            figs.append(_Fig(s, e, m.group("ratio"), "", "", ""))
            continue
        num, unit = m.group("num"), m.group("unit")
        if unit == "年" and not m.group("approx") and "." not in num and 1900 <= int(
                unicodedata.normalize("NFKC", num)) <= 2100:
            continue                                        # a date: 2025年, 2030年
        if e < len(text) and LATIN_AFTER_RE.match(text[e]):
            continue
        figs.append(_Fig(s, e, num, unit, m.group("approx") or "", m.group("bound") or ""))
    return figs


def _strip_lead(words: str, fig: _Fig) -> str:
    changed = True
    while changed and words:
        changed = False
        if CUMULATIVE_RE.match(words):
            fig.note, words, changed = "累计", words[2:], True
            continue
        if EXTERNAL_RE.match(words):
            fig.external = True
        for rx in LEAD_RES:
            new = rx.sub("", words, count=1)
            if new != words:
                words, changed = new, True
                break
    return words


def _strip_trail(words: str) -> tuple[str, str]:
    """Remove the linking verb at the end; return (words, verb)."""
    for verb in TRAIL_VERBS:
        if words.endswith(verb):
            return words[: -len(verb)], verb
    return words, ""


def _post_noun(text: str, end: int, quoted: list[bool]) -> tuple[str, int]:
    """The noun right after a figure (up to a clause/list separator) or "", and where that span ends."""
    i = end
    while i < len(text) and i - end < POST_MAX and (text[i] not in POST_STOP or quoted[i]) \
            and not text[i].isdigit():
        i += 1
    noun = text[end:i]
    if noun.startswith(POST_VERBS):
        return "", end                                  # "13.1:35.2:51.7调整为…": a verb, not a noun
    if noun.endswith("全产业链"):
        noun = noun[: -len("全产业链")]
    if noun.startswith("产值") and len(noun) > 2:
        noun = noun[2:] + "产值"                          # 100亿产值烟厂易地技改 -> 烟厂易地技改产值
    return ("" if noun in POST_IGNORE else noun), i


def _streak(text: str, fig: _Fig, clause_start: int, quoted: list[bool]) -> bool:
    """连续N年 …: the indicator is the subject before 连续 plus the predicate after the figure."""
    if fig.unit != "年" or fig.start < 2 or text[fig.start - 2: fig.start] != "连续":
        return False
    subject = _strip_lead(text[clause_start: fig.start - 2], fig)
    i = fig.end
    while i < len(text) and (text[i] not in CLAUSE_ENDS or quoted[i]):
        i += 1
    predicate = text[fig.end: i]
    fig.qualifier = "连续"
    fig.subject = subject
    fig.indicator = subject + predicate
    return True


def _describe(text: str, figs: list[_Fig], clauses, quoted: list[bool]) -> None:
    """Fill indicator, subject, qualifier and notes of every figure of a unit."""
    prev: _Fig | None = None
    prev_clause = None
    for fig in figs:
        clause = span_at(clauses, fig.start)
        if clause != prev_clause:
            prev = None
        begin = max(clause[0], prev.consumed if prev else clause[0])
        fig.consumed = fig.end
        if _streak(text, fig, begin, quoted):
            prev, prev_clause = fig, clause
            continue
        words = strip_item_number(_strip_lead(text[begin: fig.start], fig))
        words, verb = _strip_trail(words)
        if ANNUAL_RE.search(words) and not RATE_RE.match(words):
            words, fig.note = words[:-2], "年均"
            words, verb2 = _strip_trail(words)
            verb = verb or verb2
        words = words.strip("、,， ").rstrip("“‘《(（").lstrip("”’》)）")
        post = ""
        if not fig.bound and fig.unit not in ("%", "％") and fig.value != "双倍增":
            post, fig.consumed = _post_noun(text, fig.end, quoted)
        if words and RATE_RE.match(words) and prev:
            subject = prev.subject
            indicator = subject + words
        elif words:
            subject = words
            indicator = words + post if post else words
        elif post:
            subject = indicator = post
        elif prev:
            subject = indicator = prev.subject
        else:
            subject = indicator = ""
        fig.subject = subject
        fig.indicator = indicator + (f"({fig.note})" if fig.note and indicator else "")
        fig.qualifier = fig.bound or fig.approx or verb
        prev, prev_clause = fig, clause


def _time_mentions(text: str) -> list[tuple[int, str]]:
    out = []
    for m in TIME_RE.finditer(text):
        if m.group("year"):
            n = int(m.group("year"))
            if 1900 <= n <= 2100:
                out.append((m.start(), str(n)))
        elif m.group("cnyear"):
            out.append((m.start(), "".join(_CN_DIGITS[c] for c in m.group("cnyear"))))
        else:
            out.append((m.start(), m.group("period")))
    return out


def _kind_of(year: str) -> str:
    if year == RESULT_PERIOD or (year.isdigit() and int(year) <= LAST_RESULT_YEAR):
        return "result"
    if year == GOAL_PERIOD or (year.isdigit() and int(year) <= LAST_GOAL_YEAR):
        return "goal"
    if year.isdigit():
        return "vision"
    return "other"


def _unit_targets(unit: Unit) -> list[Target]:
    text = unit.text
    quoted, nested = nesting_masks(text)
    figs = _find_figures(text, quoted)
    if unit.kind == "article" and figs:
        head = re.match(r"\d{1,3}[.．]", text)
        figs = [f for f in figs if not head or f.start >= head.end()]
    if not figs:
        return []
    clauses = split_spans(text, CLAUSE_ENDS, nested)
    sentences = split_spans(text, SENTENCE_ENDS, nested)
    _describe(text, figs, clauses, quoted)
    mentions = _time_mentions(text)
    default_year = GOAL_PERIOD if unit.part_no >= 2 else ""
    out = []
    for fig in figs:
        if not fig.indicator:
            continue                                        # nothing says what is measured: not a row
        before = [label for pos, label in mentions if pos < fig.start]
        year = before[-1] if before else default_year
        kind = _kind_of(year)
        if kind == "result" and (fig.note or "年均" in fig.indicator):
            year = RESULT_PERIOD                            # 累计 / 年均: a whole-period figure
        if fig.qualifier == "由" and kind == "result":
            year = ""                                       # 由X调整为Y: X is the start of the period
        if fig.unit == "周年" or fig.chinese_term:
            kind = "other"
        if fig.external:
            kind, year = "other", ""
        a, b = span_at(sentences, fig.start)
        figure = text[fig.start: fig.end]
        out.append(Target(
            indicator=fig.indicator, value=fig.value, unit=fig.unit, qualifier=fig.qualifier,
            year=year, kind=kind, ref=unit.ref, doc_id=unit.doc_id, sentence=text[a:b],
            figure=figure, start=fig.start, unit_label=unit.label,
        ))
    return out


# --------------------------------------------------------------------------- public API

def extract_targets(units: list[Unit]) -> list[Target]:
    """Every quantitative statement of the units, in document order."""
    out: list[Target] = []
    for unit in units:
        out.extend(_unit_targets(unit))
    return out


def targets_to_rows(targets: Iterable[Target]) -> list[dict]:
    """JSON-able rows; ``ref`` follows the project's JSON convention (7, "P3"); ``label`` and ``reading`` added."""
    rows = []
    for t in targets:
        row = asdict(t)
        row["ref"] = ref_to_json(t.ref)
        row["label"], row["reading"] = t.label, t.reading
        rows.append(row)
    return rows
