"""Where training metrics go: :class:`MetricsLogger` (JSON Lines, TensorBoard, wandb).

Metric names follow CleanRL's convention: ``charts/...`` for what a user watches (reward, solve
rate, guided fraction), ``losses/...`` for the optimisation, ``eval/...`` for held-out results,
``time/...`` for durations.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

__all__ = ["MetricsLogger"]


class MetricsLogger:
    """Append metrics to ``metrics.jsonl`` and, when asked, TensorBoard and wandb.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as d:
        ...     log = MetricsLogger(Path(d), tensorboard=False)
        ...     log.log(1, {"charts/reward": 0.5})
        ...     log.close()
        ...     (Path(d) / "metrics.jsonl").read_text()
        '{"step": 1, "charts/reward": 0.5}\\n'
    """

    def __init__(self, directory: Path, *, tensorboard: bool = True, wandb: bool = False,
                 config: dict[str, Any] | None = None, resume: bool = False) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "metrics.jsonl"
        self._file = self.path.open("a" if resume else "w")
        self._tb = self._wandb = None
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter
            except ImportError as exc:  # tensorboard itself is missing
                raise ImportError("TensorBoard logging needs the tensorboard package "
                                  "(pip install tensorboard) or --no-tensorboard") from exc
            self._tb = SummaryWriter(str(directory / "tensorboard"))
        if wandb:
            try:
                import wandb as wandb_module
            except ImportError as exc:
                raise ImportError("--wandb needs the wandb package: pip install wandb") from exc
            self._wandb = wandb_module.init(project="guide-rl", config=config or {},
                                            dir=str(directory))

    def log(self, step: int, metrics: dict[str, float]) -> None:
        """Record ``metrics`` at ``step`` everywhere enabled."""
        clean = {k: float(v) for k, v in metrics.items() if v is not None and math.isfinite(v)}
        self._file.write(json.dumps({"step": step, **clean}) + "\n")
        self._file.flush()
        if self._tb is not None:
            for key, value in clean.items():
                self._tb.add_scalar(key, value, step)
        if self._wandb is not None:
            self._wandb.log(clean, step=step)

    def close(self) -> None:
        """Flush and close everything."""
        self._file.close()
        if self._tb is not None:
            self._tb.close()
        if self._wandb is not None:
            self._wandb.finish()
