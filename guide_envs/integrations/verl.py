"""verl integration: :func:`compute_score` in verl's custom reward signature, :func:`verifier_for`.

Point verl at it with ``custom_reward_function.path=<this file>`` and
``custom_reward_function.name=compute_score`` (or import it from a reward module of yours).
verl's reward managers call ``compute_score(data_source=, solution_str=, ground_truth=,
extra_info=)`` once per response (the reward loop adds more keywords, which are ignored). The
returned dict holds ``"score"`` (the reward), ``"acc"`` (bool), ``"pred"`` (the answer read from
the response, a string: verl's validation votes ``maj@N`` on it) and ``"status"`` (the
:class:`~verifiers.Status` value); verl logs every key as ``reward_extra_info``, so every call
returns the same keys, all plain values.

Which verifier grades a response:

1. ``extra_info["verifier"]`` when given (any name :func:`verifiers.get` knows);
2. else the first word of ``data_source`` (split on anything but letters and digits) that starts
   with a key of :data:`DATA_SOURCE_KEYWORDS`: code (``code``, ``mbpp``, ``humaneval``,
   ``apps``, ``codecontests``, ``taco``, ...), then science (``science``, ``mmlu``, ``gpqa``,
   ``aqua``, ``arc``, ...), then math (``gsm8k``, ``math``, ``aime``, ``amc``, ``minerva``, ...);
3. else math (verl's own ``default_compute_score`` raises instead; most RLVR data is math).

The answer is read from the response as the verifier reads it: the last ``\\boxed{}``, else a
final-answer line, including GSM8K's ``#### 72`` (what verl's GSM8K preprocessing asks for).
The gold is read by :func:`guide_envs.gold.read_gold`, as the environments read theirs:

* math: ``ground_truth`` as text; a GSM8K answer ending in ``#### 72`` gives ``72``, a
  solution with a ``\\boxed{}`` its content, a number its canonical form.
* science: ``ground_truth`` (an option index such as MMLU's ``2``, a letter or an option's
  text), the options from ``extra_info["choices"]`` (or ``"options"``) when multiple choice.
* code: the tests from ``extra_info["tests"]`` when present, else from ``ground_truth``: a JSON
  string or object of stdin/stdout cases, assert strings, HumanEval checks, or verl's PRIME /
  APPS layout ``{"inputs": [...], "outputs": [...]}`` (see
  :func:`guide_envs.integrations.parse_tests`). ``extra_info`` may add ``"compare"``,
  ``"language"`` and ``"setup_code"`` (see :mod:`verifiers.code`).

Nothing here raises: bad model output, and bad data too, score 0 with the reason in ``status``.
An unreadable gold answer (status ``error``) and a verifier that cannot run on this machine
(status ``unavailable``: no sandbox for code) also warn, once per process.

Example:
    >>> compute_score("openai/gsm8k", "... so she has \\\\boxed{72} clips.", "72")["score"]
    1.0
    >>> compute_score("openai/gsm8k", "48 + 24 = 72 clips.\\n#### 72", "72")["pred"]
    '72'
    >>> compute_score("openai/gsm8k", "I am not sure", "72")
    {'score': 0.0, 'acc': False, 'pred': '', 'status': 'no_answer'}
"""

from __future__ import annotations

import functools
import re
import threading
import warnings
from collections.abc import Mapping
from typing import Any

import verifiers
from guide_envs.integrations import UnreadableGold, build_problem, domain_of
from verifiers.verdict import Status, Verdict, warn_if_unavailable

__all__ = ["DATA_SOURCE_KEYWORDS", "compute_score", "verifier_for"]

#: Word prefixes of a ``data_source`` and the verifier they choose, tried in this order.
DATA_SOURCE_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("code", ("code", "mbpp", "humaneval", "apps", "codecontests", "taco", "livecodebench",
              "leetcode", "primeintellect", "kodcode", "opencoder")),
    ("science", ("science", "mmlu", "gpqa", "aqua", "arc", "sciq", "openbookqa", "scibench",
                 "supergpqa", "chemistry", "physics", "biology")),
    ("math", ("gsm8k", "math", "aime", "amc", "minerva", "numina", "olympiad", "deepscaler",
              "dapo", "svamp", "asdiv", "mawps", "hendrycks", "omni", "polymath")),
)
_WORD = re.compile(r"[^a-z0-9]+")
_CODE_META = ("compare", "language", "setup_code")


def verifier_for(data_source: Any, extra_info: Mapping[str, Any] | None = None) -> str:
    """The verifier name for a sample (see the module doc for the rule).

    Example:
        >>> verifier_for("openai/gsm8k"), verifier_for("Idavidrein/gpqa"), verifier_for("mbpp")
        ('math', 'science', 'code')
        >>> verifier_for("my_data", {"verifier": "science"})
        'science'
    """
    if isinstance(extra_info, Mapping) and extra_info.get("verifier"):
        return str(extra_info["verifier"])
    words = [w for w in _WORD.split(str(data_source or "").lower()) if w]
    for name, keywords in DATA_SOURCE_KEYWORDS:
        if any(word.startswith(keywords) for word in words):
            return name
    return "math"


@functools.cache
def _verifier(name: str) -> verifiers.Verifier:
    return verifiers.get(name)


def compute_score(data_source: Any, solution_str: Any, ground_truth: Any,
                  extra_info: Mapping[str, Any] | None = None,
                  **kwargs: Any) -> dict[str, Any]:
    """Grade one response for verl: ``{"score", "acc", "pred", "status"}``.

    ``score`` is the verifier's score in [0, 1], ``acc`` whether the answer is correct,
    ``pred`` the answer read from the response (``""`` when none) and ``status`` the
    :class:`~verifiers.Status` value. ``kwargs`` (verl's reward loop passes
    ``reward_router_address`` and ``reward_model_tokenizer``) are accepted and ignored.
    """
    info = extra_info if isinstance(extra_info, Mapping) else {}
    try:
        name = verifier_for(data_source, info)
        problem = _problem(name, ground_truth, info)
        verdict = _verifier(name).verify(solution_str, problem)
    except UnreadableGold as exc:
        _warn_unreadable_gold(data_source, exc)
        verdict = Verdict.failed(Status.ERROR, str(exc)[:300])
    except Exception as exc:  # noqa: BLE001 - bad data or an unknown verifier must not stop training
        verdict = Verdict.failed(Status.ERROR, f"could not grade: {exc!r}"[:300])
    warn_if_unavailable(verdict, "guide_envs.integrations.verl.compute_score")
    return {"score": float(verdict.score), "acc": bool(verdict.correct),
            "pred": verdict.extracted or "", "status": verdict.status.value}


def _problem(name: str, ground_truth: Any, info: Mapping[str, Any]) -> Any:
    problem_id = str(info.get("index", info.get("problem_id", "verl")))
    if domain_of(name) == "code":
        tests = info.get("tests", ground_truth)
        meta = {key: info[key] for key in _CODE_META if key in info}
        return build_problem(name, tests=tests, problem_id=problem_id, metadata=meta)
    choices = info.get("choices", info.get("options"))
    if isinstance(choices, str):
        choices = None
    return build_problem(name, answer=ground_truth, choices=choices, problem_id=problem_id)


_warned_gold = threading.Event()


def _warn_unreadable_gold(data_source: Any, exc: Exception) -> None:
    """Warn on the first unreadable gold answer of the process (they all score 0)."""
    if not _warned_gold.is_set():
        _warned_gold.set()
        warnings.warn(f"compute_score(data_source={data_source!r}): {exc}; such samples score "
                      "0 with status 'error' (further ones are not reported)", UserWarning,
                      stacklevel=3)
