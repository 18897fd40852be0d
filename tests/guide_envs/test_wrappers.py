"""The HintOnFailure wrapper on real envs: the guided observation after a failure, guided resets,
reward rules, the hint budget, other providers and templates, argument checks."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest
from _bare_env import BareEnv
from gymnasium.utils.env_checker import check_env

import guide_envs
from guide_envs.hints import SolutionPrefixHint
from guide_envs.problem import Problem
from guide_envs.wrappers import GUIDED, GuidedTemplate, HintOnFailure

gym.register_envs(guide_envs)
KW: dict[str, Any] = {"families": ["arithmetic", "fractions"], "difficulty": [1, 2]}


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
