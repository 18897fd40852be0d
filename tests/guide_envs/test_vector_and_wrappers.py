"""The vector entry point (``gym.make_vec``) and the HintOnFailure wrapper, on real envs."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from _bare_env import BareEnv
from gymnasium.utils.env_checker import check_env

import guide_envs
from guide_envs.hints import SolutionPrefixHint
from guide_envs.problem import Problem
from guide_envs.vector import ReasoningVectorEnv
from guide_envs.wrappers import GUIDED, GuidedTemplate, HintOnFailure

gym.register_envs(guide_envs)
KW: dict[str, Any] = {"families": ["arithmetic", "fractions"], "difficulty": [1, 2]}


def _answers(envs: Any, correct: list[bool]) -> list[str]:
    problems = [sub.unwrapped.problem for sub in envs.unwrapped.envs]
    return [f"\\boxed{{{p.answer}}}" if ok else "\\boxed{123456789}"
            for p, ok in zip(problems, correct, strict=True)]


# -- vector env ------------------------------------------------------------------------------


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


# -- HintOnFailure ---------------------------------------------------------------------------


def _wrapped(**kwargs: Any) -> gym.Env[str, str]:
    return HintOnFailure(gym.make("guide/Math-v0", **KW), **kwargs)


PID = "arithmetic/d2/s0/4"


def test_failure_gives_the_guided_observation_then_the_episode_ends() -> None:
    env = _wrapped()
    obs, info = env.reset(seed=0, options={"problem_id": PID})
    assert info["guided"] is False
    problem = env.unwrapped.problem
    guided, reward, terminated, truncated, info = env.step("\\boxed{123456789}")
    assert (reward, terminated, truncated, info["guided"]) == (0.0, False, False, True)
    template = env.unwrapped.template  # the env's own hinted prompt
    assert info["hint"] == problem.hint and guided == template.render(problem, problem.hint)
    assert guided.startswith(problem.prompt) and guided.endswith("within \\boxed{}.")
    assert info["messages"][-1]["content"] == guided and info["problem_id"] == PID
    assert f"\\boxed{{{problem.answer}}}" not in info["hint"]
    _, reward, terminated, _, info = env.step("\\boxed{123456789}")  # the guided attempt fails
    assert (reward, terminated, info["guided"], info["guided_attempt"]) == (0.0, True, False, True)


def test_guided_reset_starts_with_the_hint() -> None:
    env = _wrapped()
    obs, info = env.reset(seed=0, options={"problem_id": PID, "guided": True})
    problem = env.unwrapped.problem
    assert info["guided"] and info["hint"] == problem.hint and problem.hint in obs
    assert info["messages"][-1]["content"] == obs and env.hints_used == 1
    _, reward, terminated, _, info = env.step(f"\\boxed{{{problem.answer}}}")
    assert (reward, terminated, info["guided_attempt"]) == (1.0, True, True)
    plain, info = env.reset(seed=0, options={"problem_id": PID})
    assert not info["guided"] and "Hint" not in plain


def test_foreign_templates_fall_back_to_the_generic_guided_template() -> None:
    from guide_envs.templates import PromptTemplate

    plain = PromptTemplate("{prompt}")  # no hinted form
    env = HintOnFailure(gym.make("guide/Math-v0", template=plain, **KW))
    obs, _ = env.reset(seed=0, options={"problem_id": PID})
    guided, *_, info = env.step("wrong")
    assert guided == GUIDED.render(obs, info["hint"])
    assert info["messages"][-1]["content"] == guided


def test_success_first_time_ends_unguided() -> None:
    env = _wrapped()
    env.reset(seed=0, options={"problem_id": PID})
    answer = env.unwrapped.problem.answer
    _, reward, terminated, _, info = env.step(f"\\boxed{{{answer}}}")
    assert (reward, terminated, info["guided"], info["guided_attempt"]) == (1.0, True, False, False)


@pytest.mark.parametrize(("rule", "expected"), [("full", 1.0), ("scaled", 0.25), ("zero", 0.0)])
def test_guided_reward_rules(rule: str, expected: float) -> None:
    env = _wrapped(guided_reward=rule, guided_scale=0.25)
    env.reset(seed=0, options={"problem_id": PID})
    answer = env.unwrapped.problem.answer
    env.step("no idea")
    _, reward, terminated, _, info = env.step(f"\\boxed{{{answer}}}")
    assert (reward, terminated, info["guided_attempt"]) == (expected, True, True)


def test_max_hints_bounds_the_guided_attempts() -> None:
    env = _wrapped(max_hints=3)
    env.reset(seed=0, options={"problem_id": PID})
    guided = [env.step("wrong")[2:5] for _ in range(4)]
    assert [terminated for terminated, _, _ in guided] == [False, False, False, True]
    assert env.hints_used == 3


def test_no_hint_available_ends_the_episode() -> None:
    class NoHints:
        def hint(self, problem: Problem) -> str | None:
            return None

    env = _wrapped(provider=NoHints())
    env.reset(seed=0)
    _, _, terminated, _, info = env.step("wrong")
    assert terminated and info["guided"] is False and "hint" not in info


def test_other_providers_and_templates() -> None:
    template = GuidedTemplate("{observation}\n[HINT] {hint}")
    env = _wrapped(provider=SolutionPrefixHint(0.5), template=template)
    obs, _ = env.reset(seed=0, options={"problem_id": PID})
    guided, *_, info = env.step("wrong")
    assert guided == f"{obs}\n[HINT] {info['hint']}"
    assert info["hint"] == SolutionPrefixHint(0.5).hint(env.unwrapped.problem)


def test_wrapper_passes_check_env_and_validates_arguments() -> None:
    check_env(_wrapped().unwrapped)  # the inner env itself
    with pytest.warns(UserWarning, match="different from the unwrapped"):
        check_env(_wrapped(), skip_render_check=True)  # the wrapper too (it warns it is one)
    with pytest.raises(ValueError, match="max_hints"):
        _wrapped(max_hints=0)
    with pytest.raises(ValueError, match="guided_reward"):
        _wrapped(guided_reward="half")  # type: ignore[arg-type]  # the bad value is the test
    with pytest.raises(TypeError, match="hint\\(problem\\)"):
        _wrapped(provider=object())  # type: ignore[arg-type]  # as above
    with pytest.raises(ValueError, match="\\{hint\\}"):
        GuidedTemplate("{observation} only")


def test_wrapper_needs_an_env_that_exposes_its_problem() -> None:
    env = HintOnFailure(BareEnv())
    env.reset()
    with pytest.raises(TypeError, match="env.unwrapped.problem"):
        env.step("x")
