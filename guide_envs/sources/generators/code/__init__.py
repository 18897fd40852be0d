"""Code families (function-writing tasks) and what they share: :class:`FunctionTask`.

A code family module (``string_functions``, ``list_functions``, ``math_functions``,
``dp_functions``) exposes ``FAMILY``, a :class:`~guide_envs.sources.generators.base.Family` with
``domain="code"``. Each task kind describes itself as a :class:`FunctionTask`: the reference
program as source text, the calls to test, and the words of the prompt and hint.
:func:`function_draft` runs that very source text in a private namespace to compute the expected
values, so the reference program and the tests can never disagree.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from guide_envs.sources.generators.base import Draft

__all__ = ["FunctionTask", "function_draft", "reference_function"]


@dataclass(frozen=True)
class FunctionTask:
    """One function-writing task before its expected values are computed.

    Attributes:
        kind: The task kind (``"reverse_words"``); it goes to ``metadata["kind"]``.
        name: The function to write (``metadata["entry_point"]``).
        signature: Parameters and return annotation after the name: ``"(text: str) -> str"``.
        behaviour: What the function returns, as one or more sentences.
        source: The reference program; it defines ``name``.
        cases: Argument tuples to test; the first one is the worked example in the prompt.
        explanation: Why the reference program works (the first line of the solution).
        hint: An approach in words, never the program.
    """

    kind: str
    name: str
    signature: str
    behaviour: str
    source: str
    cases: tuple[tuple[Any, ...], ...]
    explanation: str
    hint: str


@lru_cache(maxsize=512)
def reference_function(source: str, name: str) -> Any:
    """The function ``name`` defined by running ``source`` in a fresh namespace.

    >>> reference_function("def double(x):\\n    return 2 * x\\n", "double")(21)
    42
    """
    namespace: dict[str, Any] = {"__name__": "reference"}
    exec(compile(source, f"<reference {name}>", "exec"), namespace)  # noqa: S102 - our own code
    return namespace[name]


def _call(name: str, args: tuple[Any, ...]) -> str:
    return f"{name}({', '.join(repr(a) for a in args)})"


def _literal(value: Any, task: FunctionTask) -> str:
    """``repr(value)``, checked to read back as an equal literal (what an assert compares)."""
    text = repr(value)
    if ast.literal_eval(text) != value:
        raise ValueError(f"{task.kind}: expected value {text} does not round-trip as a literal")
    return text


def function_draft(task: FunctionTask) -> Draft:
    """The :class:`Draft` of ``task``: prompt, assert tests, solution and hint.

    >>> task = FunctionTask("double", "double", "(x: int) -> int", "returns twice `x`.",
    ...                     "def double(x):\\n    return 2 * x\\n", ((3,), (0,)),
    ...                     "Multiply by two.", "Scale the input.")
    >>> draft = function_draft(task)
    >>> draft.tests
    ('assert double(3) == 6', 'assert double(0) == 0')
    >>> draft.metadata
    {'kind': 'double', 'entry_point': 'double'}
    """
    function = reference_function(task.source, task.name)
    expected = [_literal(function(*copy.deepcopy(args)), task) for args in task.cases]
    calls = [_call(task.name, args) for args in task.cases]
    prompt = (f"Write a Python function `{task.name}{task.signature}` that {task.behaviour}\n\n"
              f"For example, `{calls[0]}` should return `{expected[0]}`.")
    return Draft(
        prompt=prompt,
        answer=None,
        steps=(task.explanation, f"```python\n{task.source}```"),
        hint=task.hint,
        metadata={"kind": task.kind, "entry_point": task.name},
        tests=tuple(f"assert {c} == {e}" for c, e in zip(calls, expected, strict=True)),
    )
