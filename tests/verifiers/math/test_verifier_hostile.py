"""Pathological responses and random LaTeX: always a Verdict, always within the deadline."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiers import Status, Verdict
from verifiers.hostile import CORRECT, GOLD, hostile_responses
from verifiers.math import verify_answer

DEADLINE_S = 2.0
# A hang guard, not a speed claim (benchmarks/deadlines.py measures how close to the deadline each
# response returns): the deadline must fire long before the runaway work would end (minutes to
# forever), while a loaded CI host may add seconds to killing and replacing a worker.
SLACK_S = 5.0


def _check(response: str) -> Verdict:
    started = time.perf_counter()
    verdict = verify_answer(response, GOLD, deadline_s=DEADLINE_S)
    elapsed = time.perf_counter() - started
    assert isinstance(verdict, Verdict) and isinstance(verdict.status, Status)
    assert elapsed < DEADLINE_S + SLACK_S, f"took {elapsed:.2f} s"
    return verdict


NAMES = list(hostile_responses())


@pytest.mark.parametrize("name", NAMES)
def test_pathological_from_the_main_thread(name: str) -> None:
    verdict = _check(hostile_responses()[name])
    assert verdict.correct == (name in CORRECT), verdict


@pytest.mark.parametrize("name", NAMES)
def test_pathological_from_a_worker_thread(name: str) -> None:
    errors: list[BaseException] = []
    verdicts: list[Verdict] = []

    def run() -> None:
        try:
            verdicts.append(_check(hostile_responses()[name]))
        except BaseException as exc:  # noqa: BLE001 - re-raised below in the test thread
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=DEADLINE_S + 30)
    assert not thread.is_alive()
    assert not errors, errors
    assert verdicts[0].correct == (name in CORRECT), verdicts[0]


# --- property-based ------------------------------------------------------------------------

_atoms = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False).map(str),
    st.sampled_from(["x", "y", "\\pi", "e", "\\infty", "i", "n"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        pair.map(lambda p: f"\\frac{{{p[0]}}}{{{p[1]}}}"),
        children.map(lambda c: f"\\sqrt{{{c}}}"),
        pair.map(lambda p: f"{p[0]} + {p[1]}"),
        pair.map(lambda p: f"{p[0]} - {p[1]}"),
        pair.map(lambda p: f"{p[0]} \\cdot {p[1]}"),
        pair.map(lambda p: f"({p[0]})^{{{p[1]}}}"),
        pair.map(lambda p: f"({p[0]}, {p[1]})"),
        pair.map(lambda p: f"[{p[0]}, {p[1]}]"),
        pair.map(lambda p: f"\\{{{p[0]}, {p[1]}\\}}"),
        children.map(lambda c: f"\\ln({c})"),
        children.map(lambda c: f"{c}\\%"),
    )


latex_answers = st.recursive(_atoms, _combine, max_leaves=6)
_noise = st.text(alphabet=st.sampled_from(list("{}\\^_$()[],.=+-*/ 0123456789xabcdefg\n\x00")),
                 max_size=60)

_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(gold=latex_answers)
def test_gold_in_a_box_is_always_correct(gold: str) -> None:
    verdict = verify_answer(f"So the answer is \\boxed{{{gold}}}.", gold, deadline_s=DEADLINE_S)
    assert verdict.correct, (gold, verdict)


@_SETTINGS
@given(gold=latex_answers, noise=_noise, cut=st.integers(0, 40))
def test_mutated_latex_never_raises_or_overruns(gold: str, noise: str, cut: int) -> None:
    response = "\\boxed{" + gold[:cut] + noise + gold[cut:] + "}"
    started = time.perf_counter()
    verdict = verify_answer(response, gold, deadline_s=DEADLINE_S)
    assert isinstance(verdict, Verdict)
    assert time.perf_counter() - started < DEADLINE_S + SLACK_S


@_SETTINGS
@given(response=st.text(max_size=300), gold=latex_answers)
def test_random_text_never_raises_or_overruns(response: str, gold: str) -> None:
    started = time.perf_counter()
    verdict = verify_answer(response, gold, deadline_s=DEADLINE_S)
    assert isinstance(verdict, Verdict)
    assert time.perf_counter() - started < DEADLINE_S + SLACK_S
