"""A reward function called the way TRL calls it.

TRL 1.16's ``GRPOTrainer._calculate_rewards`` calls a reward function with ``prompts=``,
``completions=``, ``completion_ids=``, every dataset column, ``trainer_state=``, ``log_extra=``
and ``log_metric=``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


class _Logs:
    """TRL's ``log_extra``/``log_metric`` targets (``GRPOTrainer._pending_*``)."""

    def __init__(self) -> None:
        self.extra: dict[str, list[Any]] = defaultdict(list)
        self.metrics: dict[str, list[float]] = defaultdict(list)

    def log_extra(self, column: str, values: list[Any]) -> None:
        self.extra[column].extend(values)

    def log_metric(self, name: str, value: float) -> None:
        self.metrics[name].append(value)


def _trl_call(reward: Any, completions: list[str], logs: _Logs | None = None,
              **columns: list[Any]) -> list[float | None]:
    """The reward called as ``GRPOTrainer._calculate_rewards`` calls it (chat format)."""
    n = len(completions)
    prompts = [[{"role": "user", "content": "question"}]] * n
    chat = [[{"role": "assistant", "content": text}] for text in completions]
    logs = logs or _Logs()
    return reward(prompts=prompts, completions=chat,
                  completion_ids=[[1, 2, 3]] * n, **columns, trainer_state=None,
                  log_extra=logs.log_extra, log_metric=logs.log_metric)
