"""The trusted side of function-call tests (verifiers/code_calls.py) and its wire format.

What crosses from the sandbox is decoded strictly; what tests do with the candidate's objects
(mutate arguments, hold instances, iterate generators, expect exceptions) works as if the test
ran next to the candidate.
"""

from __future__ import annotations

import textwrap
import time
from decimal import Decimal
from fractions import Fraction

import pytest

from guide_envs.problem import Problem
from verifiers import Status
from verifiers.code import CodeVerifier
from verifiers.code_calls import MAX_NODES, STUCK_GRACE_S, decode, encode


@pytest.mark.parametrize("value", [
    None, True, 0, -12345678901234567890, 1.5, float("inf"), 1e-300, complex(1, -2), "", "é\x00",
    b"\x00\xff", bytearray(b"ab"), [1, [2, (3,)]], (), {1, "a"}, frozenset({2}),
    {"k": [1, 2], 3: None}, Fraction(-1, 3), Decimal("0.1"), range(2, 10, 3), int, len])
def test_plain_values_round_trip(value: object) -> None:
    back = decode(encode(value))
    assert back == value and type(back) is type(value)


@pytest.mark.parametrize("node", [
    ["i", "12x"], ["i", 12], ["i", "9" * 5000], ["f", "1" * 50], ["s", 3], ["b", 1], ["n", 1],
    ["l", "abc"], ["d", [[["l", []], ["n"]]]],  # an unhashable key
    ["q", "1", "0"], ["D", "not a number"], ["y", "%%%"], ["h", 1],  # a handle needs a session
    ["x"], [], "s", None, ["r", "1", "2"], ["B", "__import__"], ["B", "True"], ["B", "nope"],
    ["B", "exec"], ["B", "open"]])
def test_malformed_values_are_refused(node: object) -> None:
    with pytest.raises(ValueError):
        decode(node)


def test_a_flood_of_nodes_is_refused() -> None:
    with pytest.raises(ValueError, match="too large"):
        decode(["l", [["n"]] * (MAX_NODES + 1)])


def test_only_plain_values_cross_into_the_sandbox() -> None:
    with pytest.raises(TypeError, match="only plain values"):
        encode(lambda x: x)


def _problem(*tests: str, setup: str = "") -> Problem:
    return Problem(id="t", domain="code", prompt="x", tests=tests,
                   metadata={"setup_code": setup} if setup else {})


CANDIDATE = textwrap.dedent("""
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b
        def total(self):
            return self.a + self.b
        def __len__(self):
            return 2
        def __str__(self):
            return f"Pair({self.a}, {self.b})"
    def total(pairs):
        return sum(p.total() for p in pairs)
    def sort_in_place(items, index=None):
        items.sort()
        if index is not None:
            index["sorted"] = True
    def count_up(n):
        yield from range(n)
    def checked_sqrt(x):
        if x < 0:
            raise ValueError("negative")
        return x ** 0.5
    class Oops(Exception):
        pass
    def fails():
        raise Oops("mine")
    LIMIT = 7
""")


@pytest.mark.needs_sandbox
@pytest.mark.parametrize("test", [
    "p = Pair(1, 2)\nassert p.a == 1 and p.total() == 3 and len(p) == 2 and str(p) == 'Pair(1, 2)'",
    "assert total([Pair(1, 2), Pair(3, 4)]) == 10",
    "p = Pair(1, 2)\np.b = 5\nassert p.total() == 6",
    "items, index = [3, 1, 2], {}\nsort_in_place(items, index=index)\n"
    "assert items == [1, 2, 3] and index == {'sorted': True}",
    "assert list(count_up(3)) == [0, 1, 2]",
    "try:\n    checked_sqrt(-1)\nexcept ValueError:\n    pass\nelse:\n    assert False",
    "assert LIMIT == 7 and checked_sqrt(4) == 2.0",
    # MBPP 533 passes a type: remove_datatype((4, 5, 4, 7.7, 1.2), int) == [7.7, 1.2]
    "assert Pair(int, len).a is int and Pair(int, len).total is not None",
    "p = Pair(1, 2)\nassert p != Pair(1, 2) and p == p",  # a handle equals only itself
])
def test_what_tests_do_with_candidate_objects_works(test: str) -> None:
    verdict = CodeVerifier().verify(CANDIDATE, _problem(test))
    assert verdict.correct, verdict.reason


@pytest.mark.needs_sandbox
def test_setup_code_builds_candidate_objects() -> None:
    # MBPP 927's shape: the setup code (trusted) builds a tree of the candidate's class
    program = ("class Node:\n    def __init__(self, data):\n        self.data = data\n"
               "        self.left = self.right = None\n"
               "def height(node):\n    if node is None:\n        return 0\n"
               "    return 1 + max(height(node.left), height(node.right))\n")
    setup = "root = Node(1)\nroot.left = Node(2)\nroot.left.left = Node(3)"
    verdict = CodeVerifier().verify(program, _problem("assert height(root) == 3", setup=setup))
    assert verdict.correct, verdict.reason


@pytest.mark.needs_sandbox
def test_candidate_exceptions_are_seen_by_their_builtin_class_only() -> None:
    verdict = CodeVerifier().verify(
        CANDIDATE, _problem("try:\n    fails()\nexcept Exception as e:\n"
                            "    assert type(e).__name__ == 'CandidateError', type(e)"))
    assert verdict.correct, verdict.reason
    exits = "def f():\n    raise SystemExit(0)\n"
    verdict = CodeVerifier().verify(exits, _problem("try:\n    f()\nexcept SystemExit:\n"
                                                    "    pass"))
    assert not verdict.correct, verdict.reason  # a candidate's SystemExit is no SystemExit here


@pytest.mark.needs_sandbox
def test_failures_say_what_was_got_and_expected() -> None:
    verdict = CodeVerifier().verify("def f(x):\n    return x + 1\n", _problem("assert 4 == f(2)"))
    assert verdict.reason == "0/1 tests passed; test 1: AssertionError (got 3, expected 4)"


@pytest.mark.needs_sandbox
def test_a_candidate_that_ignores_its_timeout_is_declared_stuck() -> None:
    program = ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
               "def f():\n    while True:\n        pass\n")
    verifier = CodeVerifier(test_timeout_s=1.0, partial_credit=True)
    start = time.monotonic()
    verdict = verifier.verify(program, _problem("assert f() == 1", "assert f() == 2"))
    assert verdict.status is Status.TIMEOUT and verdict.score == 0.0, verdict.reason
    # one test's time, the grace before "stuck", then the run is cancelled (not its whole wall)
    assert time.monotonic() - start < 1.0 + STUCK_GRACE_S + 2.0


@pytest.mark.needs_sandbox
def test_values_too_big_or_too_deep_fail_the_test_not_the_verifier() -> None:
    for body in ("x = []\n    for _ in range(100_000):\n        x = [x]\n    return x",
                 "return 10 ** 5000", "return list(range(2_000_000))"):
        verdict = CodeVerifier().verify(f"def f():\n    {body}\n", _problem("assert f() == 1"))
        assert verdict.status is Status.INCORRECT, (body, verdict.reason)


@pytest.mark.needs_sandbox
def test_a_test_that_swallows_everything_still_fails_on_a_hang_or_a_lost_candidate() -> None:
    forgiving = _problem("try:\n    assert f() == 1\nexcept:\n    pass")
    verifier = CodeVerifier(test_timeout_s=1.0)
    assert verifier.verify("def f():\n    return 1\n", forgiving).correct
    assert verifier.verify("def f():\n    return 2\n", forgiving).correct  # as the test says
    hang = verifier.verify("def f():\n    while True:\n        pass\n", forgiving)
    assert hang.status is Status.TIMEOUT, hang.reason
    gone = verifier.verify("import os\ndef f():\n    os._exit(0)\n", forgiving)
    assert not gone.correct and "ended" in gone.reason, gone.reason


@pytest.mark.needs_sandbox
def test_an_entry_point_named_like_a_builtin_is_the_candidates() -> None:
    # MBPP 126: "Write a python function to find the sum of common divisors of two given
    # numbers", tests `assert sum(10,15) == 6`; the loader names `sum` as the entry point
    program = ("import builtins\ndef sum(a, b):\n    return builtins.sum("
               "d for d in range(1, min(a, b) + 1) if a % d == 0 and b % d == 0)\n")
    problem = Problem(id="mbpp-126", domain="code", prompt="x",
                      tests=("assert sum(10,15) == 6", "assert sum(100,150) == 93"),
                      metadata={"entry_point": "sum"})
    verdict = CodeVerifier().verify(program, problem)
    assert verdict.correct, verdict.reason
    # any other builtin the candidate redefines is still the real one
    liar = ("def abs(x):\n    return 0\n"
            "def sum(a, b):\n    return 6\n")
    strict = Problem(id="mbpp-126b", domain="code", prompt="x",
                     tests=("assert abs(sum(10, 15) - 6) < 1 and abs(-3) == 3",),
                     metadata={"entry_point": "sum"})
    assert CodeVerifier().verify(liar, strict).correct  # sum right, abs the real one
    lying_abs = ("def abs(x):\n    return 0\n"
                 "def sum(a, b):\n    return 0\n")
    assert not CodeVerifier().verify(lying_abs, strict).correct
