"""A tiny Qwen2 for the learner tests, built at test time: :func:`tiny_qwen`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM


def tiny_qwen(tokenizer: Any, seed: int = 0, max_positions: int = 128) -> Qwen2ForCausalLM:
    """A 2-layer, 32-wide Qwen2 over ``tokenizer``'s vocabulary, initialised from ``seed``."""
    torch.manual_seed(seed)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=max_positions,
                         pad_token_id=tokenizer.pad_token_id,
                         eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True)
    return Qwen2ForCausalLM(config)


def long_context_folder(tokenizer: Any, folder: Path, seed: int = 0) -> Path:
    """An untrained tiny Qwen2 and ``tokenizer`` saved as a model folder, for dataset prompts.

    Real dataset prompts (GSM8K's, a few hundred characters) exceed the tiny preset's 128
    positions; this one takes 4096.
    """
    tokenizer.model_max_length = 4096
    tiny_qwen(tokenizer, seed, max_positions=4096).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
