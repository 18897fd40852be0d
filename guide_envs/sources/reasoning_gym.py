"""reasoning-gym's procedural datasets as a problem source: :class:`ReasoningGymSource`.

Problems are graded by reasoning-gym's own ``score_answer`` through
:class:`verifiers.reasoning_gym.ReasoningGymVerifier` (named in each problem's metadata).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guide_envs.problem import Problem

__all__ = ["ReasoningGymSource"]


def _jsonable(value: Any) -> Any:
    """Tuples become lists so the config round-trips through JSON to the grading worker."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class ReasoningGymSource:
    """The items of one reasoning-gym dataset, e.g. ``"basic_arithmetic"`` or ``"leg_counting"``.

    Args:
        dataset: A name from ``reasoning_gym.factory.DATASETS``.
        size: Number of items.
        seed: reasoning-gym's seed (item ``i`` comes from ``Random(seed + i)``).
        config: Extra fields of that dataset's config dataclass.

    Example:
        >>> src = ReasoningGymSource("basic_arithmetic", size=5, seed=1)
        >>> p = src[0]
        >>> p.id, p.metadata["verifier"]
        ('reasoning_gym/basic_arithmetic/s1/0', 'reasoning_gym')
    """

    def __init__(self, dataset: str, *, size: int = 1000, seed: int = 0,
                 config: Mapping[str, Any] | None = None) -> None:
        import reasoning_gym
        from reasoning_gym.factory import DATASETS

        if dataset not in DATASETS:
            raise ValueError(f"unknown reasoning-gym dataset {dataset!r}; choose from "
                             f"{', '.join(sorted(DATASETS))}")
        self.dataset_name = dataset
        self.config = {**_jsonable(dict(config or {})), "size": size, "seed": seed}
        self._data = reasoning_gym.create_dataset(dataset, **self.config)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, index: int) -> Problem:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for a source of {len(self)}")
        entry = self._data[index]
        return Problem(
            id=f"reasoning_gym/{self.dataset_name}/s{self.config['seed']}/{index}",
            domain="math",
            prompt=entry["question"],
            answer=str(entry["answer"]),
            metadata={"source": "reasoning_gym", "verifier": "reasoning_gym",
                      "rg_dataset": self.dataset_name, "rg_config": self.config,
                      "rg_entry": _jsonable(entry)},
        )

    def find(self, problem_id: str) -> Problem:
        """The item named ``problem_id`` (an id this source produced)."""
        prefix = f"reasoning_gym/{self.dataset_name}/s{self.config['seed']}/"
        if problem_id.startswith(prefix) and problem_id[len(prefix):].isdigit():
            index = int(problem_id[len(prefix):])
            if index < len(self):
                return self[index]
        raise KeyError(f"no problem with id {problem_id!r} in this reasoning-gym source")

    def __repr__(self) -> str:
        return f"ReasoningGymSource({self.dataset_name!r}, config={self.config})"
