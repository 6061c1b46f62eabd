"""Chinese numerals ↔ integers (the range plan documents use for parts, articles and counts)."""
from __future__ import annotations

import re

CN_NUMERALS = "零一二三四五六七八九十"
NUMERAL_RE = re.compile(rf"\d+|[{CN_NUMERALS}两]+")


def cn_number(n: int) -> str:
    """0..99 as Chinese numerals: 3 -> 三, 13 -> 十三, 20 -> 二十. Raises ValueError outside 0..99."""
    if not 0 <= n <= 99:
        raise ValueError(f"no Chinese numeral form for {n}")
    if n <= 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_NUMERALS[tens] + "十"
    return head + (CN_NUMERALS[ones] if ones else "")


def cn_to_int(numeral: str) -> int:
    """一 -> 1, 十 -> 10, 十三 -> 13, 二十一 -> 21 (两 reads as 二). Raises ValueError for anything else."""
    numeral = numeral.replace("两", "二")
    if not numeral or any(ch not in CN_NUMERALS for ch in numeral) or numeral.count("十") > 1:
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if "十" not in numeral:
        if len(numeral) != 1:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
        return CN_NUMERALS.index(numeral)
    tens, _, ones = numeral.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return (CN_NUMERALS.index(tens) if tens else 1) * 10 + (CN_NUMERALS.index(ones) if ones else 0)


def numeral_value(text: str) -> int | None:
    """The integer at the start of ``text``, in digits (12) or Chinese numerals (十二, 两), or 1 for 唯一
    (the only one); None when ``text`` does not start with one or it does not parse."""
    if text.startswith("唯一"):             # 唯一的三甲医院: the only one
        return 1
    match = NUMERAL_RE.match(text)
    if match is None:
        return None
    token = match.group(0)
    if token.isdigit():
        return int(token)
    try:
        return cn_to_int(token)
    except ValueError:
        return None
