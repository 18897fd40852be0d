"""Resource limits (sandbox/limits.py)."""

from __future__ import annotations

import pytest

from sandbox import Limits


def test_limits_validation() -> None:
    assert Limits(wall_s=2).cpu_s == 2.0
    with pytest.raises(ValueError, match="wall_s"):
        Limits(wall_s=0)
    with pytest.raises(ValueError, match="memory_mb"):
        Limits(memory_mb=0)
