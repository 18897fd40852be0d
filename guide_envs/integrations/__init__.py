"""Rewards for other trainers: TRL (:mod:`guide_envs.integrations.trl`) and verl (:mod:`.verl`).

* :mod:`guide_envs.integrations.trl` turns an environment (or a verifier) into a reward function
  for ``trl.GRPOTrainer`` (``reward_function``) and an environment into a TRL-ready
  ``datasets.Dataset`` of prompts and problem ids (``dataset``); completions are graded in
  parallel by a :class:`~verifiers.VerifierPool`.
* :mod:`guide_envs.integrations.verl` offers ``compute_score(data_source, solution_str,
  ground_truth, extra_info=None)``, verl's custom reward function signature, choosing the math,
  science or code verifier from the data source.

Neither imports ``trl``, ``verl`` or ``torch``; only ``trl.dataset`` needs ``datasets``. This
module holds what both share: reading code tests out of a dataset column
(:func:`parse_tests`) and building a :class:`~guide_envs.Problem` from columns
(:func:`build_problem`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from guide_envs.problem import Problem

__all__ = ["DOMAIN_OF_VERIFIER", "build_problem", "parse_tests"]

#: The Problem domain each built-in verifier grades (other verifiers get ``"math"``).
DOMAIN_OF_VERIFIER = {"math": "math", "science": "science", "code": "code"}
_PLACEHOLDER_PROMPT = "(graded from dataset columns; the prompt is not needed)"


def parse_tests(value: Any) -> tuple[Any, ...]:
    """Code tests in the shape :class:`~verifiers.code.CodeVerifier` reads, from a column.

    Accepted layouts (a JSON string of any of them too):

    * a list of stdin/stdout cases ``[{"input": "1 2\\n", "output": "3"}, ...]``, of assert
      strings (MBPP), or of HumanEval checks ``{"test": ..., "entry_point": ...}``;
    * a mapping ``{"inputs": [...], "outputs": [...]}`` (APPS, TACO, verl's PRIME code data),
      read as stdin/stdout cases; an input given as a list of lines is joined by newlines;
    * a mapping holding one of the above under ``"tests"`` or ``"input_output"``;
    * one case or check mapping, or one non-JSON string (taken as one assert).

    Call-based layouts (``"fn_name"`` next to inputs/outputs) are not read: they give no tests,
    which the code verifier grades as an ``error`` with score 0. So does anything unreadable.

    Example:
        >>> parse_tests('{"inputs": ["1 2\\\\n"], "outputs": ["3\\\\n"]}')
        ({'input': '1 2\\n', 'output': '3\\n'},)
        >>> parse_tests(["assert f(1) == 2"])
        ('assert f(1) == 2',)
    """
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return (value,) if value.strip() else ()
        if isinstance(value, str):
            return (value,) if value.strip() else ()
    if isinstance(value, Mapping):
        return _tests_from_mapping(value)
    if isinstance(value, Sequence):
        return tuple(t for t in value if isinstance(t, (str, Mapping)))
    return ()


def _tests_from_mapping(value: Mapping[str, Any]) -> tuple[Any, ...]:
    for key in ("tests", "input_output"):
        if key in value:
            return parse_tests(value[key])
    if "fn_name" in value:
        return ()
    if "inputs" in value and "outputs" in value:
        inputs, outputs = value["inputs"], value["outputs"]
        if not isinstance(inputs, Sequence) or not isinstance(outputs, Sequence):
            return ()
        return tuple({"input": _text(i), "output": _text(o)}
                     for i, o in zip(inputs, outputs, strict=False))
    if ("input" in value and "output" in value) or ("test" in value and "entry_point" in value):
        return (dict(value),)
    return ()


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return "\n".join(str(line) for line in value) + "\n"
    return str(value)


def build_problem(verifier: str, *, answer: Any = None, tests: Any = None,
                  choices: Sequence[Any] | None = None, problem_id: str = "row",
                  metadata: Mapping[str, Any] | None = None) -> Problem:
    """A :class:`~guide_envs.Problem` that ``verifier`` can grade, from dataset columns.

    ``tests`` goes through :func:`parse_tests`; ``answer`` and ``choices`` are turned into
    strings. Raises ``ValueError`` when a math or science problem has no answer.

    Example:
        >>> build_problem("science", answer="B", choices=["red", "blue"]).choices
        ('red', 'blue')
    """
    domain = DOMAIN_OF_VERIFIER.get(verifier, "math")
    gold = None if answer is None else str(answer)
    if gold is None and domain != "code":
        raise ValueError(f"problem {problem_id!r}: the {verifier!r} verifier needs an answer, "
                         "got None")
    meta = {**(metadata or {}), "verifier": verifier}
    return Problem(id=problem_id or "row", domain=domain, prompt=_PLACEHOLDER_PROMPT,
                   answer=gold, tests=parse_tests(tests),
                   choices=tuple(str(c) for c in choices or ()), metadata=meta)
