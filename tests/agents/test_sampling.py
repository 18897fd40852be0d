"""sample_groups, kept_groups and group_stats (agents/sampling.py) on real parts: a tiny Qwen2, the
HF engine, real envs and third-party ones."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest
import torch
from _sampled import KW, SAMPLING, _engine
from _tiny_parts import tiny_qwen

import guide_envs
from agents.distributed import Dist
from agents.env_client import EnvClient
from agents.guidance import GuidanceConfig
from agents.logprobs import build_batch, token_logprobs
from agents.sampling import group_stats, kept_groups, sample_groups


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


def test_group_stats(tokenizer: Any) -> None:
    client = EnvClient("guide/Math-v0", KW)
    groups = sample_groups(client, _engine(tiny_qwen(tokenizer), tokenizer), tokenizer,
                           client.draw(2), SAMPLING, GuidanceConfig(), seed=0)
    stats = group_stats(groups, Dist())
    assert stats["charts/guided_fraction"] == 1.0 and stats["charts/solve_rate"] == 0.0
    assert stats["charts/hints_requested"] == stats["charts/hints_found"] == 2
    client.close()
