"""Guide-PPO's pieces: GAE and the value loss by hand, the hint-free critic, and the update."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
import torch
from _tiny_parts import tiny_qwen

from agents.batch import Trajectory
from agents.distributed import Dist
from agents.env_client import EnvClient
from agents.guidance import GuidanceConfig
from agents.logprobs import build_batch
from agents.ppo import (
    Critic,
    PPOConfig,
    estimate_advantages,
    gae,
    make_critic,
    ppo_update,
    terminal_rewards,
    value_loss,
)
from agents.rollout import HFEngine
from agents.sampling import SamplingConfig, sample_groups

KW = {"families": ["rewrite_chain"], "difficulty": [3], "template": "chain"}
SAMPLING = SamplingConfig(group_size=4, max_new_tokens=10, temperature=1.0)

# Two episodes in one [2, 4] batch: row 0 has three real tokens then padding, row 1 a prompt
# position, two real tokens and padding. Values and rewards off the mask are junk to be ignored.
MASK = torch.tensor([[True, True, True, False], [False, True, True, False]])
VALUES = torch.tensor([[0.5, 0.2, 0.4, 9.0], [9.0, 0.5, 0.25, 9.0]])
REWARDS = torch.tensor([[0.0, 0.0, 1.0, 5.0], [5.0, 0.0, 1.0, 7.0]])


@pytest.mark.parametrize(("gamma", "lam", "expected"), [
    # row 0: delta = [0.2-0.5, 0.4-0.2, 1-0.4] = [-0.3, 0.2, 0.6]
    #   A2 = 0.6, A1 = 0.2 + 0.95*0.6 = 0.77, A0 = -0.3 + 0.95*0.77 = 0.4315
    # row 1: delta = [0.25-0.5, 1-0.25] = [-0.25, 0.75]; A1 = -0.25 + 0.95*0.75 = 0.4625
    (1.0, 0.95, [[0.4315, 0.77, 0.6, 0.0], [0.0, 0.4625, 0.75, 0.0]]),
    # row 0: delta = [0.9*0.2-0.5, 0.9*0.4-0.2, 0.6] = [-0.32, 0.16, 0.6], gamma*lam = 0.45
    #   A1 = 0.16 + 0.45*0.6 = 0.43, A0 = -0.32 + 0.45*0.43 = -0.1265
    # row 1: delta = [0.9*0.25-0.5, 0.75] = [-0.275, 0.75]; A1 = -0.275 + 0.45*0.75 = 0.0625
    (0.9, 0.5, [[-0.1265, 0.43, 0.6, 0.0], [0.0, 0.0625, 0.75, 0.0]]),
    # lam = 1, gamma = 1: Monte Carlo, A_t = 1 - V_t
    (1.0, 1.0, [[0.5, 0.8, 0.6, 0.0], [0.0, 0.5, 0.75, 0.0]]),
    # lam = 0: one-step TD errors
    (1.0, 0.0, [[-0.3, 0.2, 0.6, 0.0], [0.0, -0.25, 0.75, 0.0]]),
])
def test_gae_matches_hand_computed_values(gamma: float, lam: float,
                                          expected: list[list[float]]) -> None:
    advantages, returns = gae(REWARDS, VALUES, MASK, gamma=gamma, lam=lam)
    torch.testing.assert_close(advantages, torch.tensor(expected))
    torch.testing.assert_close(returns, (torch.tensor(expected) + VALUES) * MASK)


def test_terminal_rewards_sit_on_each_episodes_last_token() -> None:
    placed = terminal_rewards(torch.tensor([1.0, 0.0]), MASK)
    assert placed.tolist() == [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]


@pytest.mark.parametrize(("clip_eps", "expected"), [
    # token 0: V 0.9, V_old 0.5, R 1: unclipped 0.01, clipped V 0.7 -> 0.09 (the max)
    # token 1: V 0.0, V_old 0.5, R 1: unclipped 1.0, clipped V 0.3 -> 0.49 (unclipped is max)
    (0.2, 0.5 * (0.09 + 1.0) / 2),
    (0.0, 0.5 * (0.01 + 1.0) / 2),
    (None, 0.5 * (0.01 + 1.0) / 2),
    # eps large enough that nothing clips
    (1.0, 0.5 * (0.01 + 1.0) / 2),
])
def test_value_loss_matches_hand_computed_values(clip_eps: float | None, expected: float) -> None:
    values = torch.tensor([[0.9, 0.0, 7.0]])  # the third position is padding
    old_values = torch.tensor([[0.5, 0.5, -3.0]])
    returns = torch.tensor([[1.0, 1.0, 0.0]])
    mask = torch.tensor([[True, True, False]])
    loss = value_loss(values, old_values, returns, mask, clip_eps)
    assert loss.item() == pytest.approx(expected)


def test_an_unknown_critic_is_a_clear_error(tokenizer: Any) -> None:
    with pytest.raises(ValueError, match="critic must be one of .* got 'twin'"):
        make_critic(tiny_qwen(tokenizer), "twin")  # type: ignore[arg-type]  # on purpose


# -- on real parts: a tiny Qwen2, the HF engine, the real Math env ----------------------------


def _critic(model: Any, kind: str) -> Critic:
    critic = make_critic(model, kind)  # type: ignore[arg-type]
    torch.manual_seed(1)
    torch.nn.init.normal_(critic.head.weight)  # zero at the start of training; not here
    return critic


def _guided(tokenizer: Any, model: Any) -> list[Trajectory]:
    """Guided trajectories: an untrained model fails level 3, so every group gets the hint."""
    client = EnvClient("guide/Math-v0", KW)
    engine = HFEngine(model, eos_token_id=tokenizer.eos_token_id,
                      pad_token_id=tokenizer.pad_token_id)
    groups = sample_groups(client, engine, tokenizer, client.draw(2), SAMPLING,
                           GuidanceConfig(), seed=0)
    client.close()
    trajs = [t for g in groups for t in g.trajectories]
    assert all(t.guided and t.context_ids != t.prompt_ids for t in trajs)
    return [dataclasses.replace(t, reward=float(i % 2)) for i, t in enumerate(trajs)]


@pytest.mark.parametrize("kind", ["head", "separate"])
def test_values_are_computed_on_the_hint_free_context(tokenizer: Any, kind: str) -> None:
    model = tiny_qwen(tokenizer)
    critic = _critic(model, kind)
    t = _guided(tokenizer, model)[0]
    other_hint = dataclasses.replace(t, context_ids=(*t.prompt_ids[:-2], 5, 6, 7,
                                                     *t.prompt_ids[-2:]))
    settings = PPOConfig(whiten=False)
    targets = estimate_advantages(model, critic, [t, other_hint], settings,
                                  pad_id=tokenizer.pad_token_id, dist=Dist())
    assert targets.old_values[0] == targets.old_values[1]

    def values_in(context: tuple[int, ...]) -> list[float]:
        batch = build_batch([list(context)], [list(t.completion_ids)], tokenizer.pad_token_id)
        with torch.no_grad():
            values = critic(model, batch.input_ids, batch.attention_mask, batch.completion_mask)
        return batch.unpad_completions(values)[0]

    assert targets.old_values[0] == pytest.approx(values_in(t.prompt_ids), abs=1e-6)
    assert targets.old_values[0] != pytest.approx(values_in(t.context_ids), abs=1e-4)


def _value_loss_now(model: Any, critic: Critic, trajs: list[Trajectory], returns: Any,
                    pad_id: int) -> float:
    batch = build_batch([list(t.prompt_ids) for t in trajs],
                        [list(t.completion_ids) for t in trajs], pad_id)
    with torch.no_grad():
        values = critic(model, batch.input_ids, batch.attention_mask, batch.completion_mask)
    placed = batch.pad_completions(returns)
    return value_loss(values, values, placed, batch.completion_mask, None).item()


@pytest.mark.parametrize("kind", ["head", "separate"])
def test_an_update_lowers_the_value_loss_on_a_fixed_batch(tokenizer: Any, kind: str) -> None:
    model = tiny_qwen(tokenizer)
    critic = make_critic(model, kind)
    trajs = _guided(tokenizer, model)
    settings = PPOConfig(epochs=4, minibatches=2)
    pad = tokenizer.pad_token_id
    targets = estimate_advantages(model, critic, trajs, settings, pad_id=pad, dist=Dist())
    before = _value_loss_now(model, critic, trajs, targets.returns, pad)
    optimizer = torch.optim.AdamW([*model.parameters(), *critic.parameters()], lr=1e-2)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    metrics = ppo_update(model, critic, optimizer, scheduler, trajs, settings, pad_id=pad,
                         dist=Dist())
    after = _value_loss_now(model, critic, trajs, targets.returns, pad)
    assert after < before
    assert metrics["losses/guided_token_frac"] == 1.0
    assert 0.0 < metrics["losses/gamma"] < float("inf")  # Guide's shaping applies


def test_micro_batches_do_not_change_the_update(tokenizer: Any) -> None:
    base = tiny_qwen(tokenizer)
    trajs = _guided(tokenizer, base)
    results = []
    for micro in (64, 3):
        model = copy.deepcopy(base)
        critic = make_critic(model, "head")
        optimizer = torch.optim.SGD([*model.parameters(), *critic.parameters()], lr=0.5)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
        settings = PPOConfig(micro_batch=micro, epochs=1, max_grad_norm=1e9)
        ppo_update(model, critic, optimizer, scheduler, trajs, settings,
                   pad_id=tokenizer.pad_token_id, dist=Dist())
        results.append({**model.state_dict(), **critic.state_dict()})
    one, many = results
    for key in one:
        torch.testing.assert_close(one[key], many[key], atol=1e-6, rtol=1e-5)
    assert not torch.equal(one["model.embed_tokens.weight"],
                           base.state_dict()["model.embed_tokens.weight"])


@pytest.mark.parametrize(("field", "value"), [("gamma", 1.5), ("lam", -0.1), ("epochs", 0),
                                              ("minibatches", 0), ("vf_clip", -1.0)])
def test_settings_validate_names_the_bad_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        PPOConfig(**{field: value}).validate()  # type: ignore[arg-type]
