"""A third-party env for the guide_envs tests: the basic env protocol and nothing more."""

from __future__ import annotations

from typing import Any

import gymnasium as gym

import guide_envs


class BareEnv(gym.Env[str, str]):
    """Text spaces, one problem ``"q"``, every completion wrong; no problem, no batch grading."""

    observation_space = action_space = guide_envs.UnicodeText(100)

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        return "q", {"problem_id": "q"}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        return "q", 0.0, True, False, {"verdict": {"correct": False}}
