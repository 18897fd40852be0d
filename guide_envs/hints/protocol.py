"""What every hint provider offers: the :class:`HintProvider` protocol."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from guide_envs.problem import Problem

__all__ = ["HintProvider"]


@runtime_checkable
class HintProvider(Protocol):
    """Anything that turns a problem into guidance text, or None when it has none.

    A hint helps without stating the final answer; wrap a provider in
    :class:`~guide_envs.hints.leak.GuardedHint` to enforce that.

    Example:
        >>> class Constant:
        ...     def hint(self, problem: Problem) -> str | None:
        ...         return "Draw a picture."
        >>> isinstance(Constant(), HintProvider)
        True
    """

    def hint(self, problem: Problem) -> str | None:
        """Guidance for ``problem``, or None."""
        ...
