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
(:func:`build_problem`), whose gold answer is read by :func:`guide_envs.gold.read_gold`, as the
environments' dataset sources read theirs (GSM8K's ``#### 72``, a MATH solution's last
``\\boxed{}``, an MMLU option index).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import verifiers
from guide_envs.gold import read_gold
from guide_envs.problem import Problem

__all__ = ["DOMAIN_OF_VERIFIER", "UnreadableGold", "build_problem", "domain_of", "parse_tests"]

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


class UnreadableGold(ValueError):
    """A math or science row whose gold answer cannot be read (a dataset problem)."""


def domain_of(verifier: str) -> str:
    """The Problem domain a verifier grades: by its name, else by its ``name`` attribute.

    A verifier registered under another name (``verifiers.register("code-docker",
    lambda: CodeVerifier(backend="docker"))``) grades the domain of its kind; unknown ones
    get ``"math"``.

    >>> domain_of("science"), domain_of("no-such-verifier")
    ('science', 'math')
    """
    if verifier in DOMAIN_OF_VERIFIER:
        return DOMAIN_OF_VERIFIER[verifier]
    try:
        kind = getattr(verifiers.get(verifier), "name", "")
    except Exception:  # noqa: BLE001 - an unknown or broken verifier: graded as math
        return "math"
    return DOMAIN_OF_VERIFIER.get(str(kind), "math")


def build_problem(verifier: str, *, answer: Any = None, tests: Any = None,
                  choices: Sequence[Any] | None = None, problem_id: str = "row",
                  metadata: Mapping[str, Any] | None = None) -> Problem:
    """A :class:`~guide_envs.Problem` that ``verifier`` can grade, from dataset columns.

    ``answer`` is read by :func:`guide_envs.gold.read_gold` (format ``"auto"``, with the
    ``choices``); ``tests`` goes through :func:`parse_tests`. Raises :class:`UnreadableGold`
    when a math or science problem has no readable gold answer.

    Example:
        >>> build_problem("science", answer="B", choices=["red", "blue"]).choices
        ('red', 'blue')
        >>> build_problem("science", answer=0, choices=["red", "blue"]).answer
        'A'
        >>> build_problem("math", answer="3 * 4 = <<3*4=12>>12\\n#### 12").answer
        '12'
    """
    domain = domain_of(verifier)
    options = tuple(str(c) for c in choices) if choices is not None else ()
    gold = None if answer is None else read_gold(answer, choices=options)
    if gold is None and domain != "code":
        raise UnreadableGold(f"problem {problem_id!r}: unreadable gold answer {answer!r:.200} "
                             f"for the {verifier!r} verifier")
    meta = {**(metadata or {}), "verifier": verifier}
    return Problem(id=problem_id or "row", domain=domain, prompt=_PLACEHOLDER_PROMPT,
                   answer=gold, tests=parse_tests(tests), choices=options, metadata=meta)
