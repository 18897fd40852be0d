"""Data-parallel training on torch's FSDP2: :class:`ShardConfig`, :func:`prepare`.

Every trained module of a run with several ranks goes through :func:`prepare`: FSDP2
(``torch.distributed.fsdp.fully_shard``) on each decoder layer and on the root. With
``strategy="fsdp"`` parameters, gradients and optimizer state are sharded across the ranks
(ZeRO-3: per-rank memory falls with the number of ranks); with ``"none"`` every rank keeps the
whole model and gradients are all-reduced (FSDP2 on a ``(replicate, shard)`` mesh with a shard
dimension of 1, i.e. FSDP's no-shard strategy). Gloo on CPU, NCCL on GPU.

Two rules follow for the code that trains: every rank runs the same number of forward passes
through a prepared module (each one gathers parameters: :func:`agents.batch.aligned_chunks`
pads a rank's micro-batches with empty ones, which run on a placeholder sequence with weight
0), and gradients are averaged over ranks, so a loss that is this rank's share of a global mean
is multiplied by ``Dist.world`` before ``backward``. Rollout engines sample from a full copy
of the weights, refreshed parameter by parameter from :func:`full_state`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from agents.distributed import Dist

__all__ = ["SHARD_STRATEGIES", "ShardConfig", "clip_grad_norm", "full_state", "full_state_dict",
           "is_prepared", "prepare", "unsharded_copy"]

Strategy = Literal["none", "fsdp"]
#: The values of ``--shard``.
SHARD_STRATEGIES = ("none", "fsdp")


@dataclass(frozen=True)
class ShardConfig:
    """How a run's trained modules are spread over its ranks.

    Example:
        >>> ShardConfig("fsdp", mixed_precision=True).validate().strategy
        'fsdp'
    """

    strategy: Strategy = "none"
    """"none": every rank holds the whole model; "fsdp": parameters, gradients and optimizer
    state are sharded over the ranks."""
    mixed_precision: bool = False
    """Compute in bfloat16 with float32 weights and gradient reduction (FSDP2's policy)."""
    cpu_offload: bool = False
    """Keep the sharded parameters and optimizer state in CPU memory (GPU runs)."""

    def validate(self) -> ShardConfig:
        """Raise ValueError naming the first bad field; return self so calls can chain."""
        if self.strategy not in SHARD_STRATEGIES:
            raise ValueError(f"strategy must be one of {SHARD_STRATEGIES}, got {self.strategy!r}")
        if self.cpu_offload and self.strategy != "fsdp":
            raise ValueError("cpu_offload needs strategy 'fsdp' (only shards are offloaded)")
        return self


def prepare(module: nn.Module, dist: Dist, config: ShardConfig) -> nn.Module:
    """Make ``module`` train data-parallel over ``dist``'s ranks (in place; returns it).

    A run of one rank is left as it is. Decoder layers (the classes a Hugging Face model lists
    in ``_no_split_modules``) become FSDP units of their own, then the root.
    """
    if not dist.enabled:
        return module
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import CPUOffloadPolicy, MixedPrecisionPolicy, fully_shard

    device = dist.device.type
    if config.strategy == "fsdp":
        mesh = init_device_mesh(device, (dist.world,))
    else:
        mesh = init_device_mesh(device, (dist.world, 1), mesh_dim_names=("replicate", "shard"))
    options: dict[str, object] = {"mesh": mesh}
    if config.mixed_precision:
        options["mp_policy"] = MixedPrecisionPolicy(param_dtype=torch.bfloat16,
                                                    reduce_dtype=torch.float32)
    if config.cpu_offload:
        options["offload_policy"] = CPUOffloadPolicy()
    for layer in _decoder_layers(module):
        fully_shard(layer, **options)  # type: ignore[arg-type]
    fully_shard(module, **options)  # type: ignore[arg-type]
    return module


def is_prepared(module: nn.Module) -> bool:
    """Whether :func:`prepare` made ``module`` an FSDP module."""
    from torch.distributed.fsdp import FSDPModule

    return isinstance(module, FSDPModule)


def _decoder_layers(module: nn.Module) -> list[nn.Module]:
    names: set[str] = set()
    for sub in module.modules():
        names.update(getattr(sub, "_no_split_modules", None) or ())
    return [sub for sub in module.modules() if type(sub).__name__ in names]


def full_state(module: nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    """``module``'s state dict one whole tensor at a time, sharded ones gathered.

    Every rank must iterate it to the end together (each sharded tensor is an all-gather), and
    only one gathered tensor is alive at a time: weights are streamed, never held twice.
    """
    from torch.distributed.tensor import DTensor

    for name, value in module.state_dict().items():
        yield name, value.full_tensor() if isinstance(value, DTensor) else value


def full_state_dict(module: nn.Module) -> dict[str, torch.Tensor]:
    """``module``'s whole state dict on rank 0, in CPU memory (empty on the other ranks).

    Every rank must call it (sharded tensors are gathered).
    """
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    options = StateDictOptions(full_state_dict=True, cpu_offload=True)
    return get_model_state_dict(module, options=options)


def unsharded_copy(module: nn.Module) -> nn.Module:
    """A plain copy of a not yet prepared ``module``, for a rollout engine to sample from."""
    return copy.deepcopy(module)


def clip_grad_norm(params: list[nn.Parameter], max_norm: float) -> float:
    """Clip the gradients of ``params`` to ``max_norm`` together; their norm before clipping.

    The norm of sharded gradients is taken over every rank's shard.
    """
    from torch.distributed.tensor import DTensor

    norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
    return float(norm.full_tensor() if isinstance(norm, DTensor) else norm)
