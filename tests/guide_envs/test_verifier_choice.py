"""The verifier rule (VerifierChoice): an override, then the problem's metadata, then its domain;
shared by env replicas and the leak guard; copies build their own verifiers."""

from __future__ import annotations

import copy
import pickle

from _verifier_problems import PROBLEMS

from guide_envs import ReasoningEnv, VerifierChoice
from guide_envs.hints.leak import LeakGuard
from guide_envs.sources import ListSource
from verifiers.math import MathVerifier
from verifiers.science import ScienceVerifier


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
