"""Where an environment draws problems from: :class:`ProblemSource` and :class:`ListSource`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

from guide_envs.problem import Problem

__all__ = ["ListSource", "ProblemSource"]


@runtime_checkable
class ProblemSource(Protocol):
    """A finite, indexable collection of problems that can also be searched by id."""

    def __len__(self) -> int:
        """Number of problems."""
        ...

    def __getitem__(self, index: int) -> Problem:
        """The problem at ``index`` (0 <= index < len)."""
        ...

    def find(self, problem_id: str) -> Problem:
        """The problem whose ``id`` is ``problem_id``; ``KeyError`` if there is none."""
        ...


class ListSource:
    """A :class:`ProblemSource` over a sequence of problems with unique ids.

    Example:
        >>> src = ListSource([Problem(id="a", domain="math", prompt="1+1?", answer="2")])
        >>> len(src), src.find("a").answer
        (1, '2')
    """

    def __init__(self, problems: Iterable[Problem], name: str = "list") -> None:
        self._problems: Sequence[Problem] = tuple(problems)
        self.name = name
        self._by_id: dict[str, int] = {}
        for i, problem in enumerate(self._problems):
            if problem.id in self._by_id:
                raise ValueError(f"{name}: duplicate problem id {problem.id!r}")
            self._by_id[problem.id] = i
        if not self._problems:
            raise ValueError(f"{name}: the source holds no problems")

    def __len__(self) -> int:
        return len(self._problems)

    def __getitem__(self, index: int) -> Problem:
        return self._problems[index]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._problems)

    def find(self, problem_id: str) -> Problem:
        """The problem with ``problem_id``."""
        try:
            return self._problems[self._by_id[problem_id]]
        except KeyError:
            raise KeyError(f"{self.name}: no problem with id {problem_id!r}") from None

    def __repr__(self) -> str:
        return f"ListSource(name={self.name!r}, size={len(self)})"
