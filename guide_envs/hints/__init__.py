r"""Hints for guided rollouts: providers, a teacher model, and the leak guard.

- :class:`HintProvider`: the protocol, ``hint(problem) -> str | None``.
- :class:`FieldHint`, :class:`SolutionPrefixHint`, :class:`FirstAvailable`: hints without a model.
- :class:`TeacherHint`: hints from any OpenAI-compatible endpoint (vLLM...), cached on disk.
- :class:`LeakGuard`, :class:`GuardedHint`: redact or reject hints that state the answer.
- :func:`hint_provider`: a provider from a command-line spec (``"auto"``, ``"solution-prefix:0.5"``,
  ``"teacher:<url>:<model>"``...).
- :func:`with_hints`, :func:`read_hints`: hints precomputed by ``python -m
  guide_envs.hints.precompute`` back onto a source's problems.

Example:
    >>> from guide_envs.sources import make_source
    >>> problem = make_source("procedural", families="fractions", difficulty=2)[1]
    >>> provider = GuardedHint(FirstAvailable(SolutionPrefixHint(0.5), FieldHint()))
    >>> provider.hint(problem)
    'Compute $\\frac{13}{19} - \\frac{10}{17}$ exactly.'
"""

from guide_envs.hints.files import HintedSource, read_hints, with_hints
from guide_envs.hints.leak import REDACTED, GuardedHint, LeakGuard, LeakSpan, LeakStats
from guide_envs.hints.protocol import HintProvider
from guide_envs.hints.providers import (
    FieldHint,
    FirstAvailable,
    SolutionPrefixHint,
    solution_steps,
)
from guide_envs.hints.spec import HINT_SPECS, hint_provider, parse_teacher
from guide_envs.hints.teacher import DEFAULT_CACHE_DIR, TEACHER_PROMPT, TeacherHint, TeacherStats

__all__ = [
    "DEFAULT_CACHE_DIR",
    "HINT_SPECS",
    "REDACTED",
    "TEACHER_PROMPT",
    "FieldHint",
    "FirstAvailable",
    "GuardedHint",
    "HintProvider",
    "HintedSource",
    "LeakGuard",
    "LeakSpan",
    "LeakStats",
    "SolutionPrefixHint",
    "TeacherHint",
    "TeacherStats",
    "hint_provider",
    "parse_teacher",
    "read_hints",
    "solution_steps",
    "with_hints",
]
