"""Finding verifiers by name: :func:`get`, :func:`register`, :func:`available`.

Built-in verifiers are listed here, and only here (so they are found from a source checkout
that is not installed too); third-party packages add theirs through the entry-point group
``guide_rl.verifiers`` (``name = "package.module:Factory"``), so no import of theirs is needed.
An entry point or a :func:`register` call may override a built-in name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

from verifiers.verdict import Verdict

__all__ = ["ENTRY_POINT_GROUP", "Verifier", "available", "get", "register"]

ENTRY_POINT_GROUP = "guide_rl.verifiers"

#: The built-in verifiers: name -> ``"module:factory"``.
_BUILTIN: dict[str, str] = {
    "chain": "verifiers.chain:ChainVerifier",
    "code": "verifiers.code:CodeVerifier",
    "math": "verifiers.math:MathVerifier",
    "reasoning_gym": "verifiers.reasoning_gym:ReasoningGymVerifier",
    "science": "verifiers.science:ScienceVerifier",
}
_registered: dict[str, Callable[..., Verifier]] = {}


@runtime_checkable
class Verifier(Protocol):
    """Anything with ``verify(response, problem) -> Verdict`` that never raises on model output."""

    def verify(self, response: str, problem: Any) -> Verdict:
        """Grade ``response`` for ``problem``."""
        ...


def register(name: str, factory: Callable[..., Verifier]) -> None:
    """Make ``get(name)`` build verifiers with ``factory`` (overrides an entry point)."""
    _registered[name] = factory


def _entry_point_targets() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available() -> list[str]:
    """Names that :func:`get` accepts.

    >>> "math" in available()
    True
    """
    return sorted({*_BUILTIN, *_entry_point_targets(), *_registered})


def _load(target: str) -> Callable[..., Verifier]:
    module, _, attr = target.partition(":")
    factory: Callable[..., Verifier] = getattr(importlib.import_module(module), attr)
    return factory


def get(name: str, **kwargs: Any) -> Verifier:
    """Build the verifier registered as ``name``.

    >>> get("math").verify("\\\\boxed{4}", type("P", (), {"answer": "4"})()).correct
    True
    """
    if name in _registered:
        return _registered[name](**kwargs)
    target = _entry_point_targets().get(name) or _BUILTIN.get(name)
    if target is None:
        raise KeyError(f"no verifier named {name!r}; available: {', '.join(available())}")
    return _load(target)(**kwargs)
