"""The offline default source of generated problems: :class:`ProceduralSource`, its config."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from guide_envs.problem import Problem
from guide_envs.sources.generators import (
    DIFFICULTIES,
    DOMAIN_FAMILIES,
    FAMILY_NAMES,
    family_domain,
    get_family,
    item_rng,
)

__all__ = ["ProceduralConfig", "ProceduralSource"]


@dataclass(frozen=True)
class ProceduralConfig:
    """Which procedural problems a source serves.

    Attributes:
        families: Family names of any domain (see
            ``guide_envs.sources.generators.DOMAIN_FAMILIES``); the math ones by default.
        difficulty: Difficulty levels 1 (easiest) to 5, one or several.
        seed: Base seed; problem ``index`` is generated from ``(family, difficulty, seed, index)``.
        size: Number of problems the source holds (draws are uniform over them).
    """

    families: tuple[str, ...] = FAMILY_NAMES
    difficulty: tuple[int, ...] = (1, 2, 3)
    seed: int = 0
    size: int = 100_000

    def validate(self) -> ProceduralConfig:
        """Raise ``ValueError`` naming the first bad field; return self so calls can chain."""
        if not self.families:
            raise ValueError("families must name at least one family")
        for name in self.families:
            try:
                family_domain(name)
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
        if not self.difficulty:
            raise ValueError("difficulty must list at least one level")
        for level in self.difficulty:
            if level not in DIFFICULTIES:
                raise ValueError(f"difficulty must be in 1..5, got {level!r}")
        if self.size < 1:
            raise ValueError(f"size must be positive, got {self.size!r}")
        return self


def _as_tuple(value: int | str | Sequence[int] | Sequence[str]) -> tuple[Any, ...]:
    return (value,) if isinstance(value, (int, str)) else tuple(value)


class ProceduralSource:
    """Problems from the built-in generator families, each with a worked solution and a hint.

    Item ``i`` cycles through families, then difficulties, so any prefix is balanced.
    Ids look like ``arithmetic/d2/s0/17`` and can be replayed without the source's config.

    Example:
        >>> src = ProceduralSource(families="arithmetic", difficulty=1, seed=7)
        >>> p = src[0]
        >>> p.id, p.metadata["family"], p.metadata["difficulty"]
        ('arithmetic/d1/s7/0', 'arithmetic', 1)
        >>> src.find(p.id) == p
        True
    """

    def __init__(self, families: str | Sequence[str] | None = None,
                 difficulty: int | Sequence[int] = (1, 2, 3), seed: int = 0,
                 size: int = 100_000, *, domain: str = "math") -> None:
        if domain not in DOMAIN_FAMILIES:
            raise ValueError(f"unknown domain {domain!r}; choose from {sorted(DOMAIN_FAMILIES)}")
        chosen = DOMAIN_FAMILIES[domain] if families is None else _as_tuple(families)
        self.config = ProceduralConfig(chosen, _as_tuple(difficulty), seed, size)
        self.config.validate()

    def __len__(self) -> int:
        return self.config.size

    def __getitem__(self, index: int) -> Problem:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for a source of {len(self)}")
        fams, levels = self.config.families, self.config.difficulty
        family = fams[index % len(fams)]
        level = levels[(index // len(fams)) % len(levels)]
        return self.generate(family, level, self.config.seed, index // (len(fams) * len(levels)))

    def find(self, problem_id: str) -> Problem:
        """Rebuild the problem named ``problem_id`` (any family, difficulty or seed)."""
        try:
            family, level, seed, index = problem_id.split("/")
            return self.generate(family, int(level.removeprefix("d")),
                                 int(seed.removeprefix("s")), int(index))
        except (ValueError, KeyError) as exc:
            raise KeyError(f"not a procedural problem id: {problem_id!r} ({exc})") from None

    @staticmethod
    def generate(family: str, difficulty: int, seed: int, index: int) -> Problem:
        """The problem ``index`` of ``family`` at ``difficulty`` for ``seed``."""
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be in 1..5, got {difficulty!r}")
        spec = get_family(family)
        draft = spec.generate(item_rng(family, difficulty, seed, index), difficulty)
        return Problem(
            id=f"{family}/d{difficulty}/s{seed}/{index}",
            domain=spec.domain,
            prompt=draft.prompt,
            answer=draft.answer,
            tests=draft.tests,
            hint=draft.hint,
            solution=draft.solution(),
            metadata={"source": "procedural", "family": family, "difficulty": difficulty,
                      **draft.metadata},
        )

    def __repr__(self) -> str:
        c = self.config
        return (f"ProceduralSource(families={list(c.families)}, difficulty={list(c.difficulty)}, "
                f"seed={c.seed}, size={c.size})")
