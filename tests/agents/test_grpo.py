"""sample_groups and policy_update on real parts: a tiny Qwen2, the HF engine, real envs."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import gymnasium as gym
import pytest
import torch
from _tiny_parts import tiny_qwen

import guide_envs
from agents.distributed import Dist
from agents.env_client import EnvClient
from agents.grpo import UpdateConfig, policy_update, with_advantages
from agents.guidance import GuidanceConfig
from agents.logprobs import build_batch, token_logprobs
from agents.losses import LossConfig
from agents.rollout import HFEngine
from agents.sampling import SamplingConfig, group_stats, kept_groups, sample_groups

KW = {"families": ["rewrite_chain"], "difficulty": [3], "template": "chain"}
SAMPLING = SamplingConfig(group_size=4, max_new_tokens=12, temperature=1.0)


def _engine(model: Any, tokenizer: Any) -> HFEngine:
    return HFEngine(model, eos_token_id=tokenizer.eos_token_id,
                    pad_token_id=tokenizer.pad_token_id)


class AlwaysRight(gym.Env[str, str]):
    """A third-party env that follows the protocol and rewards every completion."""

    observation_space = action_space = guide_envs.UnicodeText(200)

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        pid = (options or {}).get("problem_id") or f"q{int(self.np_random.integers(100))}"
        return f"Q:{pid[1:]}+1 S:", {"problem_id": pid}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        return "", 1.0, True, False, {"verdict": {"correct": True, "status": "correct"}}


gym.register("test/AlwaysRight-v0", entry_point=AlwaysRight)


def test_successful_groups_never_ask_for_a_hint(tokenizer: Any) -> None:
    client = EnvClient("test/AlwaysRight-v0")
    groups = sample_groups(client, _engine(tiny_qwen(tokenizer), tokenizer), tokenizer,
                           client.draw(3), SAMPLING, GuidanceConfig(), seed=0)
    assert len(groups) == 3
    assert not any(g.hint_requested or g.hint_found for g in groups)
    assert not any(t.guided for g in groups for t in g.trajectories)
    assert all(t.reward == 1.0 for g in groups for t in g.trajectories)
    client.close()


class AlwaysWrong(AlwaysRight):
    """A third-party env with no problems to hint on: every completion fails."""

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        return "", 0.0, True, False, {"verdict": {"correct": False, "status": "incorrect"}}


gym.register("test/AlwaysWrong-v0", entry_point=AlwaysWrong)


def test_an_env_without_hints_trains_unguided_with_a_warning(tokenizer: Any) -> None:
    client = EnvClient("test/AlwaysWrong-v0")
    with pytest.warns(UserWarning, match="no hints, so no guidance"):
        groups = sample_groups(client, _engine(tiny_qwen(tokenizer), tokenizer), tokenizer,
                               client.draw(2), SAMPLING, GuidanceConfig(), seed=0)
    assert [g.hint_requested for g in groups] == [True, True]
    assert not any(g.hint_found for g in groups)
    assert not any(t.guided for g in groups for t in g.trajectories)
    client.close()


def test_failed_groups_are_resampled_with_the_hint_and_keep_both_contexts(tokenizer: Any) -> None:
    client = EnvClient("guide/Math-v0", KW)
    model = tiny_qwen(tokenizer)
    prompts = client.draw(2)
    groups = sample_groups(client, _engine(model, tokenizer), tokenizer, prompts, SAMPLING,
                           GuidanceConfig(), seed=0)
    for prompt, group in zip(prompts, groups, strict=True):
        assert group.unguided_rewards == [0.0] * 4  # an untrained model fails level 3
        assert group.hint_requested and group.hint_found
        hint = client.env.unwrapped.source.find(prompt.problem_id).hint
        for t in group.trajectories:
            assert t.guided
            assert tokenizer.decode(t.prompt_ids) == prompt.text
            assert tokenizer.decode(t.context_ids) == prompt.text.replace(" S:", f" H:{hint} S:")
    # the recorded log-probs are those of the hinted context, not of the hint-free one
    t = groups[0].trajectories[0]
    for context, same in ((t.context_ids, True), (t.prompt_ids, False)):
        batch = build_batch([list(context)], [list(t.completion_ids)], tokenizer.pad_token_id)
        logp, _ = token_logprobs(model, batch.input_ids, batch.attention_mask,
                                 batch.completion_mask)
        recomputed = torch.tensor(batch.unpad_completions(logp)[0])
        assert torch.allclose(recomputed, torch.tensor(t.logprobs), atol=1e-4) is same
    client.close()


@pytest.mark.parametrize(("guidance", "kept"), [
    (GuidanceConfig(enabled=False), 2),  # vanilla GRPO: failed groups stay, unguided
    (GuidanceConfig(enabled=False, filter_equal=True), 0),  # Filter-GRPO drops all-zero groups
])
def test_baselines_never_guide(tokenizer: Any, guidance: GuidanceConfig, kept: int) -> None:
    client = EnvClient("guide/Math-v0", KW)
    groups = sample_groups(client, _engine(tiny_qwen(tokenizer), tokenizer), tokenizer,
                           client.draw(2), SAMPLING, guidance, seed=0)
    assert len(groups) == 2 and len(kept_groups(groups)) == kept
    assert not any(g.hint_requested for g in groups)
    assert not any(t.guided for g in groups for t in g.trajectories)
    stats = group_stats(groups, Dist())  # dropped groups still count in the statistics
    assert stats["charts/groups_sampled"] == 2 and stats["charts/groups_kept"] == kept
    assert stats["charts/solve_rate"] == 0.0 and stats["charts/reward"] == 0.0
    client.close()


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


def test_group_stats(tokenizer: Any) -> None:
    client = EnvClient("guide/Math-v0", KW)
    groups = sample_groups(client, _engine(tiny_qwen(tokenizer), tokenizer), tokenizer,
                           client.draw(2), SAMPLING, GuidanceConfig(), seed=0)
    stats = group_stats(groups, Dist())
    assert stats["charts/guided_fraction"] == 1.0 and stats["charts/solve_rate"] == 0.0
    assert stats["charts/hints_requested"] == stats["charts/hints_found"] == 2
    client.close()
