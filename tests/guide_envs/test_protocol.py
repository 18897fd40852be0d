"""The env protocol as Protocol classes: guide envs follow both, a bare env only the basic one."""

from __future__ import annotations

import gymnasium as gym
from _bare_env import BareEnv

from guide_envs import BatchGradingEnv, EnvProtocol


def test_guide_envs_follow_both_protocols_a_bare_env_only_the_basic_one() -> None:
    env = gym.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
    assert isinstance(env, EnvProtocol) and isinstance(env.unwrapped, BatchGradingEnv)
    assert isinstance(BareEnv(), EnvProtocol) and not isinstance(BareEnv(), BatchGradingEnv)
    assert not isinstance(object(), EnvProtocol)
