"""The env protocol as Protocol classes, batch grading by problem id, and the verifier rule."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import gymnasium as gym
import pytest
from _bare_env import BareEnv

from guide_envs import BatchGradingEnv, EnvProtocol, Problem, ReasoningEnv, VerifierChoice
from guide_envs.hints.leak import LeakGuard
from guide_envs.sources import ListSource
from verifiers import VerifierPool
from verifiers.math import MathVerifier
from verifiers.science import ScienceVerifier

PROBLEMS = [
    Problem(id="m1", domain="math", prompt="2+2?", answer="4"),
    Problem(id="s1", domain="science", prompt="Which is a noble gas?", answer="B",
            choices=("Oxygen", "Neon", "Iron")),
    # a math problem whose metadata names the science verifier, which reads option texts
    Problem(id="c1", domain="math", prompt="Which is a prime?", answer="B",
            choices=("Nine", "Seven", "Four"), metadata={"verifier": "science"}),
    Problem(id="m2", domain="math", prompt="1/2 as a decimal?", answer="0.5"),
]
COMPLETIONS = ["\\boxed{4}", "The answer is (B).", "\\boxed{Seven}", "\\boxed{0.6}", "no idea",
               "\\boxed{\\frac{1}{2}}"]
IDS = ["m1", "s1", "c1", "m2", "m1", "m2"]


def _by_step(env: ReasoningEnv) -> list[dict[str, Any]]:
    verdicts = []
    for problem_id, completion in zip(IDS, COMPLETIONS, strict=True):
        env.reset(options={"problem_id": problem_id})
        verdicts.append(env.step(completion)[4]["verdict"])
    return verdicts


def test_guide_envs_follow_both_protocols_a_bare_env_only_the_basic_one() -> None:
    env = gym.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
    assert isinstance(env, EnvProtocol) and isinstance(env.unwrapped, BatchGradingEnv)
    assert isinstance(BareEnv(), EnvProtocol) and not isinstance(BareEnv(), BatchGradingEnv)
    assert not isinstance(object(), EnvProtocol)


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


def test_the_verifier_rule_override_then_metadata_then_domain() -> None:
    math, science, named_in_metadata = PROBLEMS[0], PROBLEMS[1], PROBLEMS[2]
    choice = VerifierChoice()
    assert isinstance(choice.for_problem(math), MathVerifier)
    assert isinstance(choice.for_problem(science), ScienceVerifier)
    assert isinstance(choice.for_problem(named_in_metadata), ScienceVerifier)  # before domain
    assert choice.for_problem(math) is choice.for_problem(PROBLEMS[3])  # one object per name
    named = VerifierChoice("math")
    assert all(isinstance(named.for_problem(p), MathVerifier) for p in PROBLEMS)
    given = MathVerifier(deadline_s=2.0)
    assert all(VerifierChoice(given).for_problem(p) is given for p in PROBLEMS)


def test_the_rule_is_shared_by_env_replicas_and_the_leak_guard() -> None:
    env = ReasoningEnv(ListSource(PROBLEMS))
    twin = env.replica()
    assert twin.verifier_for(PROBLEMS[2]) is env.verifier_for(PROBLEMS[2])
    # the science verifier, named in c1's metadata, reads the option text as the answer
    assert LeakGuard().leaks("Think of Seven.", PROBLEMS[2])
    assert not LeakGuard(verifier="math").leaks("Think of Seven.", PROBLEMS[2])


def test_a_copied_or_pickled_choice_builds_its_own_verifiers() -> None:
    choice = VerifierChoice("science")
    built = choice.for_problem(PROBLEMS[0])
    for twin in (pickle.loads(pickle.dumps(choice)), copy.deepcopy(choice)):
        assert twin.verifier == "science"
        assert isinstance(twin.for_problem(PROBLEMS[0]), ScienceVerifier)
        assert twin.for_problem(PROBLEMS[0]) is not built
