"""The guidance trigger, group combination and Filter-GRPO, on plain lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.guidance import GuidanceConfig, combine_group, keep_group, needs_guidance


def test_default_guides_only_when_every_rollout_failed():
    config = GuidanceConfig().validate()
    assert needs_guidance([0.0, 0.0, 0.0, 0.0], config)
    assert not needs_guidance([0.0, 0.0, 1.0, 0.0], config)
    # Partial credit below the success level counts as a failure.
    assert needs_guidance([0.5, 0.9, 0.0, 0.0], config)
    assert not needs_guidance([0.5, 0.9], config, success=0.5)


def test_threshold_is_inclusive():
    config = GuidanceConfig(threshold=0.25).validate()
    assert needs_guidance([1.0, 0.0, 0.0, 0.0], config)  # rate 0.25 <= 0.25
    assert not needs_guidance([1.0, 1.0, 0.0, 0.0], config)  # rate 0.5


def test_disabled_never_guides():
    config = GuidanceConfig(enabled=False, threshold=0.5)
    assert not needs_guidance([0.0, 0.0], config)


@given(
    group_size=st.integers(min_value=1, max_value=16),
    threshold=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    success=st.floats(min_value=0.0, max_value=1.0),
)
def test_never_guides_an_all_successful_group(group_size: int, threshold: float, success: float):
    config = GuidanceConfig(threshold=threshold).validate()
    assert not needs_guidance([success] * group_size, config, success=success)
    assert not needs_guidance([1.0] * group_size, config, success=success)


@pytest.mark.parametrize("kwargs", [{"threshold": 1.0}, {"threshold": -0.1}, {"mix": -1}])
def test_validate_rejects_bad_fields(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        GuidanceConfig(**kwargs).validate()


def test_needs_guidance_rejects_an_empty_group():
    with pytest.raises(ValueError, match="at least one reward"):
        needs_guidance([], GuidanceConfig())


def test_combine_replaces_by_default_and_keeps_group_size():
    unguided, guided = [("u", i) for i in range(4)], [("g", i) for i in range(6)]
    assert combine_group(unguided, guided, GuidanceConfig()) == guided[:4]


@pytest.mark.parametrize("mix", [1, 2, 3])
def test_combine_mixes_k_unguided_and_g_minus_k_guided(mix: int):
    unguided, guided = ["u0", "u1", "u2", "u3"], ["g0", "g1", "g2", "g3"]
    group = combine_group(unguided, guided, GuidanceConfig(mix=mix))
    assert group == unguided[:mix] + guided[: 4 - mix]
    assert len(group) == 4


def test_combine_rejects_impossible_groups():
    with pytest.raises(ValueError, match="mix must be smaller"):
        combine_group(["u0", "u1"], ["g0", "g1"], GuidanceConfig(mix=2))
    with pytest.raises(ValueError, match="need 3 guided"):
        combine_group(["u0", "u1", "u2", "u3"], ["g0", "g1"], GuidanceConfig(mix=1))


def test_keep_group_filters_equal_rewards_only_when_asked():
    grpo, filter_grpo = GuidanceConfig(), GuidanceConfig(filter_equal=True)
    for rewards in ([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.5]):
        assert keep_group(rewards, grpo)
        assert not keep_group(rewards, filter_grpo)
    assert keep_group([0.0, 1.0, 0.0], filter_grpo)
    assert keep_group([0.5, 0.5, 0.25], filter_grpo)
