"""Shared fixtures of the learner tests: ``tokenizer``, the tiny preset's character tokenizer."""

from __future__ import annotations

from typing import Any

import pytest

from agents.tiny import tiny_tokenizer


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    return tiny_tokenizer()
