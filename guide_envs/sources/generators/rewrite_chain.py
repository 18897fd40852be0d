"""Integer arithmetic as a chain of rewrites, for tiny models: ``5*18-3*1*9`` -> ``90-3*1*9=...``.

The compact format of the ``tiny`` preset (:mod:`agents.tiny`): the prompt is the bare
expression over ``0123456789+-*``; the solution rewrites it one operation at a time (the
leftmost multiplication first, then additions and subtractions from left to right) and ends with
the answer: ``90-3*1*9=90-3*9=90-27=63;A:63``. The hint is the first state of that chain
(``918+26`` for ``18*51+26``), which never states the answer; a one-operation problem, whose
first state *is* the answer, has no hint (an empty ``hint``). Problems are graded by the
``"chain"`` verifier (``metadata["verifier"]``) and read best with the ``"chain"`` template.

Operands have one or two digits and every value in the chain is between 0 and 999 (operands are
redrawn until they are): states never hold a minus sign that is not an operator, and no level
needs numbers longer than the warm-up's (a 4-digit product makes the hint far less useful to a
tiny model: with first products above 999, hinted pass@8 at level 3 was 0.14 instead of 0.85).

Difficulty 1: one operation; every multiplication has a one-digit operand. 2: two operations,
same rule. 3: two operations whose first step is a 2-digit x 2-digit product (the regime Guide
is measured in; never seen at levels 1-2). 4: three operations. 5: four operations (4 and 5
keep the one-digit-operand rule).
"""

from __future__ import annotations

import random

from guide_envs.sources.generators.base import Draft, Family

__all__ = ["FAMILY", "reduce_once", "rewrite_states"]

_Tokens = tuple[int | str, ...]

#: Operations per problem at each difficulty.
_OPERATIONS = {1: 1, 2: 2, 3: 2, 4: 3, 5: 4}


def _next_operator(tokens: _Tokens) -> int:
    """The index of the operator reduced next: the leftmost ``*``, else the leftmost one."""
    for i in range(1, len(tokens), 2):
        if tokens[i] == "*":
            return i
    return 1


def _apply(a: int, op: str, b: int) -> int:
    return a * b if op == "*" else a + b if op == "+" else a - b


def reduce_once(tokens: _Tokens) -> _Tokens:
    """The expression with its next operation replaced by its value.

    >>> reduce_once((5, "*", 18, "-", 3, "*", 1, "*", 9))
    (90, '-', 3, '*', 1, '*', 9)
    """
    i = _next_operator(tokens)
    a, op, b = tokens[i - 1], tokens[i], tokens[i + 1]
    assert isinstance(a, int) and isinstance(op, str) and isinstance(b, int)
    return (*tokens[:i - 1], _apply(a, op, b), *tokens[i + 2:])


def rewrite_states(tokens: _Tokens) -> list[_Tokens]:
    """Every state after the expression, one operation reduced per state, down to the value.

    >>> [_render(s) for s in rewrite_states((5, "*", 18, "-", 3, "*", 1, "*", 9))]
    ['90-3*1*9', '90-3*9', '90-27', '63']
    """
    states = []
    while len(tokens) > 1:
        tokens = reduce_once(tokens)
        states.append(tokens)
    return states


def _render(tokens: _Tokens) -> str:
    return "".join(str(t) for t in tokens)


#: The largest value any state may hold.
_MAX_VALUE = 999


def _number(rng: random.Random) -> int:
    return rng.randint(1, 9) if rng.random() < 0.5 else rng.randint(10, 99)


def _draw(rng: random.Random, operations: int, big_first: bool) -> _Tokens:
    """Random operators and operands; with ``big_first`` the first product is 2-digit x 2-digit."""
    ops = [rng.choice("+-*") for _ in range(operations)]
    if big_first and "*" not in ops:
        ops[rng.randrange(operations)] = "*"
    numbers = [_number(rng) for _ in range(operations + 1)]
    if big_first:
        first = ops.index("*")
        a = rng.randint(10, 99)
        numbers[first], numbers[first + 1] = a, rng.randint(10, max(10, _MAX_VALUE // a))
    tokens: list[int | str] = [numbers[0]]
    for op, n in zip(ops, numbers[1:], strict=True):
        tokens += [op, n]
    return tuple(tokens)


def _acceptable(tokens: _Tokens, big_first: bool) -> bool:
    """Values in 0..999; every product (but a Guide-regime first one) is by one digit."""
    for step in range(len(tokens) // 2):
        i = _next_operator(tokens)
        a, op, b = tokens[i - 1], tokens[i], tokens[i + 1]
        assert isinstance(a, int) and isinstance(op, str) and isinstance(b, int)
        if not 0 <= _apply(a, op, b) <= _MAX_VALUE:
            return False
        if op == "*" and min(a, b) >= 10 and not (big_first and step == 0):
            return False
        tokens = reduce_once(tokens)
    return True


def generate(rng: random.Random, difficulty: int) -> Draft:
    """One chain-of-rewrites problem at ``difficulty`` (1-5)."""
    big_first = difficulty == 3
    while True:  # redraw until the constraints hold (deterministic: every draw comes from rng)
        tokens = _draw(rng, _OPERATIONS[difficulty], big_first)
        if _acceptable(tokens, big_first):
            break
    expression = _render(tokens)
    states = [_render(s) for s in rewrite_states(tokens)]
    answer = states[-1]
    chain = f"{'='.join(states)};A:{answer}"
    return Draft(
        prompt=expression,
        answer=answer,
        steps=tuple(states),
        hint=states[0] if len(states) > 1 else "",
        metadata={"expression": expression, "chain": chain, "verifier": "chain"},
        solution_text=chain,
    )


FAMILY = Family("rewrite_chain", generate,
                "integer arithmetic as a chain of rewrites, one operation per state (tiny preset)",
                domain="math")
