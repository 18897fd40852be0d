"""Multi-step integer arithmetic with order of operations: ``Compute $3 + 4 \\times (5 - 2)$``.

Difficulty 1: three small terms, + and - only. 2: four terms, with multiplication.
3: parentheses. 4: negative numbers, exact division and squares. 5: six terms, three-digit
numbers, nested parentheses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from guide_envs.sources.generators.base import Draft, Family

__all__ = ["FAMILY"]

_SYMBOL = {"+": "+", "-": "-", "*": "\\times", "/": "\\div", "^": "^"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


@dataclass(frozen=True)
class _Node:
    op: str
    left: _Node | int
    right: _Node | int


_Expr = _Node | int


def _value(e: _Expr) -> int:
    if isinstance(e, int):
        return e
    a, b = _value(e.left), _value(e.right)
    if e.op == "+":
        return a + b
    if e.op == "-":
        return a - b
    if e.op == "*":
        return a * b
    if e.op == "/":
        return a // b
    return a**b


def _render(e: _Expr, parent: str = "", right_side: bool = False) -> str:
    """LaTeX with only the parentheses the order of operations needs."""
    if isinstance(e, int):
        return f"({e})" if e < 0 and parent else str(e)
    if e.op == "^":
        text = f"{_render(e.left, '^')}^{{{_render(e.right)}}}"
    else:
        text = f"{_render(e.left, e.op)} {_SYMBOL[e.op]} {_render(e.right, e.op, True)}"
    outer = _PRECEDENCE.get(parent, 0)
    inner = _PRECEDENCE[e.op]
    needs = inner < outer or (inner == outer and (parent == "^" or right_side and parent in "-/"))
    return f"({text})" if needs else text


def _steps(e: _Expr, out: list[str]) -> int:
    """Evaluate bottom-up, left to right, recording one line per operation."""
    if isinstance(e, int):
        return e
    a, b = _steps(e.left, out), _steps(e.right, out)
    result = _value(_Node(e.op, a, b))
    out.append(f"${_render(_Node(e.op, a, b))} = {result}$")
    return result


def _operand(rng: random.Random, digits: int, negative: bool) -> int:
    n = rng.randint(1, 10**digits - 1)
    return -n if negative and rng.random() < 0.3 else n


def _combine(rng: random.Random, ops: str, left: _Expr, right: _Expr) -> _Expr:
    op = rng.choice(ops)
    if op == "/":
        # exact division: make the left side a multiple of the right one
        divisor = _value(right)
        if divisor == 0:
            op = "+"
        else:
            if isinstance(left, int):
                left = divisor * rng.randint(2, 12)
            if _value(left) % divisor:
                op = "*"
    return _Node(op, left, right)


def _build(rng: random.Random, terms: int, digits: int, ops: str, negative: bool,
           grouped: bool) -> _Expr:
    parts: list[_Expr] = [_operand(rng, digits, negative) for _ in range(terms)]
    while len(parts) > 1:
        i = rng.randrange(len(parts) - 1) if grouped else 0
        parts[i:i + 2] = [_combine(rng, ops, parts[i], parts[i + 1])]
    return parts[0]


_LEVELS = {  # terms, digits, operators, negatives, random grouping
    1: (3, 2, "+-", False, False),
    2: (4, 2, "+-*", False, False),
    3: (4, 2, "+-*", False, True),
    4: (5, 2, "+-*/", True, True),
    5: (6, 3, "+-*/", True, True),
}


def generate(rng: random.Random, difficulty: int) -> Draft:
    """One arithmetic problem at ``difficulty`` (1-5)."""
    terms, digits, ops, negative, grouped = _LEVELS[difficulty]
    expr = _build(rng, terms, digits, ops, negative, grouped)
    if difficulty >= 4 and rng.random() < 0.3:
        expr = _Node("+", expr, _Node("^", rng.randint(2, 9), 2))
    assert isinstance(expr, _Node)
    steps: list[str] = []
    answer = _steps(expr, steps)
    text = _render(expr)
    first = steps[0].strip("$").split(" = ")[0]
    return Draft(
        prompt=f"Compute ${text}$.",
        answer=str(answer),
        steps=(f"Evaluate ${text}$ one operation at a time, following the order of operations.",
               *steps),
        hint=(f"Follow the order of operations: parentheses and powers first, then "
              f"multiplication and division, then addition and subtraction from left to right. "
              f"Begin with ${first}$."),
        metadata={"expression": text},
    )


FAMILY = Family("arithmetic", generate, "multi-step integer arithmetic with order of operations")
