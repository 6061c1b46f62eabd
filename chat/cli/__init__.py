"""The command line of the assistant (``python -m chat``); ``main`` is its entry point."""
from chat.cli.commands import main

__all__ = ["main"]
