"""One question asking several things: "面积多大、住了多少人" (two figures), "A和B哪个高" (two items),
"现在住了好多人？到2030年又要到好多" (one figure, two periods) — one text per thing asked."""
from __future__ import annotations

import re

from chat.understanding.forms import COMPARE_RE, COUNT_RE, FIGURE_RE, PERIOD_PHRASE_RE
from chat.understanding.query import Shape


def split_parts(text: str, shape: Shape) -> list[str]:
    """One text per thing asked: "面积多大、住了多少人" → two; "A和B哪个高" → A, B."""
    if shape is Shape.COMPARE:
        than = re.match(r"^(.{2,20}?)(?<![占对相百无])比(?![例重率较])(.{2,16}?)(?:多|少|高|低|大|小|快|慢|强|弱)", text)
        if than:                                  # "城市人口2030年比2025年多多少": A, B
            return [than.group(1).strip("，, 的"), than.group(2).strip("，, 的")]
        match = COMPARE_RE.search(text)
        core = text[: match.start()] if match and match.start() > 0 else text
        core = [c for c in re.split(r"[，,？?]", core) if c.strip()]
        core = max(core, key=lambda c: len(re.findall(r"和|与|跟|及|还是|、|(?<![占对相百无])比(?![例重率较])", c)), default=text)
        items = [i.strip("，,、 的") for i in re.split(r"和|与|跟|及|还是|、|(?<![占对相百无])比(?![例重率较])", core)]
        items = [i for i in items if len(i) >= 2]
        return items if len(items) >= 2 else []
    if shape not in (Shape.FIGURE, Shape.COUNT):
        return []
    both = re.search(r"^(.{2,20}?)(?:和|与|跟|及)(.{2,20}?)(?:分别|各自|各)(?:是|为|有|要|能)?(多少|几|多大|有多大)", text)
    if both:                                   # "肉蛋鸡和食用菌的规模目标分别是多少": one part each
        wh = both.group(3)
        return [both.group(1) + wh, both.group(2) + wh]
    clauses, pending = [], ""
    for c in (c for c in re.split(r"(?<=呢)|[，,、；;？?]|又|还有|以及|另外", text) if c and c.strip()):
        if PERIOD_PHRASE_RE.fullmatch(c.strip()):      # "到2030年又要到好多": the period belongs to what follows
            pending += c.strip()
            continue
        clauses.append(pending + c)
        pending = ""
    asking, whole = [], []
    for c in clauses:
        if FIGURE_RE.search(c) or COUNT_RE.search(c):
            asking.append(c)
        elif asking and c.strip().endswith("呢") and len(c.strip()) >= 3:      # "…是多少？城市人口呢？"
            wh = FIGURE_RE.search(asking[0]) or COUNT_RE.search(asking[0])
            when = "".join(PERIOD_PHRASE_RE.findall(asking[0]))
            whole.append(when + re.sub(r"^(?:那|那么)?|呢$", "", c.strip()) + asking[0][wh.start():])
    if len(asking) + len(whole) < 2:
        return []
    if not asking[1:]:
        return asking + whole
    first = asking[0]
    wh = (FIGURE_RE.search(first) or COUNT_RE.search(first)).start()
    subject = re.sub(r"(?:有|是|要|能|会)?$", "", first[:wh])
    subject = re.split(r"(?:多大|多少|几)", subject)[0]
    subject = re.sub(r"(?:面积|人口|规模)$", "", subject)
    if any(PERIOD_PHRASE_RE.search(c) for c in asking[1:]):
        subject = PERIOD_PHRASE_RE.sub("", subject)      # each clause keeps the period it names: not 现在 for 2030
    parts = [first]
    for clause in asking[1:]:
        parts.append(clause if any(w in clause for w in subject[-2:] if w.strip()) else subject + clause)
    return parts + whole
