"""Shared fixtures: the real assistant (real e5 model, real FAISS index), loaded once per session."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def assistant():
    from chat.pipeline import Assistant

    return Assistant.from_settings()
