"""policy_update (agents/grpo.py) on real parts: a tiny Qwen2, trajectories sampled from real envs
(test_sampling.py tests the sampling)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
from _sampled import _mixed_trajectories
from _tiny_parts import tiny_qwen

from agents.distributed import Dist
from agents.grpo import UpdateConfig, policy_update
from agents.losses import LossConfig


@pytest.mark.parametrize("length_norm", ["sample", "token"])
def test_micro_batches_do_not_change_the_update(tokenizer: Any, length_norm: str) -> None:
    base = tiny_qwen(tokenizer)
    trajs = _mixed_trajectories(tokenizer, base)
    assert any(t.guided for t in trajs) and any(not t.guided for t in trajs)
    results = []
    for micro in (64, 3):
        model = copy.deepcopy(base)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
        settings = UpdateConfig(LossConfig(length_norm=length_norm), micro_batch=micro,
                                  max_grad_norm=1e9)
        metrics = policy_update(model, optimizer, scheduler, trajs, settings,
                                pad_id=tokenizer.pad_token_id, dist=Dist())
        results.append((model.state_dict(), metrics))
    (one, m_one), (many, m_many) = results
    assert m_one["losses/gamma"] == pytest.approx(m_many["losses/gamma"])
    for key in one:
        torch.testing.assert_close(one[key], many[key], atol=1e-6, rtol=1e-5)
    assert not torch.equal(one["model.embed_tokens.weight"],
                           base.state_dict()["model.embed_tokens.weight"])
