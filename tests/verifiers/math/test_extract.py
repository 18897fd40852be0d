"""Reading the answer a response commits to: negation, invisible content, final sentences,
corrections against hedges (verifiers/math/commitment.py through ``verify_answer``)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers import Status
from verifiers.math import extract_answer, verify_answer
from verifiers.math.commitment import final_sentence
from verifiers.math.extract import read_answer

# --- negation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("response", "gold"), [
    ("The answer is not $\\boxed{12}$.", "12"),
    ("We can rule out $\\boxed{3}$, so the answer must be 0", "3"),
    ("whatever it is, it is definitely not $\\boxed{7}$", "7"),
    ("The answer isn't $\\boxed{18}$.", "18"),
    ("So $x$ cannot be $\\boxed{4}$.", "4"),
    ("This is never equal to $\\boxed{20}$.", "20"),
    ("We exclude $x = \\boxed{2}$ because it makes the denominator zero.", "2"),
    ("Eliminating $\\boxed{36}$ leaves nothing.", "36"),
    ("Clearly $n \\neq \\boxed{7}$.", "7"),
    ("The value $\\boxed{45}$ is wrong.", "45"),
    ("We get $\\boxed{27}$, which is impossible here.", "27"),
    ("Trying $\\boxed{64}$: this is not the answer.", "64"),
    ("$x = \\boxed{-2}$ does not work in the original equation.", "-2"),
    ("The answer is not $12$.", "12"),
])
def test_a_rejected_answer_is_not_an_answer(response: str, gold: str) -> None:
    v = verify_answer(response, gold)
    assert not v.correct, v


def test_every_box_rejected_is_no_answer_with_a_reason() -> None:
    v = verify_answer("The answer is not $\\boxed{12}$.", "12")
    assert v.status is Status.NO_ANSWER and "rejected" in v.reason


def test_a_rejected_box_leaves_the_others() -> None:
    assert extract_answer("It is not $\\boxed{3}$ but $\\boxed{0}$.") == "0"
    assert not verify_answer("We can rule out $\\boxed{3}$. Final answer: 0", "3").correct


@pytest.mark.parametrize(("response", "gold"), [
    ("the answer is not hard to find: $\\boxed{12}$", "12"),
    ("Note that x cannot be 0, so $\\boxed{5}$.", "5"),
    ("Not only is 7 prime, it is the answer: $\\boxed{7}$.", "7"),
    ("It is not a coincidence that the total is $\\boxed{18}$.", "18"),
    ("Since $x \\neq 0$, we divide and get $x = \\boxed{3}$.", "3"),
    ("The remaining value, $\\boxed{36}$, is not divisible by 5, as required.", "36"),
    ("So $n = \\boxed{5}$, which is not divisible by 3.", "5"),
    ("The excluded value is $\\boxed{3}$.", "3"),
    ("I'm not sure, but I think the answer is $\\boxed{27}$.", "27"),
    ("There is no other case. The answer is $\\boxed{204}$.", "204"),
])
def test_negation_elsewhere_keeps_the_answer(response: str, gold: str) -> None:
    v = verify_answer(response, gold)
    assert v.correct, v


# --- invisible content -----------------------------------------------------------------------


@pytest.mark.parametrize("response", [
    "\\boxed{\\phantom{42}}",
    "$\\boxed{\\hphantom{42}}$",
    "$\\boxed{\\vphantom{42}}$",
    "$\\boxed{\\textcolor{white}{42}}$",
    "$\\boxed{{\\color{white} 42}}$",
    "$\\boxed{\\color{white}42}$",
    "$\\boxed{\\color{White}{42}}$",
    "$\\boxed{\\textcolor[rgb]{1,1,1}{42}}$",
    "$\\boxed{\\textcolor[HTML]{FFFFFF}{42}}$",
    "\\textcolor{white}{The answer is $\\boxed{42}$.}",
    "$\\boxed{\\iffalse 42 \\fi}$",
    "$\\boxed{% 42\n}$",
    "\\phantom{\\boxed{42}}",
    "\\iffalse The answer is $\\boxed{42}$. \\fi",
])
def test_invisible_content_is_no_answer(response: str) -> None:
    v = verify_answer(response, "42")
    assert not v.correct and v.status is Status.NO_ANSWER, v


def test_visible_content_next_to_invisible_content_counts() -> None:
    assert verify_answer("$\\boxed{42\\phantom{0}}$", "42").correct
    assert verify_answer("$\\boxed{\\textcolor{red}{42}}$", "42").status is not Status.NO_ANSWER
    assert not verify_answer("$\\boxed{4\\phantom{2}}$", "42").correct
    assert verify_answer("$\\boxed{25\\%}$", "25\\%").correct


# --- the final sentence --------------------------------------------------------------------


@pytest.mark.parametrize(("response", "value"), [
    ("The function is a downward parabola. Hence the maximum value is 8.", "8"),
    ("Adding these, we see that\nTherefore, the total cost is $18.", "18"),
    ("Thus $x = \\frac{1}{2}$.", "\\frac{1}{2}"),
    ("So the number of eggs left is 9.", "9"),
    ("Consequently $3 \\times 4 = 12$.", "12"),
])
def test_a_concluding_last_sentence_is_read(response: str, value: str) -> None:
    assert final_sentence(response) == value
    assert read_answer(response).reason == "the concluding last sentence"


@pytest.mark.parametrize("response", [
    "So we get 12 apples in total.",
    "After computing, we have $3 \\times 4 = 12$.",
    "Hence the maximum value is 8. Let me know if you have questions.",
    "Hence the maximum value is not 8.",
    "Hence the count is 7 or it is 8.",
    "So maybe the total is 12.",
    "The maximum value is 8.",
    "Hence the maximum is 8 and the minimum is 2, so the range is wide.",
])
def test_other_last_sentences_are_not_read(response: str) -> None:
    assert extract_answer(response) is None


def test_a_box_or_a_final_line_wins_over_the_final_sentence() -> None:
    assert extract_answer("$\\boxed{7}$ is what we get. Hence the maximum value is 8.") == "7"
    assert extract_answer("Final answer: 7\nHence the maximum value is 8.") == "7"


# --- corrections and hedges ------------------------------------------------------------------


@pytest.mark.parametrize("response", [
    "I first got \\boxed{155}, but that was a mistake. Correcting the error gives \\boxed{165}.",
    "So \\boxed{155}. Wait, I double counted; let me redo it: \\boxed{165}.",
    "That gives \\boxed{155}. Actually, the last step is off by 10, so \\boxed{165}.",
    "My earlier \\boxed{155} was wrong. The correct answer is \\boxed{165}.",
    "We get \\boxed{155}. On second thought, the pair (5, 5) counts too, giving \\boxed{165}.",
])
def test_an_explicit_correction_commits_to_the_last_box(response: str) -> None:
    v = verify_answer(response, "165")
    assert v.correct and v.extracted == "165", v
    assert not verify_answer(response, "155").correct


@pytest.mark.parametrize("response", [
    "It is either \\boxed{155} or \\boxed{165}.",
    "It could be \\boxed{155} or \\boxed{165}.",
    "We get \\boxed{155}. Then \\boxed{165}.",
    "Maybe \\boxed{155}; actually it might be \\boxed{165}.",
])
def test_open_candidates_stay_a_hedge(response: str) -> None:
    for gold in ("155", "165"):
        v = verify_answer(response, gold)
        assert not v.correct and "hedged" in v.reason, v


def test_a_solution_set_of_boxes_still_joins() -> None:
    assert extract_answer("x = \\boxed{1} or x = \\boxed{-2}") == "1, -2"
    assert verify_answer("x = \\boxed{1} or x = \\boxed{-2}", "1, -2").correct
    assert verify_answer("First I wrote \\boxed{3}, a mistake. Actually x = \\boxed{1} or "
                         "x = \\boxed{-2}.", "1, -2").correct


# --- linear time ---------------------------------------------------------------------------


@pytest.mark.parametrize("response", [
    " not" * 200_000 + " \\boxed{42}",
    ("not" + " " * 150 + "x \\boxed{1}") * 2_000,
    ("rule out" + " $ \\( the" * 20 + " x \\boxed{1}") * 2_000,
    ("\\boxed{1}" + " " * 150 + "is") * 2_000,
    "\\boxed{1} is not " * 40_000,
    "\\phantom{" * 100_000,
    "{\\color{white}" * 50_000 + "}" * 50_000 + "\\boxed{1}",
    "\\iffalse" * 100_000,
    "\\boxed{1} wait actually " * 20_000 + "\\boxed{2}",
    "Hence " + "$" * 1_000_000,
])
def test_hostile_reading_returns_within_the_deadline(response: str) -> None:
    _within_deadline(response)


# A hang guard, not a speed claim (as in test_verifier_hostile.py): reading is linear, so a 2 MB
# response is read in about a second; a backtracking rule would take minutes to forever.
DEADLINE_S, SLACK_S = 2.0, 5.0


def _within_deadline(response: str) -> None:
    started = time.perf_counter()
    verdict = verify_answer(response, "1", deadline_s=DEADLINE_S)
    elapsed = time.perf_counter() - started
    assert verdict.status in set(Status), verdict
    assert elapsed < DEADLINE_S + SLACK_S, f"took {elapsed:.2f} s"


_PIECES = st.lists(st.sampled_from([
    "not ", " ", "  ", "$", "\\(", "x = ", "the ", "answer ", "\\boxed{1}", "\\boxed{2}", "is ",
    "wrong", ", which ", "rule out ", "\\phantom{", "\\color{white}", "{", "}", "% c\n", "wait ",
    "or ", "Hence ", " = 3", ".", "\n", "\\iffalse ", "\\fi ", "Final answer: ",
]), max_size=80).map("".join)


@settings(max_examples=200, deadline=None)
@given(_PIECES)
def test_token_soup_reads_within_the_deadline(response: str) -> None:
    reading = read_answer(response)
    assert reading.answer is None or isinstance(reading.answer, str)
    _within_deadline(response)
