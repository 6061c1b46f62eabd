"""Broader places the plan names when it does not name the one asked about.

"黔江怎么对接上海的产业转移？" — the plan never names 上海 but names 长三角; "和湖北咸丰怎么合作？" —
it never names 咸丰 but names 恩施州, the prefecture 咸丰 belongs to. The administrative hierarchy
comes from the China administrative-division codes shipped by the ``cpca`` package (read as data:
a code's first 2 digits are its province, the first 4 its prefecture); regional groupings (长三角,
东盟 …) from ``ingest/lexicon/regions.tsv``.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import re
from functools import lru_cache
from pathlib import Path

import jieba.posseg

NAME_RE = re.compile(r"^(.{2,}?)(?:(?:[\u4e00-\u9fff]{1,3}族)+自治[州县]|特别行政区|(?:[\u4e00-\u9fff]{1,3}族)*自治区|地区|省|市|县|区|盟|旗)$")


PLACE_TAGS = frozenset({"ns", "nsf"})          # jieba's part-of-speech tags of place names


@lru_cache(maxsize=4096)
def is_place_name(word: str) -> bool:
    """Whether jieba tags any part of ``word`` as a place name (成都, 万州 …)."""
    return any(tag in PLACE_TAGS for _, tag in jieba.posseg.lcut(word))


def short_name(full: str) -> str:
    """恩施土家族苗族自治州 -> 恩施, 上海市 -> 上海, 咸丰县 -> 咸丰 (names of two characters stay)."""
    match = NAME_RE.match(full)
    return match.group(1) if match else full


@lru_cache(maxsize=1)
def _adcodes() -> dict[str, list[tuple[str, str]]]:
    """Short name -> [(adcode[:6], full name)] from cpca's resources/adcodes.csv (not imported:
    the package's own import needs setuptools' pkg_resources; only its data file is used)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    table: dict[str, list[tuple[str, str]]] = {}
    with io.open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name, code = row["name"], row["adcode"][:6]
            short = short_name(name)
            for key in {name, short}:
                table.setdefault(key, []).append((code, name))
    return table


def _forms(full: str) -> list[str]:
    """How a plan may write a division: 恩施土家族苗族自治州 -> 恩施土家族苗族自治州, 恩施州, 恩施."""
    short = short_name(full)
    forms = [full]
    if full.endswith("自治州"):
        forms.append(short + "州")
    forms.append(short)
    return forms


def read_regions(path: Path) -> dict[str, list[str]]:
    """Regions from a TSV (``name<TAB>member member …``; # comments): name -> member divisions.
    An absent file gives {}."""
    regions: dict[str, list[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                name, members = line.split("\t", 1)
                regions[name.strip()] = members.split()
    return regions


class PlaceResolver:
    """Finds, for a place the documents never name, the broader division or region they do name."""

    def __init__(self, kb_text: str, regions_path: Path):
        self.kb_text = kb_text
        self.regions = read_regions(regions_path)

    def ancestors(self, place: str) -> list[str]:
        """Full names of the prefecture and province of every division named ``place``."""
        table = _adcodes()
        by_code = {code: name for entries in table.values() for code, name in entries}
        out: list[str] = []
        for code, _ in table.get(place, []):
            for parent in (code[:4] + "00", code[:2] + "0000"):
                if parent != code and parent in by_code and by_code[parent] not in out:
                    out.append(by_code[parent])
        return out

    def broader(self, place: str, regions: bool = True) -> str | None:
        """The smallest broader division of ``place`` that the documents name, else (with ``regions``)
        a regional grouping it belongs to (长三角, 东盟); None if the documents name neither."""
        chain = self.ancestors(place)
        for full in chain:
            for form in _forms(full):
                if len(form) >= 2 and form in self.kb_text:
                    return form
        if not regions:
            return None
        provinces = {short_name(p) for p in chain[-1:]} | {place}
        for region, members in self.regions.items():
            if provinces & set(members) and region in self.kb_text:
                return region
        return None
