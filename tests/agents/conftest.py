"""Fixtures of the learner tests: ``tiny_cache``, a briefly warmed-up tiny preset in a private
cache (test_tiny.py, test_models.py); ``model_dir``, an untrained tiny Qwen2 folder that takes
dataset prompts (test_guide_grpo_datasets.py, test_guide_ppo_datasets.py). Both per module."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, list[str]]:
    """A cache folder holding a briefly warmed-up tiny model; the first load's log lines."""
    from _tiny_cache import SHORT, _load_logged  # here: collecting the other tests stays light

    cache = tmp_path_factory.mktemp("tiny-cache")
    model, _, messages = _load_logged(cache, SHORT)
    return cache, model, messages


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from _tiny_parts import long_context_folder  # here: collecting the other tests stays light

    from agents.tiny import tiny_tokenizer

    return long_context_folder(tiny_tokenizer(), tmp_path_factory.mktemp("model"))
