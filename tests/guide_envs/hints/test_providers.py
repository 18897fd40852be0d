"""The model-free hint providers: the problem's own hint field, a prefix of its solution, the first
that gives one."""

from __future__ import annotations

import re
from typing import Any

import pytest

from guide_envs.hints import (
    FieldHint,
    FirstAvailable,
    HintProvider,
    SolutionPrefixHint,
    solution_steps,
)
from guide_envs.sources import make_source

from ._problems import math


def test_field_hint_reads_the_problem_field() -> None:
    procedural = make_source("procedural", families="arithmetic", size=3)[0]
    assert FieldHint().hint(procedural) == procedural.hint is not None
    assert FieldHint().hint(math("2", hint="  ")) is None
    assert FieldHint().hint(math("2")) is None
    assert isinstance(FieldHint(), HintProvider)


def test_solution_prefix_drops_the_final_answer_and_keeps_a_fraction() -> None:
    problem = make_source("procedural", families="arithmetic", difficulty=2, size=1)[0]
    steps = solution_steps(problem.solution or "")
    assert len(steps) == 4 and not any("boxed" in s or "answer" in s for s in steps)
    assert SolutionPrefixHint(0.5).hint(problem) == "\n".join(steps[:2])
    assert SolutionPrefixHint(0.99).hint(problem) == "\n".join(steps[:3])
    assert SolutionPrefixHint(0.2).hint(problem) is None  # floor(0.8) steps: nothing left
    only_answer = math("4", solution="The answer is $\\boxed{4}$.")
    assert SolutionPrefixHint(0.9).hint(only_answer) is None
    assert SolutionPrefixHint().hint(math("4")) is None


def test_solution_steps_split_sentences_but_not_inside_math() -> None:
    text = "First, note $a = 1. B$ holds. Then add. Final answer: 3"
    assert solution_steps(text) == ["First, note $a = 1. B$ holds.", "Then add."]


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.5"])
def test_solution_prefix_rejects_bad_fractions(fraction: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(fraction))):
        SolutionPrefixHint(fraction)


def test_first_available_takes_the_first_hint() -> None:
    problem = math("2", solution="Add one.\nAdd one more.\nThe answer is 2.")
    assert FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)).hint(problem) == "Add one."
    with_field = math("2", hint="Count.", solution=problem.solution)
    assert FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)).hint(with_field) == "Count."
    assert FirstAvailable(FieldHint()).hint(math("2")) is None
    with pytest.raises(ValueError, match="at least one"):
        FirstAvailable()
    with pytest.raises(TypeError, match="'nope'"):
        FirstAvailable(FieldHint(), "nope")  # type: ignore[arg-type]  # the error under test
