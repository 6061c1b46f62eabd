"""The matching form of a text."""
from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """Matching form of a text: NFKC (full-width punctuation and digits to ASCII), lower case.
    Lengths may differ from the input (NFKC can merge or split characters)."""
    return unicodedata.normalize("NFKC", text).lower()
