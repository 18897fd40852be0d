"""The leak guard: hints that state the answer are redacted or rejected, the rest pass untouched;
GuardedHint puts a provider behind it."""

from __future__ import annotations

import logging

import pytest

from guide_envs.hints import REDACTED, FieldHint, GuardedHint, HintProvider, LeakGuard
from guide_envs.problem import Problem
from guide_envs.sources import make_source

from ._problems import math


def science(answer: str, choices: tuple[str, ...] = ()) -> Problem:
    return Problem(id="s", domain="science", prompt="Which one?", answer=answer,
                   choices=choices)


SKY = science("C", ("red", "green", "blue"))

LEAKS = [
    ("It comes to 0.5 in the end.", math(r"\frac{1}{2}"), "It comes to […] in the end."),
    ("Take half, i.e. 1/2 of it.", math(r"\frac{1}{2}"), "Take half, i.e. […] of it."),
    # the math verifier reads 50% as 0.5, so a percentage states a fractional answer
    ("That is 50\\% of the whole.", math(r"\frac12"), "That is […] of the whole."),
    ("So x = 3 at the end.", math("3"), "So x = […] at the end."),
    ("So $x = 3$ at the end.", math("3"), "So $x = […]$ at the end."),
    ("Thus $\\boxed{7}$ it is.", math("7"), "Thus $[…]$ it is."),
    ("Box it: \\boxed{-4}.", math("-4"), "Box it: \\boxed{[…]}."),
    ("Write \\frac{31}{323} now.", math(r"\frac{31}{323}"), "Write […] now."),
    ("It simplifies to $\\sqrt{2}/2$.", math(r"\frac{\sqrt2}{2}"), "It simplifies to $[…]$."),
    ("Reduce to sqrt(2)/2 first.", math(r"\frac{\sqrt2}{2}"), "Reduce to […] first."),
    ("The rod is 100 cm long.", science("1 m"), "The rod is […] long."),
    ("The rod is $100\\,\\text{cm}$ long.", science("1 m"), "The rod is $[…]$ long."),
    ("Then $3822 + 92 = 3914$.", math("3914"), "Then $[…] = […]$."),
    ("So $z = -18$ or $z = -7$.", math("-18, -7"), "So $z = […]$ or $z = […]$."),
    ("The answer is (C).", SKY, "The answer is ([…])."),
    ("Rayleigh scattering makes it look Blue.", SKY, "Rayleigh scattering makes it look […]."),
]


@pytest.mark.parametrize(("hint", "problem", "redacted"), LEAKS)
def test_leaks_are_redacted(hint: str, problem: Problem, redacted: str,
                            caplog: pytest.LogCaptureFixture) -> None:
    guard = LeakGuard()
    with caplog.at_level(logging.WARNING, logger="guide_envs.hints.leak"):
        assert guard.check(hint, problem) == redacted
    assert "states the answer" in caplog.text
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 1, "redacted": 1, "rejected": 0}


@pytest.mark.parametrize(("hint", "problem", "redacted"), LEAKS[:4])
def test_reject_mode_drops_leaking_hints(hint: str, problem: Problem, redacted: str) -> None:
    guard = LeakGuard("reject")
    assert guard.check(hint, problem) is None
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 1, "redacted": 0, "rejected": 1}


SAFE = [
    ("Start from 2 and 7, then add 11.", math("3")),
    ("Multiply 820 by 185, then divide by a hundred.", math("1517")),
    ("Half of it is not the point; use 0.25 and $\\frac{3}{4}$.", math(r"\frac{1}{2}")),
    ("Convert 100 cm first.", science("2 m")),
    ("Red light scatters least; think about option A.", SKY),
    # restating the question's own expression tells nothing
    ("Compute $\\frac{13}{19} - \\frac{10}{17}$ over a common denominator.",
     math(r"\frac{31}{323}", prompt="Compute $\\frac{13}{19} - \\frac{10}{17}$ exactly.")),
]


@pytest.mark.parametrize(("hint", "problem"), SAFE)
def test_hints_without_the_answer_pass_untouched(hint: str, problem: Problem) -> None:
    guard = LeakGuard()
    assert guard.check(hint, problem) == hint
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 0, "redacted": 0, "rejected": 0}


def test_code_problems_and_missing_hints_pass_through() -> None:
    code = Problem(id="c", domain="code", prompt="Write f.", tests=("assert f() == 1",))
    guard = LeakGuard()
    assert guard.check("return 1", code) == "return 1"
    assert guard.check(None, math("1")) is None
    assert guard.stats.checked == 0


def test_procedural_field_hints_are_safe() -> None:
    source = make_source("procedural", difficulty=[1, 3], size=22)
    guard = LeakGuard()
    for problem in source:
        assert guard.check(problem.hint, problem) == problem.hint, problem.id


def test_guarded_hint_and_mode_validation() -> None:
    provider = GuardedHint(FieldHint(), LeakGuard())
    assert provider.hint(math("5", hint="It is 5.")) == f"It is {REDACTED}."
    assert provider.hint(math("5", hint="Add.")) == "Add."
    assert isinstance(provider, HintProvider)
    with pytest.raises(ValueError, match="'hide'"):
        LeakGuard("hide")  # type: ignore[arg-type]  # the error under test
    with pytest.raises(TypeError, match="42"):
        GuardedHint(42)  # type: ignore[arg-type]  # the error under test
