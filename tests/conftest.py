"""Shared fixtures: ``shared_data``, the directory of reference data files; ``tokenizer``, the
tiny preset's character tokenizer (for the learner tests)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data directory: $GUIDE_RL_DATA, else the repo's sibling ../shared/data.

    Tests that need the real files fail (never skip) when it is missing, so a broken checkout
    cannot pass silently.
    """
    env = os.environ.get("GUIDE_RL_DATA")
    candidate = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    if not candidate.is_dir():
        how = f"GUIDE_RL_DATA={env!r}" if env else f"the default {candidate}"
        pytest.fail(f"reference data directory not found ({how} is not a directory); set "
                    "GUIDE_RL_DATA to the folder holding gsm8k_test.jsonl, aime24.jsonl, ...")
    return candidate


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    """The ``tiny`` preset's character tokenizer, trained on the spot."""
    from agents.tiny import tiny_tokenizer  # here: the verifier suites run without torch

    return tiny_tokenizer()
