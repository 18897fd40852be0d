"""Shared fixtures: ``reference_data``, the sample of the reference data files kept in
tests/data; ``tokenizer``, the tiny preset's character tokenizer (for the learner tests).

The skip-or-fail switch for tests that need bubblewrap or Docker is in the root conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """tests/data: a few dozen rows of each reference data file, verbatim (see its README.md).

    The full files are checked by ``python benchmarks/reference_data.py``, not by the suite.
    """
    return DATA


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    """The ``tiny`` preset's character tokenizer, trained on the spot."""
    from agents.tiny import tiny_tokenizer  # here: the verifier suites run without torch

    return tiny_tokenizer()
