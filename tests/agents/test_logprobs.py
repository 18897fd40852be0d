"""token_logprobs on a real tiny Qwen2 built at test time, against a manual log-softmax."""

from __future__ import annotations

import pytest
import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

from agents.logprobs import build_batch, token_logprobs
from agents.losses import LossConfig, policy_loss

PAD = 0


@pytest.fixture(scope="module")
def model() -> Qwen2ForCausalLM:
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=50, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                         pad_token_id=PAD)
    return Qwen2ForCausalLM(config).eval()


def manual_logprobs(model, prompt, completion, temperature=1.0):
    """log p(completion_t | prompt, completion_<t) from one unpadded forward pass."""
    ids = torch.tensor([[*prompt, *completion]])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0].double() / temperature
    log_probs = logits.log_softmax(-1)
    return [log_probs[len(prompt) + t - 1, token].item() for t, token in enumerate(completion)]


PROMPTS = [[5, 6, 7], [8, 9], [10, 11, 12, 13]]
COMPLETIONS = [[14, 15, 16, 17], [18, 19], [20]]


def _score(model, prompts, completions, **kwargs):
    batch = build_batch(prompts, completions, PAD)
    with torch.no_grad():
        logp, entropy = token_logprobs(model, batch.input_ids, batch.attention_mask,
                                       batch.completion_mask, **kwargs)
    return batch, logp, entropy


def test_build_batch_right_pads():
    batch = build_batch([[1, 2], [3]], [[4, 5, 6], [7]], pad_id=PAD)
    assert batch.input_ids.tolist() == [[1, 2, 4, 5, 6], [3, 7, 0, 0, 0]]
    assert batch.attention_mask.tolist() == [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]
    assert batch.completion_mask.tolist() == [[False, False, True, True, True],
                                              [False, True, False, False, False]]
    with pytest.raises(ValueError, match="prompt 1 is empty"):
        build_batch([[1], []], [[2], [3]], PAD)


def test_pad_and_unpad_completions_round_trip():
    batch = build_batch(PROMPTS, COMPLETIONS, PAD)
    values = [[-0.1 * (i + t + 1) for t in range(len(c))] for i, c in enumerate(COMPLETIONS)]
    padded = batch.pad_completions(values)
    assert padded[~batch.completion_mask].eq(0).all()
    unpadded = batch.unpad_completions(padded)
    for row, expected in zip(unpadded, values, strict=True):
        assert row == pytest.approx(expected)
    with pytest.raises(ValueError, match="row 0 has 4 completion tokens"):
        batch.pad_completions([[0.0], [0.0, 0.0], [0.0]])


@pytest.mark.parametrize("temperature", [1.0, 0.7, 1.5])
def test_matches_manual_log_softmax_at_temperature(model, temperature):
    batch, logp, _ = _score(model, PROMPTS, COMPLETIONS, temperature=temperature)
    assert logp.dtype == torch.float32
    assert logp[~batch.completion_mask].eq(0).all()
    for row, (prompt, completion) in enumerate(zip(PROMPTS, COMPLETIONS, strict=True)):
        expected = manual_logprobs(model, prompt, completion, temperature)
        assert batch.unpad_completions(logp)[row] == pytest.approx(expected, abs=1e-5)


def test_temperature_changes_the_logprobs(model):
    _, cold, _ = _score(model, PROMPTS, COMPLETIONS, temperature=0.5)
    _, warm, _ = _score(model, PROMPTS, COMPLETIONS, temperature=1.0)
    assert not torch.allclose(cold, warm)


def test_padding_amount_does_not_change_real_tokens(model):
    prompt, completion = PROMPTS[0], COMPLETIONS[0]
    _, alone, _ = _score(model, [prompt], [completion])
    # The same row next to ever longer neighbours, so it carries 0, 5 and 20 pad tokens.
    for extra in (5, 20):
        batch, logp, _ = _score(model, [prompt, [1] * 3], [completion, [2] * (4 + extra)])
        assert batch.input_ids.shape[1] == 7 + extra
        torch.testing.assert_close(logp[0, :7], alone[0], atol=1e-5, rtol=1e-5)
        assert logp[0, 7:].eq(0).all()


def test_left_padding_scores_the_same(model):
    # Qwen2's rotary positions are relative, so this pins the result rather than the explicit
    # position ids (which matter for absolute-position models).
    batch, right, _ = _score(model, PROMPTS, COMPLETIONS)
    lengths = batch.attention_mask.sum(1)
    width = batch.input_ids.shape[1]
    shifts = width - lengths
    left = {name: torch.stack([t.roll(int(s)) for t, s in zip(getattr(batch, name), shifts,
                                                              strict=True)])
            for name in ("input_ids", "attention_mask", "completion_mask")}
    with torch.no_grad():
        logp, _ = token_logprobs(model, left["input_ids"], left["attention_mask"],
                                 left["completion_mask"])
    torch.testing.assert_close(logp[left["completion_mask"]], right[batch.completion_mask],
                               atol=1e-5, rtol=1e-5)


def test_micro_batches_give_the_same_result(model):
    _, full, full_entropy = _score(model, PROMPTS, COMPLETIONS, with_entropy=True)
    _, chunked, chunked_entropy = _score(model, PROMPTS, COMPLETIONS, with_entropy=True,
                                         micro_batch=2)
    torch.testing.assert_close(chunked, full, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(chunked_entropy, full_entropy, atol=1e-5, rtol=1e-5)


def test_entropy_matches_manual(model):
    temperature = 0.8
    batch, _, entropy = _score(model, PROMPTS[:1], COMPLETIONS[:1], with_entropy=True,
                               temperature=temperature)
    ids = batch.input_ids
    with torch.no_grad():
        log_probs = (model(input_ids=ids).logits[0].double() / temperature).log_softmax(-1)
    expected = -(log_probs.exp() * log_probs).sum(-1)  # entropy of the next-token distribution
    positions = batch.completion_mask[0].nonzero().squeeze(1)
    torch.testing.assert_close(entropy[0, positions].double(), expected[positions - 1],
                               atol=1e-5, rtol=1e-5)
    assert entropy[~batch.completion_mask].eq(0).all()


def test_gradients_flow_to_the_model(model):
    batch = build_batch(PROMPTS, COMPLETIONS, PAD)
    logp, _ = token_logprobs(model, batch.input_ids, batch.attention_mask, batch.completion_mask)
    logp.sum().backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)
    model.zero_grad(set_to_none=True)


def test_rejects_bad_arguments(model):
    batch = build_batch(PROMPTS, COMPLETIONS, PAD)
    args = (model, batch.input_ids, batch.attention_mask)
    with pytest.raises(ValueError, match="temperature"):
        token_logprobs(*args, batch.completion_mask, temperature=0.0)
    with pytest.raises(ValueError, match="micro_batch"):
        token_logprobs(*args, batch.completion_mask, micro_batch=0)
    with pytest.raises(ValueError, match="position 0"):
        token_logprobs(*args, torch.ones_like(batch.completion_mask))


def test_changing_the_hint_changes_the_denominator_never_the_numerator(model):
    """The learner's flow for one guided rollout o of prompt q, sampled from q + h."""
    q, o = [5, 6, 7], [14, 15, 16, 17]
    hints = ([30, 31], [40, 41, 42, 43])
    numerators, denominators, losses = [], [], []
    for h in hints:
        # Behaviour log-probs, as the sampler recorded them, in the hinted context q + h.
        _, behaviour, _ = _score(model, [q + h], [o])
        recorded = behaviour[0, len(q + h):].tolist()
        # The numerator: the same completion scored in the hint-free context q.
        batch = build_batch([q], [o], PAD)
        logp, _ = token_logprobs(model, batch.input_ids, batch.attention_mask,
                                 batch.completion_mask)
        old_logp = batch.pad_completions([recorded])
        loss, _ = policy_loss(logp, old_logp, torch.tensor([1.0]), batch.completion_mask,
                              torch.tensor([True]), LossConfig(shaping="none"))
        rho = (logp - old_logp).exp()[batch.completion_mask].detach()
        # rho = pi_theta(o_t | q, o_<t) / pi_old(o_t | q + h, o_<t), from two manual passes.
        manual = [a - b for a, b in zip(manual_logprobs(model, q, o),
                                        manual_logprobs(model, q + h, o), strict=True)]
        assert rho.log().tolist() == pytest.approx(manual, abs=1e-5)
        numerators.append(logp[batch.completion_mask].detach())
        denominators.append(torch.tensor(recorded))
        losses.append(loss.item())
    torch.testing.assert_close(numerators[0], numerators[1], atol=0, rtol=0)
    assert not torch.allclose(denominators[0], denominators[1], atol=1e-4)
    assert losses[0] != pytest.approx(losses[1])


class _NoLogitsToKeep(torch.nn.Module):
    """A causal LM whose forward has no ``logits_to_keep`` (as a custom wrapper may not)."""

    def __init__(self, inner: Qwen2ForCausalLM) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, input_ids, attention_mask, position_ids):
        return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                          position_ids=position_ids)


def test_output_layer_runs_on_completion_columns_only(model):
    prompts, completions = [[5, 6, 7, 8, 9, 10], [11, 12, 13]], [[14, 15], [16, 17, 18, 19]]
    widths = []
    hook = model.lm_head.register_forward_hook(lambda m, i, out: widths.append(out.shape[1]))
    try:
        _, logp, entropy = _score(model, prompts, completions, with_entropy=True)
    finally:
        hook.remove()
    # rows are 8 and 7 tokens, padded to 8; the first completion column is 3, so the logits of
    # columns 2..7 are needed (6), not all 8
    assert widths == [6]
    _, plain, plain_entropy = _score(_NoLogitsToKeep(model), prompts, completions,
                                     with_entropy=True)
    torch.testing.assert_close(logp, plain)
    torch.testing.assert_close(entropy, plain_entropy)
    for row, (prompt, completion) in enumerate(zip(prompts, completions, strict=True)):
        expected = manual_logprobs(model, prompt, completion)
        got = logp[row, len(prompt):len(prompt) + len(completion)].tolist()
        assert got == pytest.approx(expected, abs=1e-5)
