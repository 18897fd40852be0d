"""The chain verifier: answer extraction, edge cases, the optional chain check, the registry."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import pytest

import verifiers
from verifiers import Status
from verifiers.chain import ChainVerifier, evaluate

PROBLEM = SimpleNamespace(prompt="5*18-3*1*9", answer="63")
CHAIN = "90-3*1*9=90-3*9=90-27=63;A:63"


def grade(response, problem=PROBLEM, **kwargs):
    return ChainVerifier(**kwargs).verify(response, problem)


def test_reference_chain_is_correct() -> None:
    verdict = grade(CHAIN)
    assert verdict.correct and verdict.extracted == "63" and verdict.score == 1.0
    assert grade(CHAIN, check_chain=True).correct


@pytest.mark.parametrize(("response", "status", "extracted"), [
    ("A:1;A:63", Status.CORRECT, "63"),             # the last A: counts
    ("A:63;A:1", Status.INCORRECT, "1"),
    ("63;A:63 trailing words", Status.CORRECT, "63"),
    ("63;A:63\n", Status.CORRECT, "63"),
    ("63;A:63;junk", Status.CORRECT, "63"),
    ("63;A:063", Status.CORRECT, "063"),
    ("63;A:+63", Status.CORRECT, "+63"),
    ("90-27=63", Status.NO_ANSWER, None),
    ("", Status.NO_ANSWER, None),
    ("63;A:", Status.UNPARSABLE, ""),
    ("63;A:6x3", Status.UNPARSABLE, "6x3"),
    ("63;A:63.0", Status.UNPARSABLE, "63.0"),
    ("63;A:ＡＢ", Status.UNPARSABLE, "ＡＢ"),
    ("A:" + "9" * 500, Status.UNPARSABLE, "9" * 100),
])
def test_answer_extraction(response: str, status: Status, extracted: str | None) -> None:
    verdict = grade(response)
    assert verdict.status is status, verdict
    assert verdict.extracted == extracted


def test_negative_numbers() -> None:
    negative = SimpleNamespace(prompt="3-5", answer="-2")
    assert grade("-2;A:-2", negative, check_chain=True).correct
    assert grade("A:2", negative).status is Status.INCORRECT
    assert grade("A:-63").status is Status.INCORRECT


def test_huge_and_wrong_type_inputs_give_verdicts() -> None:
    huge = grade("1+" * 100_000 + "A:63")
    assert huge.status is Status.UNPARSABLE and "max_chars" in huge.reason
    assert grade("A:63" * 10, max_chars=10).status is Status.UNPARSABLE
    for bad in (None, 63, b"A:63"):
        assert grade(bad).status is Status.ERROR  # type: ignore[arg-type] - hostile input


@pytest.mark.parametrize("problem", [
    None, SimpleNamespace(answer=None), SimpleNamespace(answer="1/2"), object()])
def test_problem_without_integer_gold_is_an_error(problem: object) -> None:
    verdict = grade(CHAIN, problem)
    assert verdict.status is Status.ERROR and not verdict.correct


@pytest.mark.parametrize(("response", "reason"), [
    ("90-3*1*9=90-3*9=90-20=63;A:63", "state 3"),   # a wrong middle state
    ("91-3*1*9=91-27=63;A:63", "state 1"),          # the first state breaks the prompt's value
    ("90-3*1*9=90-27=64=63;A:63", "state 3"),
    ("90-3*1*9=9 0;A:63", "not an integer expression"),
    ("90-3*1*9=90-27=;A:63", "not an integer expression"),
])
def test_check_chain_rejects_broken_chains(response: str, reason: str) -> None:
    assert grade(response).correct, "without check_chain only the answer counts"
    verdict = grade(response, check_chain=True)
    assert verdict.status is Status.INCORRECT and reason in verdict.reason, verdict


def test_check_chain_compares_the_last_state_with_the_answer() -> None:
    verdict = grade("90-27=63=60+3=62;A:63", SimpleNamespace(prompt="not math", answer="63"),
                    check_chain=True)
    assert not verdict.correct and "state 4" in verdict.reason


@pytest.mark.parametrize(("text", "value"), [
    ("7", 7), ("2*3+4*5", 26), ("10-2-3", 5), ("-2+10", 8), ("5--3", 8), ("2*-3", -6),
    ("", None), ("+5", None), ("2**3", None), ("1+", None), ("(1)", None), ("1 2", None),
    ("1" * 101, None),
])
def test_evaluate(text: str, value: int | None) -> None:
    assert evaluate(text) == value


def test_registry_and_pickling() -> None:
    assert "chain" in verifiers.available()
    verifier = verifiers.get("chain", check_chain=True)
    assert isinstance(verifier, ChainVerifier) and verifier.check_chain
    assert verifier.deadline_s > 0
    clone = pickle.loads(pickle.dumps(verifier))
    assert clone.verify(CHAIN, PROBLEM).correct
    with pytest.raises(ValueError, match="max_chars"):
        ChainVerifier(max_chars=0)


def test_works_in_a_verifier_pool() -> None:
    with verifiers.VerifierPool(workers=1) as pool:
        verdicts = pool.verify_batch([CHAIN, "A:1"], PROBLEM, "chain")
    assert [v.correct for v in verdicts] == [True, False]
