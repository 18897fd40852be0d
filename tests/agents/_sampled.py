"""Sampled groups for the learner tests (test_sampling.py, test_grpo.py, _sharded_update.py): the
rewrite-chain env settings, the sampling settings, the HF engine and :func:`_mixed_trajectories`."""

from __future__ import annotations

import dataclasses
from typing import Any

from agents.env_client import EnvClient
from agents.grpo import with_advantages
from agents.guidance import GuidanceConfig
from agents.rollout import HFEngine
from agents.sampling import SamplingConfig, sample_groups

KW = {"families": ["rewrite_chain"], "difficulty": [3], "template": "chain"}
SAMPLING = SamplingConfig(group_size=4, max_new_tokens=12, temperature=1.0)


def _engine(model: Any, tokenizer: Any) -> HFEngine:
    return HFEngine(model, eos_token_id=tokenizer.eos_token_id,
                    pad_token_id=tokenizer.pad_token_id)


def _mixed_trajectories(tokenizer: Any, model: Any) -> list[Any]:
    """Guided groups from level 3, and unguided ones with a reward spread (level 1, graded)."""
    client = EnvClient("guide/Math-v0", KW)
    groups = sample_groups(client, _engine(model, tokenizer), tokenizer, client.draw(2),
                           SAMPLING, GuidanceConfig(), seed=0)
    client.close()
    for group in groups:  # give the guided groups distinct rewards so advantages are non-zero
        group.trajectories = [dataclasses.replace(t, reward=float(i % 2))
                              for i, t in enumerate(group.trajectories)]
    easy = EnvClient("guide/Math-v0", {**KW, "difficulty": [1]})
    unguided = sample_groups(easy, _engine(model, tokenizer), tokenizer, easy.draw(2),
                             SAMPLING, GuidanceConfig(enabled=False), seed=1)
    easy.close()
    for group in unguided:
        group.trajectories = [dataclasses.replace(t, reward=float(i < 2))
                              for i, t in enumerate(group.trajectories)]
    return with_advantages([*groups, *unguided])
