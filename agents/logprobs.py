"""Per-token log-probabilities of completions under a causal LM: Batch, build_batch, token_logprobs.

The learner scores each completion in the context it trains on (the hint-free prompt q, also for
guided rollouts), so prompts and completions are tokenised separately and joined here. Rows are
right-padded; position ids are passed explicitly (from the attention mask), so left-padded
batches score correctly too.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

__all__ = ["Batch", "build_batch", "token_logprobs"]


@dataclass(frozen=True)
class Batch:
    """Prompt + completion token rows, right-padded, and which positions are completion tokens.

    Position t of a row holds token t; a per-token value at t (a log-prob, a mask) is about that
    token given the tokens before it.
    """

    input_ids: Tensor
    """[N, L] token ids (``pad_id`` after each row's end)."""
    attention_mask: Tensor
    """[N, L] 1 on real tokens, 0 on padding."""
    completion_mask: Tensor
    """[N, L] True on completion tokens only (not on prompt tokens or padding)."""

    def to(self, device: torch.device | str) -> Batch:
        """The same batch on ``device``."""
        return Batch(*(t.to(device) for t in (self.input_ids, self.attention_mask,
                                               self.completion_mask)))

    def pad_completions(self, values: Sequence[Sequence[float]]) -> Tensor:
        """Per-completion-token values (e.g. a sampler's log-probs) placed at their positions.

        Example:
            >>> batch = build_batch([[1, 2], [3]], [[4], [5, 6]], pad_id=0)
            >>> batch.pad_completions([[-0.5], [-1.0, -2.0]])
            tensor([[ 0.0000,  0.0000, -0.5000],
                    [ 0.0000, -1.0000, -2.0000]])
        """
        out = torch.zeros(self.completion_mask.shape, dtype=torch.float32)
        for row, row_values in enumerate(values):
            positions = self.completion_mask[row].nonzero().squeeze(1).cpu()
            if len(row_values) != len(positions):
                raise ValueError(f"row {row} has {len(positions)} completion tokens, got "
                                 f"{len(row_values)} values")
            out[row, positions] = torch.tensor(row_values, dtype=torch.float32)
        return out.to(self.completion_mask.device)

    def unpad_completions(self, values: Tensor) -> list[list[float]]:
        """The inverse of :meth:`pad_completions`: each row's values at its completion tokens."""
        return [values[row][self.completion_mask[row]].tolist() for row in range(len(values))]


def build_batch(prompts: Sequence[Sequence[int]], completions: Sequence[Sequence[int]],
                pad_id: int) -> Batch:
    """Join each prompt with its completion into right-padded rows.

    Example:
        >>> batch = build_batch([[1, 2], [3]], [[4], [5, 6]], pad_id=0)
        >>> batch.input_ids
        tensor([[1, 2, 4],
                [3, 5, 6]])
        >>> batch.completion_mask
        tensor([[False, False,  True],
                [False,  True,  True]])
    """
    if len(prompts) != len(completions) or not prompts:
        raise ValueError(f"need as many prompts as completions (at least one), got "
                         f"{len(prompts)} and {len(completions)}")
    for row, prompt in enumerate(prompts):
        if not prompt:
            raise ValueError(f"prompt {row} is empty: the first completion token needs a prefix")
    length = max(len(p) + len(c) for p, c in zip(prompts, completions, strict=True))
    input_ids = torch.full((len(prompts), length), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(prompts), length), dtype=torch.long)
    completion_mask = torch.zeros((len(prompts), length), dtype=torch.bool)
    for row, (prompt, completion) in enumerate(zip(prompts, completions, strict=True)):
        end = len(prompt) + len(completion)
        input_ids[row, :end] = torch.tensor([*prompt, *completion], dtype=torch.long)
        attention_mask[row, :end] = 1
        completion_mask[row, len(prompt):end] = True
    return Batch(input_ids, attention_mask, completion_mask)


def _score_chunk(model: nn.Module, input_ids: Tensor, attention_mask: Tensor,
                 completion_mask: Tensor, temperature: float,
                 with_entropy: bool) -> tuple[Tensor, Tensor | None]:
    """Log-prob of token t given tokens < t, and entropy, from the chunk's first completion column.

    Columns before the first completion token of any row are 0: only the logits that score a
    completion are computed, which for a long prompt is most of the ``[rows, length, vocab]``
    tensor that would otherwise dominate the update's memory.
    """
    position_ids = (attention_mask.long().cumsum(dim=1) - 1).clamp(min=0)
    columns = completion_mask.any(dim=0).nonzero()
    first = int(columns[0]) if len(columns) else input_ids.shape[1]
    # logits at columns first-1 .. L-1; the last one predicts past the end and is dropped
    logits = _last_logits(model, input_ids, attention_mask, position_ids,
                          input_ids.shape[1] - first + 1)
    logits = logits[:, :-1].float() / temperature
    log_probs = logits.log_softmax(dim=-1)
    logp = log_probs.gather(-1, input_ids[:, first:, None]).squeeze(-1)
    logp = nn.functional.pad(logp, (first, 0))
    if not with_entropy:
        return logp, None
    entropy = -(log_probs.exp() * log_probs).sum(dim=-1)
    return logp, nn.functional.pad(entropy, (first, 0))


def _last_logits(model: nn.Module, input_ids: Tensor, attention_mask: Tensor,
                 position_ids: Tensor, keep: int) -> Tensor:
    """The logits of the last ``keep`` columns.

    Transformers' causal LMs take ``logits_to_keep`` and then apply the output layer to those
    columns only; a model without it (a PEFT wrapper, a custom module) computes all and is cut.
    """
    kwargs = {"input_ids": input_ids, "attention_mask": attention_mask,
              "position_ids": position_ids}
    if "logits_to_keep" in inspect.signature(model.forward).parameters:
        return model(**kwargs, logits_to_keep=keep).logits
    return model(**kwargs).logits[:, -keep:]


def token_logprobs(
    model: nn.Module,
    input_ids: Tensor,
    attention_mask: Tensor,
    completion_mask: Tensor,
    *,
    temperature: float = 1.0,
    with_entropy: bool = False,
    micro_batch: int | None = None,
) -> tuple[Tensor, Tensor | None]:
    """Log pi(token_t | tokens_<t) for every completion token, and optionally the entropy there.

    Log-probs come from ``logits / temperature``, so they match what a sampler at that
    temperature recorded. Returns float32 ``[N, L]`` tensors aligned with ``input_ids`` and 0
    wherever ``completion_mask`` is False; the entropy is that of the tempered next-token
    distribution (None unless ``with_entropy``). Rows go through ``model`` ``micro_batch`` at
    a time (all at once when None). Gradients flow unless the caller disables them; chunking
    bounds peak memory under ``torch.no_grad()``, while a training step that must bound it too
    calls this once per micro-batch and backpropagates each.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    if micro_batch is not None and micro_batch < 1:
        raise ValueError(f"micro_batch must be >= 1, got {micro_batch!r}")
    completion_mask = completion_mask.bool()
    if completion_mask[:, 0].any():
        raise ValueError("completion_mask is True at position 0, which has no prefix to score")
    step = micro_batch or len(input_ids)
    logps, entropies = [], []
    for start in range(0, len(input_ids), step):
        rows = slice(start, start + step)
        logp, entropy = _score_chunk(model, input_ids[rows], attention_mask[rows],
                                     completion_mask[rows], temperature, with_entropy)
        logps.append(logp)
        if entropy is not None:
            entropies.append(entropy)
    logp = torch.cat(logps).masked_fill(~completion_mask, 0.0)
    if not with_entropy:
        return logp, None
    return logp, torch.cat(entropies).masked_fill(~completion_mask, 0.0)
