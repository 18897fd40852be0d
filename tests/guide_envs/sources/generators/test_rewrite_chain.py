"""The ``rewrite_chain`` family (tiny preset): chains checked independently, hints, env path."""

from __future__ import annotations

import ast
import operator
import re

import gymnasium as gym
import pytest
from gymnasium.utils.env_checker import check_env

import guide_envs  # noqa: F401 - registers the env ids
import verifiers
from guide_envs.sources.generators import (
    DIFFICULTIES,
    FAMILY_NAMES,
    family_domain,
    get_family,
)
from guide_envs.sources.procedural import ProceduralSource
from guide_envs.wrappers import HintOnFailure

N = 200
OPERATIONS = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4}
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


def safe_eval(text: str) -> int:
    """The value of an integer ``+ - *`` expression, through ``ast`` (no ``eval``)."""

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        raise ValueError(f"not an integer expression: {text!r}")

    return walk(ast.parse(text, mode="eval").body)


def expected_next(state: str) -> str:
    """The state after reducing the leftmost product, else the leftmost sum or difference."""
    product = re.search(r"(\d+)\*(\d+)", state)
    if product:
        a, b = int(product.group(1)), int(product.group(2))
        return state[:product.start()] + str(a * b) + state[product.end():]
    first = re.match(r"(\d+)([+-])(\d+)", state)
    assert first, state
    a, b = int(first.group(1)), int(first.group(3))
    value = a + b if first.group(2) == "+" else a - b
    return str(value) + state[first.end():]


def operators(state: str) -> int:
    return len(re.findall(r"[+*-]", state))


def chain_states(problem) -> tuple[list[str], str]:
    chain, _, answer = problem.solution.partition(";A:")
    return chain.split("="), answer


def test_registry_knows_the_family_but_not_by_default() -> None:
    assert get_family("rewrite_chain").name == "rewrite_chain"
    assert family_domain("rewrite_chain") == "math"
    assert "rewrite_chain" not in FAMILY_NAMES and len(FAMILY_NAMES) == 11
    default = ProceduralSource()
    assert default.config.families == FAMILY_NAMES
    assert "rewrite_chain" not in {default[i].metadata["family"] for i in range(50)}
    assert ProceduralSource(families="rewrite_chain")[0].metadata["family"] == "rewrite_chain"


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_chains_are_correct_and_deterministic(difficulty: int) -> None:
    problems = [ProceduralSource.generate("rewrite_chain", difficulty, 0, i) for i in range(N)]
    again = [ProceduralSource.generate("rewrite_chain", difficulty, 0, i) for i in range(N)]
    assert problems == again, "generation is not deterministic"
    assert len({p.prompt for p in problems}) >= 0.95 * N, "too many duplicate prompts"
    for p in problems:
        assert re.fullmatch(r"[0-9+*-]+", p.prompt), p.prompt
        assert p.domain == "math" and p.metadata["verifier"] == "chain"
        assert p.metadata["chain"] == p.solution and p.metadata["expression"] == p.prompt
        assert operators(p.prompt) == OPERATIONS[difficulty], p.prompt
        states, answer = chain_states(p)
        assert p.solution == "=".join(states) + f";A:{answer}"
        assert answer == p.answer == states[-1] == str(safe_eval(p.prompt))
        assert len(states) == OPERATIONS[difficulty]
        previous = p.prompt
        for state in states:
            assert operators(state) == operators(previous) - 1, (previous, state)
            assert state == expected_next(previous), (previous, state)
            assert safe_eval(state) == safe_eval(previous) >= 0
            previous = state


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_products_follow_the_difficulty(difficulty: int) -> None:
    for i in range(N):
        p = ProceduralSource.generate("rewrite_chain", difficulty, 0, i)
        previous, first = p.prompt, True
        for state in chain_states(p)[0]:
            product = re.search(r"(\d+)\*(\d+)", previous)
            if difficulty == 3 and first:
                assert product is not None, p.prompt
                assert all(10 <= int(g) <= 99 for g in product.groups()), p.prompt
            elif product:
                assert min(int(g) for g in product.groups()) < 10, (p.prompt, previous)
            previous, first = state, False
        assert all(int(n) < 100 for n in re.findall(r"\d+", p.prompt)), p.prompt
        # no level needs numbers longer than the warm-up's (at most three digits)
        assert all(int(n) <= 999 for n in re.findall(r"\d+", p.solution or "")), p.solution


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_hint_is_the_first_state_and_never_the_answer(difficulty: int) -> None:
    for i in range(N):
        p = ProceduralSource.generate("rewrite_chain", difficulty, 0, i)
        states, answer = chain_states(p)
        if difficulty == 1:
            assert p.hint == "", "a one-operation problem's first state is its answer"
            continue
        assert p.hint == states[0]
        assert "A:" not in p.hint and p.hint != answer and p.hint != states[-1]
        assert p.solution.startswith(p.hint)


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_reference_chain_verifies(difficulty: int) -> None:
    verifier = verifiers.get("chain")
    strict = verifiers.get("chain", check_chain=True)
    for i in range(50):
        p = ProceduralSource.generate("rewrite_chain", difficulty, 0, i)
        assert verifier.verify(p.solution, p).correct
        assert strict.verify(p.solution, p).correct
        wrong = p.solution.rsplit("A:", 1)[0] + f"A:{int(p.answer) + 1}"
        assert verifier.verify(wrong, p).status is verifiers.Status.INCORRECT


def test_env_path_with_chain_template() -> None:
    env = gym.make("guide/Math-v0", families=["rewrite_chain"], difficulty=1, template="chain")
    obs, info = env.reset(seed=0)
    problem = env.unwrapped.problem
    assert obs == f"Q:{problem.prompt} S:"
    assert problem.answer not in info.values()
    _, reward, terminated, _, info = env.step(problem.solution)
    assert (reward, terminated, info["verdict"]["correct"]) == (1.0, True, True)
    env.close()


def test_hint_on_failure_uses_the_chain_hinted_form() -> None:
    env = HintOnFailure(gym.make("guide/Math-v0", families=["rewrite_chain"], difficulty=2,
                                 template="chain"))
    obs, _ = env.reset(seed=0)
    problem = env.unwrapped.problem
    assert obs == f"Q:{problem.prompt} S:"
    obs, reward, terminated, _, info = env.step("0;A:-1")
    assert (reward, terminated, info["guided"]) == (0.0, False, True)
    assert obs == f"Q:{problem.prompt} H:{problem.hint} S:"
    _, reward, terminated, _, info = env.step(problem.solution)
    assert (reward, terminated, info["guided_attempt"]) == (1.0, True, True)
    env.close()


def test_one_operation_problems_end_without_a_hint() -> None:
    env = HintOnFailure(gym.make("guide/Math-v0", families=["rewrite_chain"], difficulty=1,
                                 template="chain"))
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step("A:-1")
    assert (reward, terminated, info["guided"]) == (0.0, True, False)
    env.close()


def test_check_env_passes() -> None:
    env = gym.make("guide/Math-v0", families=["rewrite_chain"], difficulty=[1, 2, 3],
                   template="chain")
    check_env(env.unwrapped)
    env.close()
