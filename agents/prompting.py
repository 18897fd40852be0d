"""From env prompts to token ids and back: :func:`encode_prompt`, :func:`decode_completion`.

A tokenizer with a chat template (an instruct model) reads the env's ``info["messages"]``
through it; one without (the ``tiny`` preset, base models) reads the observation text as it
is. Both the learner and the evaluation use these two functions, so a model always sees the
same format.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agents.env_client import Prompt
from agents.errors import UsageError

__all__ = ["decode_completion", "encode_prompt"]


def encode_prompt(tokenizer: Any, prompt: Prompt, max_tokens: int | None = None) -> list[int]:
    """Token ids of ``prompt``; :class:`~agents.errors.UsageError` when longer than ``max_tokens``.

    Long prompts are refused rather than cut: a cut prompt is a different problem.
    """
    if prompt.messages and getattr(tokenizer, "chat_template", None):
        encoded = tokenizer.apply_chat_template(list(prompt.messages), tokenize=True,
                                                add_generation_prompt=True)
        ids = list(encoded["input_ids"] if hasattr(encoded, "keys") else encoded)
    else:
        ids = list(tokenizer(prompt.text, add_special_tokens=True)["input_ids"])
    if max_tokens is not None and len(ids) > max_tokens:
        raise UsageError(f"prompt of {prompt.problem_id!r} has {len(ids)} tokens, more than "
                         f"max_prompt_tokens={max_tokens} (raise --max-prompt-tokens)")
    return ids


def decode_completion(tokenizer: Any, completion_ids: Sequence[int]) -> str:
    """The completion's text, special tokens (EOS, padding) removed."""
    text: str = tokenizer.decode(list(completion_ids), skip_special_tokens=True)
    return text
