"""The :class:`Problem` record every source produces and every environment serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

__all__ = ["Domain", "Problem"]

Domain = Literal["math", "science", "code"]
_DOMAINS = ("math", "science", "code")


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Problem:
    """One reasoning problem with what is needed to grade and to guide it.

    Attributes:
        id: Stable identifier, unique within its source; ``reset(options={"problem_id": id})``
            replays the problem.
        domain: ``"math"``, ``"science"`` or ``"code"``; picks the default verifier.
        prompt: The question as shown to the model (before any template is applied).
        answer: The gold final answer as LaTeX or plain text, or None for code problems.
        tests: Code problems: stdin/stdout cases or function-call asserts.
        choices: Multiple-choice options, in order (A, B, C, ...).
        hint: Precomputed guidance that helps without stating the final answer.
        solution: A worked reference solution ending in the final answer.
        metadata: Anything else (source, family, difficulty, the verifier to use, ...).
            Read-only.

    Example:
        >>> p = Problem(id="demo/0", domain="math", prompt="What is 2+3?", answer="5")
        >>> p.answer
        '5'
        >>> p.metadata["family"] = "x"
        Traceback (most recent call last):
        ...
        TypeError: 'mappingproxy' object does not support item assignment
    """

    id: str
    domain: Domain
    prompt: str
    answer: str | None = None
    tests: tuple[Any, ...] = ()
    choices: tuple[str, ...] = ()
    hint: str | None = None
    solution: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"Problem.id must be a non-empty string, got {self.id!r}")
        if self.domain not in _DOMAINS:
            raise ValueError(f"Problem.domain must be one of {_DOMAINS}, got {self.domain!r}")
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise ValueError(f"Problem {self.id!r}: prompt must be a non-empty string")
        if self.answer is None and self.domain != "code":
            raise ValueError(f"Problem {self.id!r}: a {self.domain} problem needs a gold answer")
        object.__setattr__(self, "tests", tuple(self.tests))
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "metadata", _frozen(self.metadata))

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; rebuild from a plain dict (worker processes need it).
        fields = (self.id, self.domain, self.prompt, self.answer, self.tests, self.choices,
                  self.hint, self.solution, dict(self.metadata))
        return (Problem, fields)
