"""A tiny Qwen2 with fixed token ids for the rollout engine tests, and what they compare the
engines with: log-probs recomputed by a forward pass, plain argmax decoding."""

from __future__ import annotations

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

from agents.rollout import Rollout

EOS, PAD, VOCAB = 1, 0, 40
PROMPTS = [[5, 6, 7], [8, 9, 10, 11, 12, 13, 14], [15]]


def _tiny_model(seed: int = 0) -> Qwen2ForCausalLM:
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=VOCAB, hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=128, initializer_range=0.2,
                         tie_word_embeddings=False, eos_token_id=EOS, pad_token_id=PAD)
    return Qwen2ForCausalLM(config).eval()


def _recomputed(model: torch.nn.Module, rollout: Rollout, temperature: float) -> torch.Tensor:
    """log_softmax(logits / T) of the completion tokens from one unpadded forward pass."""
    ids = torch.tensor([rollout.prompt_ids + rollout.completion_ids])
    with torch.no_grad():
        logits = model(ids).logits[0].float()
    start = len(rollout.prompt_ids) - 1
    positions = logits[start:start + len(rollout.completion_ids)]
    logprobs = torch.log_softmax(positions / temperature, dim=-1)
    return logprobs.gather(-1, torch.tensor(rollout.completion_ids)[:, None]).squeeze(-1)


def _greedy(model: torch.nn.Module, prompt: list[int], max_new_tokens: int) -> list[int]:
    """Argmax decoding with plain forward passes, stopping after EOS."""
    ids = list(prompt)
    for _ in range(max_new_tokens):
        with torch.no_grad():
            token = int(model(torch.tensor([ids])).logits[0, -1].argmax())
        ids.append(token)
        if token == EOS:
            break
    return ids[len(prompt):]


def _flat(groups: list[list[Rollout]]) -> list[Rollout]:
    return [rollout for group in groups for rollout in group]
