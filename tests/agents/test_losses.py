"""Guide's loss pinned to numbers worked out by hand on 2 x 3 token batches (real torch, no mocks).

Each test picks ratios rho = exp(logp - old_logp) directly, writes the per-token loss and its
gradient d loss / d logp from the formulas (d rho / d logp = rho), and compares.
"""

from __future__ import annotations

import math

import pytest
import torch

from agents.losses import LossConfig, group_advantages, policy_loss, shaped_guided_ratio

OLD = [[-1.0, -2.0, -0.5], [-3.0, -0.1, -1.5]]  # arbitrary behaviour log-probs


def _inputs(ratios, old=OLD):
    """logp (a leaf with grad) and old_logp such that exp(logp - old_logp) == ratios."""
    old_logp = torch.tensor(old, dtype=torch.float32)
    logp = (old_logp + torch.tensor(ratios, dtype=torch.float32).log()).detach()
    return logp.requires_grad_(True), old_logp


def _run(ratios, advantages, mask, guided, config, **kwargs):
    logp, old_logp = _inputs(ratios)
    loss, metrics = policy_loss(logp, old_logp, torch.tensor(advantages), torch.tensor(mask),
                                torch.tensor(guided), config.validate(), **kwargs)
    loss.backward()
    return loss.item(), logp.grad, metrics


def _close(actual, expected, tol=1e-5):
    expected = torch.as_tensor(expected, dtype=torch.float32)
    torch.testing.assert_close(torch.as_tensor(actual, dtype=torch.float32), expected,
                               atol=tol, rtol=tol)


# ---------------------------------------------------------------- advantages


def test_group_advantages_by_hand():
    rewards = torch.tensor([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    # Row 0: mean 0.25, sample std sqrt((0.75^2 + 3 * 0.25^2) / 3) = 0.5.
    # Row 1: mean 0.5, sample std sqrt(4 * 0.25 / 3) = 1 / sqrt(3).
    s3 = math.sqrt(3)
    _close(group_advantages(rewards),
           [[1.5, -0.5, -0.5, -0.5], [0.5 * s3, 0.5 * s3, -0.5 * s3, -0.5 * s3], [0, 0, 0, 0]])
    _close(group_advantages(rewards, scale_by_std=False),
           [[0.75, -0.25, -0.25, -0.25], [0.5, 0.5, -0.5, -0.5], [0, 0, 0, 0]])
    _close(group_advantages(torch.tensor([[1.0], [0.0]])), [[0.0], [0.0]])


def test_group_advantages_wants_groups():
    with pytest.raises(ValueError, match=r"\[num_groups, G\]"):
        group_advantages(torch.tensor([1.0, 0.0]))


# ---------------------------------------------------------------- unguided: PPO clip

CLIP_RATIOS = [[1.5, 0.5, 1.1], [1.5, 0.5, 0.9]]
ALL_REAL = [[True] * 3] * 2


def test_unguided_clip_both_sides_both_signs():
    # A = +1: rho 1.5 is clipped to 1.2 (no gradient); 0.5 and 1.1 pass (gradient -A rho).
    # A = -2: -min(-3, -2.4) = 3 unclipped (gradient -A rho = 3); rho 0.5: -min(-1, -1.6) = 1.6
    # clipped (no gradient); rho 0.9 inside the range: 1.8, gradient 1.8.
    loss, grad, metrics = _run(CLIP_RATIOS, [1.0, -2.0], ALL_REAL, [False, False], LossConfig())
    per_sample = [(-1.2 - 0.5 - 1.1) / 3, (3.0 + 1.6 + 1.8) / 3]
    _close(loss, sum(per_sample) / 2)
    _close(loss, 0.6)
    _close(grad, [[0.0, -0.5 / 6, -1.1 / 6], [3.0 / 6, 0.0, 1.8 / 6]])
    _close(metrics["clip_frac"], 2 / 6)
    _close(metrics["ratio_mean"], (1.5 + 0.5 + 1.1 + 1.5 + 0.5 + 0.9) / 6)
    assert math.isnan(metrics["gamma"]) and math.isnan(metrics["guided_ratio_mean"])
    assert metrics["guided_token_frac"] == 0.0


def test_sample_versus_token_length_norm():
    mask = [[True, True, True], [True, True, False]]  # sample 1 has 2 real tokens
    sample, sample_grad, _ = _run(CLIP_RATIOS, [1.0, -2.0], mask, [False, False],
                                  LossConfig(length_norm="sample"))
    token, token_grad, _ = _run(CLIP_RATIOS, [1.0, -2.0], mask, [False, False],
                                LossConfig(length_norm="token"))
    _close(sample, ((-1.2 - 0.5 - 1.1) / 3 + (3.0 + 1.6) / 2) / 2)  # 0.683333
    _close(token, (-1.2 - 0.5 - 1.1 + 3.0 + 1.6) / 5)  # 0.36
    _close(sample_grad, [[0.0, -0.5 / 6, -1.1 / 6], [3.0 / 4, 0.0, 0.0]])
    _close(token_grad, [[0.0, -0.5 / 5, -1.1 / 5], [3.0 / 5, 0.0, 0.0]])


def test_guidance_off_equals_vanilla_grpo():
    torch.manual_seed(0)
    old_logp = -torch.rand(4, 7) * 3
    logp = (old_logp + 0.4 * torch.randn(4, 7)).requires_grad_(True)
    advantages = group_advantages(torch.tensor([[1.0, 0.0], [0.0, 1.0]])).flatten()
    mask = torch.ones(4, 7, dtype=torch.bool)
    mask[1, 5:] = False
    mask[3, 2:] = False
    for shaping in ("none", "ratio_gamma", "power"):
        loss, _ = policy_loss(logp, old_logp, advantages, mask, torch.zeros(4, dtype=torch.bool),
                              LossConfig(shaping=shaping))
        (grad,) = torch.autograd.grad(loss, logp)
        # TRL's GRPO loss, written out independently.
        ratio = torch.exp(logp - old_logp)
        per_token = -torch.min(ratio * advantages[:, None],
                               torch.clamp(ratio, 0.8, 1.2) * advantages[:, None])
        vanilla = ((per_token * mask).sum(1) / mask.sum(1)).mean()
        (vanilla_grad,) = torch.autograd.grad(vanilla, logp)
        _close(loss, vanilla.detach())
        _close(grad, vanilla_grad)


# ---------------------------------------------------------------- guided: shaped, unclipped

GUIDED_RATIOS = [[0.5, 1.0, 2.0], [0.25, 4.0, 1.0]]
GUIDED_MASK = [[True, True, True], [True, True, False]]
# Sorted real guided ratios 0.25, 0.5, 1, 2, 4; quantile 0.9 sits at position 0.9 * 4 = 3.6:
GAMMA = 2.0 + 0.6 * (4.0 - 2.0)  # 3.2


def test_guided_ratio_gamma_by_hand():
    loss, grad, metrics = _run(GUIDED_RATIOS, [1.0, -1.0], GUIDED_MASK, [True, True],
                               LossConfig(shaping="ratio_gamma"))
    f = [[r / (r + GAMMA) for r in row] for row in GUIDED_RATIOS]
    _close(metrics["gamma"], 3.2)
    _close(loss, (-(f[0][0] + f[0][1] + f[0][2]) / 3 + (f[1][0] + f[1][1]) / 2) / 2)
    _close(loss, 0.0306973)
    # d/dlogp [-A rho / (rho + gamma)] = -A gamma rho / (rho + gamma)^2, gamma held constant.
    df = [[GAMMA * r / (r + GAMMA) ** 2 for r in row] for row in GUIDED_RATIOS]
    _close(grad, [[-df[0][0] / 6, -df[0][1] / 6, -df[0][2] / 6],
                  [df[1][0] / 4, df[1][1] / 4, 0.0]])
    _close(metrics["guided_ratio_mean"], (0.5 + 1 + 2 + 0.25 + 4) / 5)
    assert math.isnan(metrics["clip_frac"]) and metrics["guided_token_frac"] == 1.0


def test_guided_tokens_are_not_clipped():
    # rho = 4 with A = +1 would be clipped to 1.2 if unguided; guided, f = rho itself.
    loss, grad, _ = _run([[4.0, 1.0, 1.0], [1.0, 1.0, 1.0]], [1.0, 0.0], ALL_REAL,
                         [True, False], LossConfig(shaping="none"))
    _close(loss, (-(4.0 + 1.0 + 1.0) / 3 + 0.0) / 2)
    _close(grad, [[-4.0 / 6, -1.0 / 6, -1.0 / 6], [0.0, 0.0, 0.0]])


def test_guided_power_by_hand():
    # f = rho ** 0.5: rho 0.25 -> 0.5, 4 -> 2; d/dlogp [-A rho^a] = -A a rho^a.
    loss, grad, metrics = _run([[0.25, 4.0, 1.0], [1.0, 1.0, 1.0]], [1.0, 0.0],
                               [[True, True, False], [True, True, True]], [True, False],
                               LossConfig(shaping="power", power=0.5))
    _close(loss, (-(0.5 + 2.0) / 2 + 0.0) / 2)
    _close(grad, [[-0.5 * 0.5 / 4, -0.5 * 2.0 / 4, 0.0], [0.0, 0.0, 0.0]])
    assert math.isnan(metrics["gamma"])


def test_gamma_comes_from_guided_tokens_only_in_a_mixed_group():
    # The unguided sample's huge ratio must not move gamma: guided ratios 0.5, 1, 2 -> q(0.9)
    # at position 1.8: 1 + 0.8 * (2 - 1) = 1.8.
    _, _, metrics = _run([[0.5, 1.0, 2.0], [100.0, 50.0, 1.0]], [1.0, -1.0], ALL_REAL,
                         [True, False], LossConfig())
    _close(metrics["gamma"], 1.8)
    _close(metrics["guided_token_frac"], 0.5)


def test_padding_never_enters_loss_gamma_or_gradient():
    config = LossConfig(shaping="ratio_gamma")
    logp, old_logp = _inputs(GUIDED_RATIOS)
    mask = torch.tensor(GUIDED_MASK)
    args = (torch.tensor([1.0, -1.0]), torch.tensor([True, True]), config)
    loss, metrics = policy_loss(logp, old_logp, args[0], mask, *args[1:])
    (grad,) = torch.autograd.grad(loss, logp)
    for pad_logp, pad_old in ((80.0, -80.0), (-1e4, 1e4), (float("-inf"), float("-inf"))):
        # Two extra padded columns and the existing padded slot, all with extreme values.
        wide_logp = torch.cat([logp.detach(), torch.full((2, 2), pad_logp)], dim=1)
        wide_logp[1, 2] = pad_logp
        wide_old = torch.cat([old_logp, torch.full((2, 2), pad_old)], dim=1)
        wide_old[1, 2] = pad_old
        wide_logp.requires_grad_(True)
        wide_mask = torch.cat([mask, torch.zeros(2, 2, dtype=torch.bool)], dim=1)
        wide_loss, wide_metrics = policy_loss(wide_logp, wide_old, args[0], wide_mask, *args[1:])
        (wide_grad,) = torch.autograd.grad(wide_loss, wide_logp)
        _close(wide_loss, loss.detach())
        _close(wide_metrics["gamma"], metrics["gamma"])
        _close(wide_metrics["guided_ratio_mean"], metrics["guided_ratio_mean"])
        _close(wide_grad[:, :3][mask], grad[mask])
        assert torch.all(wide_grad[~wide_mask] == 0)


def test_shaped_guided_ratio_stands_alone():
    rho = torch.tensor([[0.25, 0.5, 1.0], [2.0, 4.0, 1e6]])
    real = torch.tensor([[True, True, True], [True, True, False]])
    shaped, gamma = shaped_guided_ratio(rho, real, LossConfig())
    _close(gamma, GAMMA)
    _close(shaped, [[0.25 / 3.45, 0.5 / 3.7, 1 / 4.2], [2 / 5.2, 4 / 7.2, 1 / 4.2]])
    shaped, gamma = shaped_guided_ratio(rho, torch.zeros_like(real), LossConfig())
    assert math.isnan(gamma.item()) and torch.isfinite(shaped).all()


# ---------------------------------------------------------------- KL, entropy, config


def test_k3_kl_penalty_by_hand():
    # rho = 1 and A = 0: only the KL term. ref - logp = +-ln 2:
    # k3 = e^x - x - 1 = 1 - ln 2 and -0.5 + ln 2; d k3 / d logp = 1 - e^x = -1 and 0.5.
    logp = torch.zeros(1, 2, requires_grad=True)
    ref_logp = torch.tensor([[math.log(2), -math.log(2)]])
    config = LossConfig(kl_coef=0.1)
    loss, metrics = policy_loss(logp, logp.detach(), torch.zeros(1), torch.ones(1, 2, dtype=bool),
                                torch.zeros(1, dtype=bool), config, ref_logp=ref_logp)
    loss.backward()
    k3 = [1 - math.log(2), -0.5 + math.log(2)]
    _close(loss, 0.1 * sum(k3) / 2)
    _close(metrics["kl"], sum(k3) / 2)
    _close(logp.grad, [[0.1 * -1.0 / 2, 0.1 * 0.5 / 2]])


def test_entropy_bonus_by_hand():
    logp = torch.zeros(1, 3, requires_grad=True)
    entropy = torch.tensor([[1.0, 2.0, 30.0]])
    mask = torch.tensor([[True, True, False]])
    loss, metrics = policy_loss(logp, logp.detach(), torch.zeros(1), mask,
                                torch.zeros(1, dtype=bool), LossConfig(entropy_coef=0.01),
                                entropy=entropy)
    _close(loss, -0.01 * 1.5)
    _close(metrics["entropy"], 1.5)


def test_runs_in_float32_and_keeps_input_gradients():
    logp, old_logp = _inputs(CLIP_RATIOS)
    logp64 = logp.detach().double().requires_grad_(True)
    loss, _ = policy_loss(logp64, old_logp.double(), torch.tensor([1.0, -2.0]),
                          torch.ones(2, 3, dtype=bool), torch.zeros(2, dtype=bool), LossConfig())
    assert loss.dtype == torch.float32
    loss.backward()
    assert logp64.grad is not None and logp64.grad.dtype == torch.float64
    _close(loss, 0.6)


@pytest.mark.parametrize("kwargs, field", [
    ({"clip_eps": 0.0}, "clip_eps"),
    ({"shaping": "sigmoid"}, "shaping"),
    ({"gamma_quantile": 1.5}, "gamma_quantile"),
    ({"power": 0.0}, "power"),
    ({"length_norm": "batch"}, "length_norm"),
    ({"kl_coef": -0.1}, "kl_coef"),
    ({"entropy_coef": -1.0}, "entropy_coef"),
])
def test_config_validate_names_the_bad_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        LossConfig(**kwargs).validate()


def test_missing_inputs_and_bad_shapes_raise():
    logp, old_logp = _inputs(CLIP_RATIOS)
    common = (torch.zeros(2), torch.ones(2, 3, dtype=bool), torch.zeros(2, dtype=bool))
    with pytest.raises(ValueError, match="ref_logp"):
        policy_loss(logp, old_logp, *common, LossConfig(kl_coef=0.1))
    with pytest.raises(ValueError, match="entropy"):
        policy_loss(logp, old_logp, *common, LossConfig(entropy_coef=0.1))
    with pytest.raises(ValueError, match=r"\[N\]"):
        policy_loss(logp, old_logp, torch.zeros(3), *common[1:], LossConfig())
    with pytest.raises(ValueError, match=r"\[N, T\]"):
        policy_loss(logp, old_logp[:, :2], *common, LossConfig())


def test_per_token_advantages_equal_to_per_sample_ones_give_the_same_loss() -> None:
    logp = torch.tensor([[-1.0, -2.0, -0.5], [-1.5, -0.2, -0.3]])
    old_logp = torch.tensor([[-1.2, -1.0, -0.5], [-1.0, -0.9, -0.3]])
    mask = torch.tensor([[True, True, True], [True, True, False]])
    guided = torch.tensor([False, True])
    per_sample = torch.tensor([0.7, -1.3])
    a, _ = policy_loss(logp, old_logp, per_sample, mask, guided, LossConfig())
    b, _ = policy_loss(logp, old_logp, per_sample[:, None].expand(2, 3), mask, guided,
                       LossConfig())
    assert a.item() == pytest.approx(b.item())
