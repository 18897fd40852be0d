"""A math problem with just the fields a hint test needs (test_providers.py, test_leak.py)."""

from __future__ import annotations

from typing import Any

from guide_envs.problem import Problem


def math(answer: str, **kwargs: Any) -> Problem:
    return Problem(id=kwargs.pop("id", "m"), domain="math",
                   prompt=kwargs.pop("prompt", "Solve it."), answer=answer, **kwargs)
