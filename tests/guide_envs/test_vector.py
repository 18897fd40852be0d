"""The vector entry point (``gym.make_vec``) on real envs: the same results as Gymnasium's
SyncVectorEnv, same-step autoreset, every domain graded, bad input refused, the pool stopped."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest

import guide_envs
from guide_envs.vector import ReasoningVectorEnv

gym.register_envs(guide_envs)
KW: dict[str, Any] = {"families": ["arithmetic", "fractions"], "difficulty": [1, 2]}


def _answers(envs: Any, correct: list[bool]) -> list[str]:
    problems = [sub.unwrapped.problem for sub in envs.unwrapped.envs]
    return [f"\\boxed{{{p.answer}}}" if ok else "\\boxed{123456789}"
            for p, ok in zip(problems, correct, strict=True)]


def test_make_vec_uses_the_parallel_entry_point_and_matches_sync_vector_env() -> None:
    ours = gym.make_vec("guide/Math-v0", num_envs=6, **KW)
    sync = gym.make_vec("guide/Math-v0", num_envs=6, vectorization_mode="sync", **KW)
    assert isinstance(ours.unwrapped, ReasoningVectorEnv)
    assert isinstance(sync, gym.vector.SyncVectorEnv)
    obs_a, info_a = ours.reset(seed=3)
    obs_b, info_b = sync.reset(seed=3)
    assert obs_a == obs_b and list(info_a["problem_id"]) == list(info_b["problem_id"])
    for step in range(4):  # grading and autoreset steps alternate (NEXT_STEP)
        pattern = [(i + step) % 3 == 0 for i in range(6)]
        a, b = ours.step(_answers(ours, pattern)), sync.step(_answers(sync, pattern))
        assert a[0] == b[0]
        for x, y in zip(a[1:4], b[1:4], strict=True):
            np.testing.assert_array_equal(x, y)
        assert list(a[4]["problem_id"]) == list(b[4]["problem_id"])
        assert ("verdict" in a[4]) == ("verdict" in b[4]) == (step % 2 == 0)
        if "verdict" in a[4]:
            for key in ("status", "extracted", "reason"):
                assert list(a[4]["verdict"][key]) == list(b[4]["verdict"][key])
    ours.close()
    sync.close()


def test_same_step_autoreset_reports_the_graded_episode() -> None:
    envs = gym.make_vec("guide/Math-v0", num_envs=3, autoreset_mode="SameStep", **KW)
    _, first = envs.reset(seed=0)
    _, rewards, terminated, _, info = envs.step(_answers(envs, [True, False, True]))
    assert rewards.tolist() == [1.0, 0.0, 1.0] and terminated.all()
    finals = info["final_info"]  # Gymnasium's layout: one array per key
    assert list(finals["problem_id"]) == list(first["problem_id"])
    assert list(finals["verdict"]["status"]) == ["correct", "incorrect", "correct"]
    _, rewards, _, _, _ = envs.step(_answers(envs, [True, True, True]))  # graded at once again
    assert rewards.tolist() == [1.0, 1.0, 1.0]
    envs.close()


@pytest.mark.needs_sandbox  # grades code
def test_vector_env_grades_science_and_code() -> None:
    for env_id in ("guide/Science-v0", "guide/Code-v0"):
        envs = gym.make_vec(env_id, num_envs=2, difficulty=1)
        envs.reset(seed=1)
        solutions = [sub.problem.solution for sub in envs.unwrapped.envs]
        _, rewards, _, _, _ = envs.step(solutions)
        assert rewards.tolist() == [1.0, 1.0], env_id
        envs.close()


def test_vector_env_rejects_bad_input() -> None:
    envs = gym.make_vec("guide/Math-v0", num_envs=2, **KW)
    envs.reset(seed=0)
    with pytest.raises(ValueError, match="expected 2 actions, got 1"):
        envs.step(["x"])
    with pytest.raises(TypeError, match="completion text"):
        envs.step(["x", 7])
    with pytest.raises(ValueError, match="expected 2 seeds"):
        envs.reset(seed=[1, 2, 3])
    envs.close()
    with pytest.raises(ValueError, match="num_envs must be at least 1"):
        gym.make_vec("guide/Math-v0", num_envs=0)


def test_vector_env_close_stops_the_pool() -> None:
    envs = gym.make_vec("guide/Math-v0", num_envs=2, **KW)
    envs.reset(seed=0)
    envs.step(["\\boxed{1}", "\\boxed{2}"])
    pool = envs.unwrapped.pool
    pids = [pid for worker in pool._workers for pid in worker.pids]
    assert pids
    envs.close()
    assert not [pid for pid in pids if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
