"""Processes started by ``torchrun``: :class:`Dist`, :func:`init_distributed`.

Every rank draws the same global batch of prompts and keeps its own slice; each rank samples and
grades its slice and computes its share of the loss (weighted by its share of the global
normaliser); the trained modules are FSDP2 modules (:mod:`agents.sharding`) that reduce the
gradients over ranks. One update on N processes therefore equals one update on one process with
the same global batch (``tests/agents/test_sharding.py``). Gloo on CPU, NCCL on GPU.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import torch
import torch.distributed as dist

__all__ = ["Dist", "init_distributed"]

T = TypeVar("T")


@dataclass(frozen=True)
class Dist:
    """The place of this process in the run (rank 0 of 1 when not distributed)."""

    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def is_main(self) -> bool:
        """Whether this rank writes logs, checkpoints and the progress bar."""
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        """Whether there are other ranks to talk to."""
        return self.world > 1

    def shard(self, items: Sequence[T]) -> list[T]:
        """The contiguous slice of a global list for this rank (sizes differ by at most one).

        >>> Dist(rank=1, world=2).shard([0, 1, 2, 3, 4])
        [2, 3, 4]
        """
        n, r, w = len(items), self.rank, self.world
        start, stop = r * n // w, (r + 1) * n // w
        return list(items[start:stop])

    def sum(self, value: float) -> float:
        """``value`` summed over ranks."""
        if not self.enabled:
            return value
        t = torch.tensor([value], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return float(t.item())

    def gather(self, values: torch.Tensor) -> torch.Tensor:
        """The 1-D tensors of every rank, concatenated in rank order (lengths may differ)."""
        if not self.enabled:
            return values
        values = values.detach().to(self.device, torch.float32).flatten()
        sizes = [torch.zeros(1, dtype=torch.long, device=self.device) for _ in range(self.world)]
        dist.all_gather(sizes, torch.tensor([values.numel()], device=self.device))
        longest = int(max(s.item() for s in sizes))
        padded = torch.zeros(longest, device=self.device)
        padded[:values.numel()] = values
        parts = [torch.zeros(longest, device=self.device) for _ in range(self.world)]
        dist.all_gather(parts, padded)
        return torch.cat([p[:int(s.item())] for p, s in zip(parts, sizes, strict=True)])

    def max(self, value: int) -> int:
        """The largest ``value`` of any rank."""
        if not self.enabled:
            return value
        t = torch.tensor([value], dtype=torch.long, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return int(t.item())

    @contextmanager
    def main_first(self) -> Iterator[None]:
        """Run the body on the main rank, then on the others (a cache the main rank fills).

        Hugging Face writes model files only from rank 0 of a process group, so a cache built
        by another rank (the tiny preset's, a converted GGUF) would lack its weights.
        """
        if self.enabled and not self.is_main:
            dist.barrier()
        try:
            yield
        finally:
            if self.enabled and self.is_main:
                dist.barrier()

    def close(self) -> None:
        """Leave the process group."""
        if self.enabled and dist.is_initialized():
            dist.destroy_process_group()


def init_distributed(device: str = "auto") -> Dist:
    """Join the ``torchrun`` process group if there is one, and pick this rank's device.

    ``device="auto"`` means this rank's CUDA device when CUDA is available, else the CPU.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    cuda = torch.cuda.is_available() and device in ("auto", "cuda")
    if device not in ("auto", "cuda", "cpu"):
        raise ValueError(f"device must be 'auto', 'cuda' or 'cpu', got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but CUDA is not available")
    local = int(os.environ.get("LOCAL_RANK", "0"))
    chosen = torch.device(f"cuda:{local}") if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(chosen)
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    return Dist(rank=rank, world=world, device=chosen)
