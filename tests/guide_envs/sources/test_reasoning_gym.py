"""The reasoning-gym source: problems graded by reasoning-gym's own scorer through the env, and an
unknown dataset refused."""

from __future__ import annotations

import gymnasium as gym
import pytest

import guide_envs
from guide_envs.sources import make_source

gym.register_envs(guide_envs)


def test_reasoning_gym_source_graded_by_its_own_scorer() -> None:
    env = gym.make("guide/Math-v0", source="reasoning_gym", dataset="basic_arithmetic", size=20,
                   seed=5)
    for seed in range(3):
        env.reset(seed=seed)
        gold = env.unwrapped.problem.answer
        assert env.step(f"<answer>{gold}</answer>")[1] == 1.0
        env.reset(seed=seed)
        assert env.step(f"\\boxed{{{gold}}}")[1] == 1.0
        env.reset(seed=seed)
        verdict = env.step("<answer>not a number</answer>")[4]["verdict"]
        assert verdict["status"] == "incorrect"


def test_reasoning_gym_unknown_dataset() -> None:
    with pytest.raises(ValueError, match="unknown reasoning-gym dataset"):
        make_source("reasoning_gym", dataset="no_such_thing")
