"""Command line: ``python -m chat [retrieve|ask|targets|brief …]``; no command starts the interactive chat.

The commands live in ``chat.cli``; ``main`` is re-exported here for callers of ``chat.__main__.main``.
"""
from __future__ import annotations

import sys

from chat.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
