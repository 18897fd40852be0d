"""Hint files written by :mod:`guide_envs.hints.precompute`: :func:`read_hints`, :func:`with_hints`.

A hint file is JSON Lines, one record per problem with at least ``id`` and ``hint``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from guide_envs.problem import Problem
from guide_envs.sources.base import ProblemSource

__all__ = ["HintedSource", "read_hints", "with_hints"]


def read_hints(path: str | os.PathLike[str]) -> dict[str, str]:
    """``{problem id: hint}`` for the records of ``path`` that carry a hint.

    Raises:
        ValueError: A line that is not a JSON object with a string ``id`` (the message names
            the line), or an id that repeats.
    """
    hints: dict[str, str] = {}
    seen: set[str] = set()
    with Path(path).open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise ValueError(f"{path}:{number}: expected an object with a string 'id'")
            if record["id"] in seen:
                raise ValueError(f"{path}:{number}: id {record['id']!r} repeats")
            seen.add(record["id"])
            hint = record.get("hint")
            if isinstance(hint, str) and hint.strip():
                hints[record["id"]] = hint
    return hints


class HintedSource:
    """A :class:`~guide_envs.sources.base.ProblemSource` whose problems carry given hints.

    A problem whose id has a hint gets it in ``Problem.hint`` (replacing its own); the others
    are served as they are.

    Example:
        >>> from guide_envs.sources.base import ListSource
        >>> base = ListSource([Problem(id="a", domain="math", prompt="1+1?", answer="2")])
        >>> HintedSource(base, {"a": "Count on your fingers."}).find("a").hint
        'Count on your fingers.'
    """

    def __init__(self, source: ProblemSource, hints: dict[str, str]) -> None:
        self.source = source
        self.hints = dict(hints)

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int) -> Problem:
        return self._with_hint(self.source[index])

    def find(self, problem_id: str) -> Problem:
        """The problem ``problem_id`` of the wrapped source, with its hint."""
        return self._with_hint(self.source.find(problem_id))

    def _with_hint(self, problem: Problem) -> Problem:
        hint = self.hints.get(problem.id)
        return problem if hint is None else dataclasses.replace(problem, hint=hint)

    def __repr__(self) -> str:
        return f"HintedSource({self.source!r}, hints={len(self.hints)})"


def with_hints(source: ProblemSource, path: str | os.PathLike[str]) -> HintedSource:
    """``source`` with the hints of the file ``path`` (see :func:`read_hints`) filled in by id.

    Example:
        >>> import json, pathlib, tempfile
        >>> from guide_envs.sources import make_source
        >>> source = make_source("procedural", families="arithmetic", size=3)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "hints.jsonl"
        ...     _ = path.write_text(json.dumps({"id": source[1].id, "hint": "Go slowly."}))
        ...     hinted = with_hints(source, path)
        >>> hinted[1].hint, hinted[1].answer == source[1].answer
        ('Go slowly.', True)
    """
    return HintedSource(source, read_hints(path))
