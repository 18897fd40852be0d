"""What every rollout engine returns and accepts: :class:`Rollout`, :class:`RolloutEngine`.

A rollout engine samples completions of tokenised prompts from the current policy and reports,
for every sampled token, its *behaviour* log-probability: the ``pi_old`` in the denominator of
the PPO / Guide importance ratio. Engines differ only in how they sample (Hugging Face
``generate`` in :mod:`agents.rollout.hf`, vLLM in :mod:`agents.rollout.vllm`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import torch

__all__ = ["Rollout", "RolloutEngine", "check_generate_args"]


@dataclass(frozen=True)
class Rollout:
    """One sampled completion of one prompt, with its behaviour log-probabilities.

    ``logprobs[t]`` is ``log_softmax(logits / T)[completion_ids[t]]`` for the sampling temperature
    ``T``: the temperature-scaled *full* distribution, before any top-p truncation and
    renormalisation, which is what a trainer recomputes from a forward pass. With ``T == 0``
    (greedy decoding) it is taken at ``T = 1``.

    Example:
        >>> r = Rollout(prompt_ids=(5, 6), completion_ids=(7, 2), logprobs=(-0.5, -1.25),
        ...             finished=True)
        >>> len(r), r.completion_ids[-1]
        (2, 2)
    """

    prompt_ids: tuple[int, ...]
    """The context the completion was sampled in (for a guided rollout, the one with the hint)."""
    completion_ids: tuple[int, ...]
    """The sampled tokens, ending with the EOS token when one was sampled; never padding."""
    logprobs: tuple[float, ...]
    """Behaviour log-probability of each sampled token; same length as ``completion_ids``."""
    finished: bool
    """True when the completion ended with EOS, False when it was cut at ``max_new_tokens``."""

    def __post_init__(self) -> None:
        if len(self.logprobs) != len(self.completion_ids):
            raise ValueError(f"logprobs has {len(self.logprobs)} entries but completion_ids has "
                             f"{len(self.completion_ids)}")

    def __len__(self) -> int:
        """The number of sampled tokens."""
        return len(self.completion_ids)


@runtime_checkable
class RolloutEngine(Protocol):
    """Samples rollouts from the trainer's current policy.

    ``generate`` returns one list per prompt, each holding ``n`` rollouts, in prompt order.
    ``load_weights`` makes the engine sample from the trainer's current weights;
    ``close`` frees what the engine holds (GPU memory, worker processes).
    """

    def generate(self, prompts: Sequence[Sequence[int]], *, n: int, max_new_tokens: int,
                 temperature: float = 1.0, top_p: float = 1.0,
                 seed: int | None = None) -> list[list[Rollout]]:
        """Sample ``n`` completions of each prompt."""
        ...

    def load_weights(self, model: torch.nn.Module) -> None:
        """Sample from ``model``'s current weights from now on."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...


def check_generate_args(prompts: Sequence[Sequence[int]], *, n: int, max_new_tokens: int,
                        temperature: float, top_p: float) -> None:
    """Raise ``ValueError`` naming the offending value if ``generate``'s arguments are invalid.

    Example:
        >>> check_generate_args([[1, 2]], n=2, max_new_tokens=8, temperature=0.7, top_p=1.0)
        >>> check_generate_args([[]], n=2, max_new_tokens=8, temperature=0.7, top_p=1.0)
        Traceback (most recent call last):
        ...
        ValueError: prompt 0 is empty; every prompt needs at least one token
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be at least 1, got {max_new_tokens}")
    if not temperature >= 0.0:
        raise ValueError(f"temperature must be >= 0 (0 means greedy), got {temperature}")
    if not 0.0 < top_p <= 1.0:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    for i, prompt in enumerate(prompts):
        if len(prompt) == 0:
            raise ValueError(f"prompt {i} is empty; every prompt needs at least one token")
