"""One policy update, run by ``torchrun`` with 1 or 2 processes (tests/agents/test_distributed.py).

Every rank builds the same model and the same global batch of trajectories (guided and
unguided), keeps its shard, and takes one update; rank 0 saves the weights and metrics.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))

from _sampled import _mixed_trajectories  # noqa: E402 - after the path set-up
from _tiny_parts import tiny_qwen  # noqa: E402

from agents.distributed import init_distributed  # noqa: E402
from agents.grpo import UpdateConfig, policy_update  # noqa: E402
from agents.losses import LossConfig  # noqa: E402
from agents.tiny import tiny_tokenizer  # noqa: E402


def main(out: Path, length_norm: str) -> None:
    """Update once and save (rank 0)."""
    torch.set_num_threads(1)
    dist = init_distributed("cpu")
    tokenizer = tiny_tokenizer()
    model = tiny_qwen(tokenizer)
    trajectories = _mixed_trajectories(tokenizer, model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    settings = UpdateConfig(LossConfig(length_norm=length_norm), micro_batch=5,
                              max_grad_norm=1e9)
    metrics = policy_update(model, optimizer, scheduler, dist.shard(trajectories), settings,
                            pad_id=tokenizer.pad_token_id, dist=dist)
    if dist.is_main:
        torch.save(model.state_dict(), out / "weights.pt")
        (out / "metrics.json").write_text(json.dumps(metrics))
    dist.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
