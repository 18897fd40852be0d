"""Save and resume a training run exactly: :func:`save_checkpoint`, :func:`load_checkpoint`.

A checkpoint ``step_<N>/`` holds the trained weights and the optimizer state as a
``torch.distributed.checkpoint`` (``state/``: every rank writes its own shards, and any number
of ranks, one included, reads them back, resharded), the scheduler state and every RNG state
(``trainer.pt``) and the run's counters (``state.json``: step, data position), so that a
resumed run takes the same next step as an uninterrupted one, on as many ranks as before or
not. It is written to a temporary directory and renamed into place, so a crash mid-save never
leaves a checkpoint that looks complete. :func:`read_weights` gives the weights as a plain
state dict (for ``agents.evaluate``).
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

__all__ = ["is_checkpoint", "latest_checkpoint", "load_checkpoint", "read_weights",
           "save_checkpoint"]

_PREFIX = "step_"
_STATE = "state"


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def _barrier() -> None:
    if _distributed():
        dist.barrier()


def _is_main() -> bool:
    return not _distributed() or dist.get_rank() == 0


@contextmanager
def _one_process_is_intended() -> Iterator[None]:
    """Silence torch.distributed.checkpoint's warning that one process is assumed: it is."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="torch.distributed is disabled")
        yield


def save_checkpoint(directory: Path, step: int, *, model: torch.nn.Module,
                    optimizer: torch.optim.Optimizer, scheduler: Any,
                    state: dict[str, Any], keep: int = 2) -> Path:
    """Write ``directory/step_<step>`` and drop all but the ``keep`` newest checkpoints.

    Every rank calls it (each writes its shards); the return value is the same on all.
    """
    final = directory / f"{_PREFIX}{step:08d}"
    tmp = directory / f".tmp_{_PREFIX}{step:08d}"
    if _is_main():
        directory.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    _barrier()
    model_state, optimizer_state = get_state_dict(model, optimizer)
    with _one_process_is_intended():
        dcp.save({"model": model_state, "optimizer": optimizer_state},
                 checkpoint_id=tmp / _STATE, no_dist=not _distributed())
    _barrier()
    if _is_main():
        torch.save({"scheduler": scheduler.state_dict(), "rng": _rng_state()}, tmp / "trainer.pt")
        (tmp / "state.json").write_text(json.dumps({"step": step, **state}, indent=1))
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for old in sorted(directory.glob(f"{_PREFIX}*"))[:-keep]:
            shutil.rmtree(old, ignore_errors=True)
    _barrier()
    return final


def is_checkpoint(path: Path) -> bool:
    """Whether ``path`` is a complete checkpoint folder."""
    return (path / "state.json").is_file() and (path / _STATE).is_dir()


def latest_checkpoint(directory: Path) -> Path | None:
    """The newest complete checkpoint under ``directory``, or None."""
    found = sorted(p for p in directory.glob(f"{_PREFIX}*") if is_checkpoint(p))
    return found[-1] if found else None


def load_checkpoint(path: Path, *, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: Any) -> dict[str, Any]:
    """Restore everything :func:`save_checkpoint` wrote; returns the saved ``state``.

    Every rank calls it; the ranks need not be as many as when it was saved.
    """
    model_state, optimizer_state = get_state_dict(model, optimizer)
    loaded = {"model": model_state, "optimizer": optimizer_state}
    with _one_process_is_intended():
        dcp.load(loaded, checkpoint_id=path / _STATE, no_dist=not _distributed())
    set_state_dict(model, optimizer, model_state_dict=loaded["model"],
                   optim_state_dict=loaded["optimizer"])
    trainer = torch.load(path / "trainer.pt", map_location="cpu", weights_only=False)
    scheduler.load_state_dict(trainer["scheduler"])
    _set_rng_state(trainer["rng"])
    state: dict[str, Any] = json.loads((path / "state.json").read_text())
    return state


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """The trained weights of checkpoint ``path`` as one plain state dict (one process).

    Names are the trained module's (``policy.`` and ``critic.`` prefixed for Guide-PPO).
    """
    from torch.distributed.checkpoint.format_utils import dcp_to_torch_save

    with tempfile.TemporaryDirectory() as tmp, _one_process_is_intended():
        dcp_to_torch_save(path / _STATE, Path(tmp) / "all.pt")
        everything = torch.load(Path(tmp) / "all.pt", map_location="cpu", weights_only=False)
    model: dict[str, torch.Tensor] = everything["model"]
    return model


def _rng_state() -> dict[str, Any]:
    state = {"python": random.getstate(), "numpy": np.random.get_state(),
             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
