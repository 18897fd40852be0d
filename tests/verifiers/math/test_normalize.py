"""Normalising answer text before it is read (verifiers/math/normalize.py)."""

from __future__ import annotations

from verifiers.math.normalize import normalize


def test_normalize_joins_thousands_only_at_top_level() -> None:
    assert normalize("1,234") == "1234"
    assert normalize("(2,251,252)") == "(2,251,252)"
    assert normalize("(1{,}000, 2)") == "(1000, 2)"
