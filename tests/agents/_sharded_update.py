"""Updates under ``torchrun`` for tests/agents/test_sharding.py (1 or 2 processes, gloo).

Every rank builds the same tiny model and the same global batch of trajectories (guided and
unguided, sampled once), prepares the trained modules (:func:`agents.sharding.prepare`), keeps
its shard of the batch and updates; rank 0 writes the whole weights and the metrics.

    _sharded_update.py update OUT LEARNER SHARD LENGTH_NORM   one update (grpo or ppo)
    _sharded_update.py save OUT SHARD          an update, a checkpoint, then a second update
    _sharded_update.py resume OUT SHARD        the checkpoint loaded, then the second update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).parent))

from _sampled import _mixed_trajectories  # noqa: E402 - after the path set-up
from _tiny_parts import tiny_qwen  # noqa: E402

from agents.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint  # noqa: E402
from agents.distributed import Dist, init_distributed  # noqa: E402
from agents.grpo import UpdateConfig, policy_update  # noqa: E402
from agents.losses import LossConfig  # noqa: E402
from agents.ppo import PPOConfig, make_critic, ppo_update  # noqa: E402
from agents.sharding import ShardConfig, full_state_dict, prepare  # noqa: E402
from agents.tiny import tiny_tokenizer  # noqa: E402


def _modules(learner: str, shard: str, dist: Dist) -> tuple[torch.nn.Module, Any, list]:
    tokenizer = tiny_tokenizer()
    model = tiny_qwen(tokenizer)
    trajectories = _mixed_trajectories(tokenizer, model)  # the same on every rank
    modules = {"policy": model}
    if learner == "ppo":
        modules["critic"] = make_critic(model, "head")
    for module in modules.values():
        prepare(module, dist, ShardConfig(shard))  # type: ignore[arg-type]
    return torch.nn.ModuleDict(modules), tokenizer, trajectories


def _update(learner: str, trained: torch.nn.Module, optimizer: torch.optim.Optimizer,
            scheduler: Any, trajectories: list, pad_id: int, dist: Dist,
            length_norm: str = "token") -> dict[str, float]:
    mine = dist.shard(trajectories)
    loss = LossConfig(length_norm=length_norm)  # type: ignore[arg-type]
    if learner == "ppo":
        return ppo_update(trained["policy"], trained["critic"], optimizer, scheduler, mine,
                          PPOConfig(loss, epochs=2, micro_batch=3, max_grad_norm=1e9),
                          pad_id=pad_id, dist=dist, seed=0)
    return policy_update(trained["policy"], optimizer, scheduler, mine,
                         UpdateConfig(loss, micro_batch=3, max_grad_norm=1e9),
                         pad_id=pad_id, dist=dist)


def _optimizer(trained: torch.nn.Module, kind: str) -> tuple[torch.optim.Optimizer, Any]:
    params = [p for p in trained.parameters() if p.requires_grad]
    optimizer = (torch.optim.SGD(params, lr=0.5) if kind == "sgd"
                 else torch.optim.AdamW(params, lr=1e-2))
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)


def _save(trained: torch.nn.Module, dist: Dist, path: Path, metrics: dict | None = None) -> None:
    weights = full_state_dict(trained)  # every rank takes part
    if dist.is_main:
        torch.save(weights, path)
        if metrics is not None:
            path.with_suffix(".json").write_text(json.dumps(metrics))


def main(mode: str, out: Path, *rest: str) -> None:
    """Run ``mode`` (see the module docstring)."""
    torch.set_num_threads(1)
    dist = init_distributed("cpu")
    learner, shard = (rest[0], rest[1]) if mode == "update" else ("grpo", rest[0])
    trained, tokenizer, trajectories = _modules(learner, shard, dist)
    pad = tokenizer.pad_token_id
    if mode == "update":
        optimizer, scheduler = _optimizer(trained, "sgd")
        metrics = _update(learner, trained, optimizer, scheduler, trajectories, pad, dist,
                          rest[2])
        _save(trained, dist, out / "weights.pt", metrics)
    elif mode == "save":
        optimizer, scheduler = _optimizer(trained, "adamw")
        _update(learner, trained, optimizer, scheduler, trajectories, pad, dist)
        save_checkpoint(out / "checkpoints", 1, model=trained, optimizer=optimizer,
                        scheduler=scheduler, state={})
        _update(learner, trained, optimizer, scheduler, trajectories, pad, dist)
        _save(trained, dist, out / "uninterrupted.pt")
    else:
        optimizer, scheduler = _optimizer(trained, "adamw")
        found = latest_checkpoint(out / "checkpoints")
        assert found is not None
        load_checkpoint(found, model=trained, optimizer=optimizer, scheduler=scheduler)
        _update(learner, trained, optimizer, scheduler, trajectories, pad, dist)
        _save(trained, dist, out / f"resumed_on_{dist.world}.pt")
    dist.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), *sys.argv[3:])
