"""HumanEval (load_humaneval): canonical solutions pass, deliberately buggy ones fail."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import verifiers
from guide_envs.problem import Problem
from guide_envs.sources.code_datasets import load_humaneval
from verifiers.code import extract_program

pytestmark = pytest.mark.needs_sandbox

# Appended to a solution: the entry point keeps working but returns a perturbed value.
_BUG = '''
_correct_{name} = {name}
def _perturb(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, (list, tuple)):
        return type(value)([*value, None])
    if value is None:
        return 0
    return None
def {name}(*args, **kwargs):
    return _perturb(_correct_{name}(*args, **kwargs))
'''


@pytest.fixture(scope="module")
def problems() -> list[Problem]:
    loaded = list(load_humaneval())
    assert len(loaded) == 164
    return loaded


def _grade(problems: list[Problem], bug: bool) -> list[verifiers.Verdict]:
    verifier = verifiers.get("code")

    def one(problem: Problem) -> verifiers.Verdict:
        program = extract_program(problem.solution or "")
        if bug:
            program += _BUG.format(name=problem.metadata["entry_point"])
        return verifier.verify(f"```python\n{program}```", problem)

    with ThreadPoolExecutor(4) as executor:
        return list(executor.map(one, problems))


def test_all_canonical_solutions_pass(problems: list[Problem]) -> None:
    started = time.perf_counter()
    verdicts = _grade(problems, bug=False)
    print(f"\nHumanEval canonical: {len(problems)} in {time.perf_counter() - started:.1f} s")
    failed = {p.id: v.reason for p, v in zip(problems, verdicts, strict=True)
              if not v.correct}
    assert failed == {}


def test_every_buggy_solution_fails(problems: list[Problem]) -> None:
    started = time.perf_counter()
    verdicts = _grade(problems, bug=True)
    print(f"\nHumanEval buggy: {len(problems)} in {time.perf_counter() - started:.1f} s")
    passed = [p.id for p, v in zip(problems, verdicts, strict=True) if v.correct]
    assert passed == []
    assert all(v.status is verifiers.Status.INCORRECT for v in verdicts)


@pytest.mark.parametrize(("number", "program"), [
    # the helpers the prompts show are the tests' own copies: redefining them changes nothing
    (38, "def encode_cyclic(s):\n    return s\ndef decode_cyclic(s):\n    return s\n"),
    (50, "def encode_shift(s):\n    return s\ndef decode_shift(s):\n    return s\n"),
    (32, "def poly(xs, x):\n    return 0.0\ndef find_zero(xs):\n    return 12345.0\n"),
])
def test_prompt_helpers_are_trusted_copies(problems: list[Problem], number: int,
                                           program: str) -> None:
    problem = problems[number]
    assert problem.metadata["setup_code"]
    verdict = verifiers.get("code").verify(f"```python\n{program}```", problem)
    assert not verdict.correct, verdict.reason
