"""Which verifier grades a problem: :class:`VerifierChoice`.

The rule, in this one place: a verifier given by the caller (a name or an object) grades every
problem; otherwise the problem's ``metadata["verifier"]`` names it, else its domain (``"math"``,
``"science"``, ``"code"``).
"""

from __future__ import annotations

import threading

import verifiers
from guide_envs.problem import Problem

__all__ = ["VerifierChoice"]


class VerifierChoice:
    """Picks each problem's verifier by the rule above, building one verifier per name.

    Safe to share between threads and between envs (a vector env's sub-envs share one, so a
    batch meets one verifier object per name). A copy or a pickle keeps the setting and builds
    its verifiers again.

    Args:
        verifier: A verifier name or object for every problem; None to follow each problem.

    Example:
        >>> choice = VerifierChoice()
        >>> p = Problem(id="p", domain="science", prompt="Which?", answer="B", choices=("1", "2"))
        >>> type(choice.for_problem(p)).__name__
        'ScienceVerifier'
        >>> choice.for_problem(p) is choice.for_problem(p)
        True
        >>> type(VerifierChoice("math").for_problem(p)).__name__
        'MathVerifier'
    """

    def __init__(self, verifier: str | verifiers.Verifier | None = None) -> None:
        self.verifier = verifier
        self._built: dict[str, verifiers.Verifier] = {}
        self._lock = threading.Lock()

    def for_problem(self, problem: Problem) -> verifiers.Verifier:
        """The verifier that grades ``problem``."""
        if self.verifier is not None and not isinstance(self.verifier, str):
            return self.verifier
        name = self.verifier or problem.metadata.get("verifier") or problem.domain
        with self._lock:
            if name not in self._built:
                self._built[name] = verifiers.get(name)
            return self._built[name]

    def __getstate__(self) -> dict[str, object]:
        return {"verifier": self.verifier}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.verifier = state["verifier"]  # type: ignore[assignment]  # what __getstate__ gave
        self._built = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"VerifierChoice({self.verifier!r})"
