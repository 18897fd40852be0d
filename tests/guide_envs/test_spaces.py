"""UnicodeText, the text space of observations and actions."""

from __future__ import annotations

import pytest

from guide_envs import UnicodeText


def test_unicode_text_accepts_real_model_output() -> None:
    space = UnicodeText(max_length=1000)
    for text in ["", "plain", "$\\frac{1}{2}$ — ∑ 答案 🙂", "\x00nul", "\ud800 lone surrogate"]:
        assert space.contains(text), repr(text)
    assert not space.contains(None)
    assert not space.contains("x" * 1001)
    assert not UnicodeText(10, min_length=1).contains("")


def test_unicode_text_samples_are_members_and_seeded() -> None:
    space = UnicodeText(max_length=1 << 22, seed=3)
    samples = [space.sample() for _ in range(20)]
    assert all(space.contains(s) and len(s) <= space.sample_max_length for s in samples)
    replay = UnicodeText(max_length=1 << 22, seed=3)
    assert samples == [replay.sample() for _ in range(20)]
    assert UnicodeText(5).sample(mask=(3, None)).__len__() == 3


def test_unicode_text_rejects_bad_bounds() -> None:
    with pytest.raises(ValueError, match="max_length"):
        UnicodeText(max_length=0)
