"""Problem checks its own fields."""

from __future__ import annotations

import pytest

from guide_envs import Problem


def test_problem_validates_fields() -> None:
    with pytest.raises(ValueError, match="domain"):
        Problem(id="x", domain="poetry", prompt="?", answer="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="gold answer"):
        Problem(id="x", domain="math", prompt="?")
    assert Problem(id="c", domain="code", prompt="write f", tests=["assert f()"]).answer is None
