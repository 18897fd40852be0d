"""The commitment helpers (verifiers/math/commitment.py) on their own: what is visible, what is a
comment, what retracts an answer. tests/verifiers/math/test_extract.py reads whole responses."""

from __future__ import annotations

from verifiers.math.commitment import retracted, strip_comments, visible


def test_visible_and_comments_helpers() -> None:
    assert visible("a \\phantom{b} c") == "a  c"
    assert visible("a \\color{white} b") == "a "
    assert visible("unclosed \\phantom{42") == "unclosed "
    assert strip_comments("42 % or 43\n") == "42"
    assert strip_comments("50%") == "50%"
    # no line break before the box closes: a percent sign, as models write it in prose
    assert strip_comments("12.5% of the isotope is left") == "12.5% of the isotope is left"


def test_retracted_needs_a_cue_and_nothing_left_open() -> None:
    assert retracted(" was wrong; the correct answer is ")
    assert not retracted(" and then ")
    assert not retracted(" was wrong, or perhaps ")
