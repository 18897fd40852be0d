"""ReasoningEnv against the env protocol, through Gymnasium's own machinery; a code problem whose
sandbox cannot start; batch grading by problem id."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest
from _sandbox_unavailable import _check_warning, _run
from _verifier_problems import PROBLEMS
from gymnasium.error import ResetNeeded
from gymnasium.utils.env_checker import check_env

import guide_envs
from guide_envs import Problem, ReasoningEnv
from guide_envs.sources import ListSource
from guide_envs.sources.procedural import ProceduralSource
from verifiers import VerifierPool

gym.register_envs(guide_envs)


@pytest.mark.parametrize("env_id", guide_envs.ENV_IDS)
def test_check_env_passes_without_warnings(env_id: str) -> None:
    env = gym.make(env_id)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)


@pytest.mark.parametrize("env_id", guide_envs.ENV_IDS)
def test_module_prefixed_id_works_in_a_fresh_interpreter(env_id: str) -> None:
    code = ("import gymnasium as gym\n"
            f"env = gym.make('guide_envs:{env_id}')\n"
            "obs, info = env.reset(seed=3)\n"
            "print(info['problem_id'])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip().count("/") == 3


def test_make_vec_steps_a_batch_of_eight() -> None:
    envs = gym.make_vec("guide/Math-v0", num_envs=8, families=["arithmetic"], difficulty=1)
    obs, infos = envs.reset(seed=0)
    assert len(obs) == 8 and all(isinstance(o, str) for o in obs)
    ids = list(infos["problem_id"])
    source = ProceduralSource(families="arithmetic", difficulty=1)
    answers = [source.find(pid).answer for pid in ids]
    actions = tuple(f"\\boxed{{{a}}}" if i % 2 == 0 else "\\boxed{x}"
                    for i, a in enumerate(answers))
    _, rewards, terminated, truncated, infos = envs.step(actions)
    assert list(rewards) == [1.0, 0.0] * 4
    assert terminated.all() and not truncated.any()
    envs.close()


def test_reset_replays_a_problem_by_id_and_by_index() -> None:
    env = gym.make("guide/Math-v0", difficulty=3)
    obs, info = env.reset(seed=11)
    again, info2 = env.reset(options={"problem_id": info["problem_id"]})
    assert again == obs and info2["problem_id"] == info["problem_id"]
    by_index, info3 = env.reset(options={"index": 5})
    assert info3["problem_id"] == env.unwrapped.source[5].id
    with pytest.raises(ValueError, match="unknown reset options"):
        env.reset(options={"problem": "x"})


def test_same_seed_same_problem_different_seed_different_problem() -> None:
    env = gym.make("guide/Math-v0")
    a = env.reset(seed=1)[1]["problem_id"]
    b = env.reset(seed=1)[1]["problem_id"]
    c = env.reset(seed=2)[1]["problem_id"]
    assert a == b != c


def test_step_grades_and_terminates() -> None:
    env = gym.make("guide/Math-v0", families=["arithmetic"], difficulty=2)
    _, info = env.reset(seed=4)
    gold = env.unwrapped.problem.answer
    _, reward, terminated, truncated, info = env.step(f"So it is \\boxed{{{gold}}}.")
    assert (reward, terminated, truncated) == (1.0, True, False)
    assert info["verdict"]["status"] == "correct" and info["verdict"]["extracted"] == gold
    assert env.unwrapped.last_verdict.elapsed_s > 0
    with pytest.raises(ResetNeeded):
        env.step("again")


def test_step_before_reset_is_a_clear_error() -> None:
    env = ReasoningEnv(ProceduralSource())
    with pytest.raises(ResetNeeded, match="reset"):
        env.step("\\boxed{1}")


_CODE = pytest.mark.needs_sandbox  # stepping a code env runs the program in the sandbox


@pytest.mark.parametrize(("env_id", "source"), [
    ("guide/Science-v0", {"source": "mmlu", "path": "mmlu_stem.jsonl", "limit": 20}),
    ("guide/Science-v0", {"source": "aqua", "path": "aqua.jsonl", "limit": 20}),
    pytest.param("guide/Code-v0", {"source": "mbpp", "path": "mbpp.jsonl", "limit": 20},
                 marks=_CODE),
    pytest.param("guide/Code-v0", {"source": "stdio", "path": "stdio_problems.jsonl",
                                   "limit": 10}, marks=_CODE),
    pytest.param("guide/Code-v0", {"source": "humaneval", "limit": 50}, marks=_CODE),
])
def test_adapters_make_envs_that_never_show_the_gold(env_id: str, source: dict[str, Any],
                                                      reference_data: Path) -> None:
    if "path" in source:
        source = {**source, "path": str(reference_data / source["path"])}
    env = gym.make(env_id, **source)
    for seed in range(5):
        obs, info = env.reset(seed=seed)
        problem = env.unwrapped.problem
        # the solution, and every test but the first (MBPP prompts show one, as EvalPlus does)
        shown = problem.tests[:1]
        hidden = [problem.solution or "",
                  *(t for t in problem.tests if isinstance(t, str) and t not in shown)]
        assert not [h for h in hidden if len(h) > 20 and h in obs + repr(info)]
    if problem.solution:  # the reference solution passes in the env
        _, reward, terminated, _, _ = env.step(problem.solution)
        assert terminated and reward == 1.0, env.unwrapped.last_verdict


def test_gold_never_appears_before_grading() -> None:
    problem = Problem(id="secret", domain="math", prompt="What is six times seven?",
                      answer="4242", hint="multiply 6 by 7", solution="6*7 = \\boxed{4242}")
    env = ReasoningEnv(ListSource([problem]))
    obs, info = env.reset(seed=0)
    assert "4242" not in obs and "4242" not in repr(info)
    assert "multiply" not in repr(info)


def test_messages_hold_the_same_prompt() -> None:
    env = gym.make("guide/Math-v0")
    obs, info = env.reset(seed=0)
    assert info["messages"] == [{"role": "user", "content": obs}]
    assert "\\boxed{}" in obs


def test_render_ansi_shows_the_verdict() -> None:
    env = gym.make("guide/Math-v0", render_mode="ansi", families=["arithmetic"])
    env.reset(seed=0)
    env.step("no idea")
    text = env.render()
    assert "no_answer" in text


def test_non_text_action_is_a_clear_error() -> None:
    env = gym.make("guide/Math-v0", disable_env_checker=True)
    env.reset(seed=0)
    with pytest.raises(TypeError, match="completion text"):
        env.step(42)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"families": ["nope"]}, "unknown family"),
    ({"difficulty": 9}, "difficulty must be in 1..5"),
    ({"source": "nowhere"}, "unknown source"),
])
def test_bad_kwargs_name_the_offending_value(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gym.make("guide/Math-v0", **kwargs)


def test_env_step_warns_once_and_marks_the_verdict_unavailable(tmp_path: Path) -> None:
    result = _run("""
        env = gym.make("guide/Code-v0", source="mbpp", path=DATA,
                       verifier=CodeVerifier(backend="docker"))
        steps = []
        for _ in range(3):
            env.reset(options={"problem_id": "mbpp/2"})
            _, reward, terminated, _, info = env.step(SOLUTION)
            steps.append([reward, terminated, info["verdict"]])
        finish({"steps": steps})
    """, tmp_path)
    for reward, terminated, verdict in result["steps"]:
        assert (reward, terminated, verdict["status"]) == (0.0, True, "unavailable")
        assert verdict["reason"].startswith("sandbox unavailable: sandbox.open('docker') failed")
    _check_warning(result["warnings"], "guide/Code-v0")


COMPLETIONS = ["\\boxed{4}", "The answer is (B).", "\\boxed{Seven}", "\\boxed{0.6}", "no idea",
               "\\boxed{\\frac{1}{2}}"]
IDS = ["m1", "s1", "c1", "m2", "m1", "m2"]


def _by_step(env: ReasoningEnv) -> list[dict[str, Any]]:
    verdicts = []
    for problem_id, completion in zip(IDS, COMPLETIONS, strict=True):
        env.reset(options={"problem_id": problem_id})
        verdicts.append(env.step(completion)[4]["verdict"])
    return verdicts


def test_grade_batch_gives_the_verdicts_of_step_in_input_order() -> None:
    env = ReasoningEnv(ListSource(PROBLEMS))
    expected = _by_step(env)
    assert [v["status"] for v in expected] == ["correct", "correct", "correct", "incorrect",
                                               "no_answer", "correct"]
    with VerifierPool(workers=2) as pool:
        pooled = env.grade_batch(IDS, COMPLETIONS, pool)
    here = env.grade_batch(IDS, COMPLETIONS)
    for got in (pooled, here):
        assert [v.to_dict(timing=False) for v in got] == expected


def test_grade_batch_leaves_the_episode_alone() -> None:
    env = ReasoningEnv(ListSource(PROBLEMS))
    env.reset(options={"problem_id": "m1"})
    assert [v.correct for v in env.grade_batch(["m2"], ["\\boxed{0.5}"])] == [True]
    assert env.problem.id == "m1"
    assert env.step("\\boxed{4}")[1] == 1.0


def test_grade_batch_rejects_unknown_ids_and_length_mismatch() -> None:
    env = ReasoningEnv(ListSource(PROBLEMS))
    with pytest.raises(KeyError):
        env.grade_batch(["no-such-id"], ["\\boxed{1}"])
    with pytest.raises(ValueError, match="2 problem ids for 1 completions"):
        env.grade_batch(["m1", "m2"], ["\\boxed{4}"])
