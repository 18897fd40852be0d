"""A tiny Qwen2 for the learner tests, built at test time: :func:`tiny_qwen`."""

from __future__ import annotations

from typing import Any

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM


def tiny_qwen(tokenizer: Any, seed: int = 0) -> Qwen2ForCausalLM:
    """A 2-layer, 32-wide Qwen2 over ``tokenizer``'s vocabulary, initialised from ``seed``."""
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
                         eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config)
