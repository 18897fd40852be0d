"""Fixtures of the rollout engine tests: one torch thread per module, and the tiny model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from _engines import _tiny_model
from transformers import Qwen2ForCausalLM


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    """Tiny models run fastest on one thread (and do not fight parallel test workers)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def model() -> Qwen2ForCausalLM:
    return _tiny_model()
