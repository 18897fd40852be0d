"""The first math verifier: extraction and equivalence on ordinary answers."""

from __future__ import annotations

import pytest

from verifiers import Status
from verifiers.math import extract_answer, last_boxed, verify_answer


@pytest.mark.parametrize(("response", "gold"), [
    ("\\boxed{4}", "4"),
    ("so \\boxed{\\frac{1}{2}}", "0.5"),
    ("\\fbox{12}", "12"),
    ("\\boxed{\\boxed{7}}", "7"),
    ("thus $x \\in \\boxed{(-\\infty, 3]}$", "(-\\infty, 3]"),
    ("\\boxed{3, -2}", "-2, 3"),
    ("\\boxed{(x-3)(x+2)}", "x^2 - x - 6"),
    ("\\boxed 5", "5"),
])
def test_equivalent_answers_are_correct(response: str, gold: str) -> None:
    v = verify_answer(response, gold)
    assert v.correct and v.status is Status.CORRECT and v.score == 1.0, v


@pytest.mark.parametrize(("response", "gold", "status"), [
    ("\\boxed{5}", "4", Status.INCORRECT),
    ("we get 4 after simplifying", "4", Status.NO_ANSWER),
    ("<think>\\boxed{4}</think> I give up", "4", Status.NO_ANSWER),
    ("\\boxed{}", "4", Status.NO_ANSWER),
    ("\\boxed{(2, -1)}", "(-1, 2)", Status.INCORRECT),
])
def test_wrong_or_missing_answers(response: str, gold: str, status: Status) -> None:
    v = verify_answer(response, gold)
    assert not v.correct and v.status is status and v.score == 0.0, v


def test_reasoning_block_is_not_graded_but_answer_after_it_is() -> None:
    assert extract_answer("<think>\\boxed{1}</think>\\boxed{2}") == "2"
    assert verify_answer("<think>maybe \\boxed{3}</think> final: \\boxed{4}", "4").correct


def test_last_box_wins_and_unbalanced_boxes_are_skipped() -> None:
    assert last_boxed("\\boxed{1} then \\boxed{2}") == "2"
    assert last_boxed("\\boxed{1} then \\boxed{2") == "1"


# Hostile responses (1 MB, empty, deeply nested braces, ...) from the main thread and from a worker
# thread: tests/verifiers/math/test_verifier_hostile.py, over verifiers.hostile's catalogue.


def test_non_string_response_is_a_verdict_not_an_exception() -> None:
    assert verify_answer(None, "1").status is Status.ERROR  # type: ignore[arg-type]


def test_tolerance_and_bare_numbers_are_configurable() -> None:
    from types import SimpleNamespace

    from verifiers.math import MathVerifier

    pi = SimpleNamespace(answer="\\pi")
    assert not MathVerifier().verify("\\boxed{3.1}", pi).correct
    assert MathVerifier(rel_tol=0.02).verify("\\boxed{3.1}", pi).correct
    bare = SimpleNamespace(answer="42")
    assert MathVerifier().verify("so we get 42", bare).status is Status.NO_ANSWER
    assert MathVerifier(bare_numbers=True).verify("so we get 42", bare).correct
    with pytest.raises(ValueError, match="rel_tol"):
        MathVerifier(rel_tol=-1)
