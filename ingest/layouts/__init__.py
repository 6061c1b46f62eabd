"""Layout strategies: a document's text → citable units, one strategy per layout (see ``base``).

``parse_layout`` detects the layout and runs its strategy; a 建议-looking text whose articles turn out
out of order is read as a 方案 instead, and any text with no numbered structure as paragraphs.
"""
from __future__ import annotations

from config import SETTINGS, LayoutSettings

from ..units import Unit
from . import hierarchy, paragraphs, proposal
from .base import Layout, ParseError
from .detect import detect_layout

__all__ = ["Layout", "ParseError", "detect_layout", "parse_layout"]


def parse_layout(source: str, doc_id: str, title: str, heading_levels: dict[int, int] | None = None,
                 settings: LayoutSettings = SETTINGS.layout) -> tuple[Layout, list[Unit]]:
    """The layout of ``source`` and its units. ``heading_levels``: line index → level (1..9) of lines the
    file marks as headings (Word styles, Markdown #). Raises ParseError when the text has nothing to cite
    besides its title."""
    layout = detect_layout(source, bool(heading_levels), settings)
    if layout is Layout.PROPOSAL:
        try:
            return layout, proposal.parse(source, doc_id, title, settings)
        except ParseError:
            layout = Layout.SCHEME
    try:
        if layout is Layout.OUTLINE:
            return layout, hierarchy.parse_outline(source, doc_id, title, settings)
        if layout is Layout.LAW:
            return layout, hierarchy.parse_law(source, doc_id, title, settings)
        if layout is Layout.SCHEME:
            return layout, hierarchy.parse_scheme(source, doc_id, title, settings)
        if layout is Layout.HEADINGS:
            return layout, hierarchy.parse_styled(source, doc_id, title, heading_levels or {}, settings)
    except ParseError:
        pass
    return Layout.PARAGRAPHS, paragraphs.parse(source, doc_id, title, settings)
