"""Rollouts with Hugging Face ``generate``: :class:`HFEngine`, sharing the trainer's model object.

The engine needs no second copy of the weights and no extra dependency, so it is the engine for
CPUs, tests and small models; :mod:`agents.rollout.vllm` is the fast one on CUDA.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import torch
from transformers import GenerationConfig, LogitsProcessor, LogitsProcessorList

from agents.rollout.base import Rollout, check_generate_args
from agents.sharding import full_state

__all__ = ["HFEngine"]


class HFEngine:
    """Samples rollouts with ``model.generate`` (KV cache, left-padded batches of prompts).

    The engine shares the trainer's model object, so after an optimizer step it samples from the
    new weights without any copy. Sampling uses exactly ``temperature`` and ``top_p``: whatever a
    checkpoint's ``generation_config`` says (``top_k``, repetition penalty, ...) is ignored, so
    the behaviour policy is the distribution the learner assumes. ``Rollout.logprobs`` are
    ``log_softmax(logits / temperature)`` of the sampled tokens, before top-p renormalisation
    (at temperature 1 for greedy decoding, ``temperature == 0``). A ``seed`` makes the call
    deterministic and leaves the global torch RNG as it was.

    Example:
        >>> import torch
        >>> from transformers import Qwen2Config, Qwen2ForCausalLM
        >>> _ = torch.manual_seed(0)
        >>> model = Qwen2ForCausalLM(Qwen2Config(
        ...     vocab_size=40, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        ...     num_attention_heads=2, num_key_value_heads=2))
        >>> engine = HFEngine(model, eos_token_id=1, pad_token_id=0)
        >>> groups = engine.generate([[5, 6, 7], [8, 9]], n=3, max_new_tokens=4, seed=0)
        >>> [len(group) for group in groups]
        [3, 3]
        >>> r = groups[1][0]
        >>> r.prompt_ids, len(r.completion_ids) == len(r.logprobs)
        ((8, 9), True)
        >>> r.finished == (r.completion_ids[-1] == 1)
        True
    """

    def __init__(self, model: torch.nn.Module, *, eos_token_id: int | Sequence[int],
                 pad_token_id: int, batch_size: int = 64) -> None:
        eos_ids = (eos_token_id,) if isinstance(eos_token_id, int) else tuple(eos_token_id)
        if not eos_ids:
            raise ValueError("eos_token_id must name at least one token, got an empty sequence")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if not hasattr(model, "generate"):
            raise TypeError(f"model must be a Hugging Face generative model (with .generate), "
                            f"got {type(model).__name__}")
        self.model = model
        self.eos_token_ids = eos_ids
        self.pad_token_id = pad_token_id
        self.batch_size = batch_size

    def generate(self, prompts: Sequence[Sequence[int]], *, n: int, max_new_tokens: int,
                 temperature: float = 1.0, top_p: float = 1.0,
                 seed: int | None = None) -> list[list[Rollout]]:
        """Sample ``n`` completions of each prompt; returns one list of ``n`` per prompt."""
        check_generate_args(prompts, n=n, max_new_tokens=max_new_tokens,
                            temperature=temperature, top_p=top_p)
        rows = [tuple(int(t) for t in prompt) for prompt in prompts for _ in range(n)]
        # Longest first, so that each batch pads its prompts little; results go back in order.
        order = sorted(range(len(rows)), key=lambda i: -len(rows[i]))
        rollouts: dict[int, Rollout] = {}
        with _seeded(seed), _eval_mode(self.model), torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start:start + self.batch_size]
                sampled = self._sample([rows[i] for i in batch], max_new_tokens,
                                       temperature, top_p)
                for i, rollout in zip(batch, sampled, strict=True):
                    rollouts[i] = rollout
        return [[rollouts[k * n + j] for j in range(n)] for k in range(len(prompts))]

    def load_weights(self, model: torch.nn.Module) -> None:
        """Sample from ``model``'s weights: nothing to do for the shared model, else copy them.

        A sharded ``model`` (:func:`agents.sharding.prepare`) is gathered one tensor at a time,
        so every rank must call this together.
        """
        if model is self.model:
            return
        own = self.model.state_dict()
        with torch.no_grad():
            for name, tensor in full_state(model):
                own[name].copy_(tensor)

    def close(self) -> None:
        """Nothing to release: the model belongs to the trainer."""

    def _sample(self, prompts: list[tuple[int, ...]], max_new_tokens: int,
                temperature: float, top_p: float) -> list[Rollout]:
        """Sample one completion of each prompt in a single left-padded ``generate`` call."""
        device = next(self.model.parameters()).device
        input_ids, attention_mask = _left_pad(prompts, self.pad_token_id, device)
        greedy = temperature == 0.0
        recorder = _LogprobRecorder(1.0 if greedy else temperature)
        sampling = {} if greedy else {"temperature": temperature, "top_p": top_p, "top_k": 0}
        with _neutral_generation_config(self.model):
            sequences = self.model.generate(
                input_ids=input_ids, attention_mask=attention_mask, do_sample=not greedy,
                max_new_tokens=max_new_tokens, eos_token_id=list(self.eos_token_ids),
                pad_token_id=self.pad_token_id, logits_processor=LogitsProcessorList([recorder]),
                use_cache=True, **sampling)
        new_tokens = sequences[:, input_ids.shape[1]:]
        logprobs = recorder.logprobs(new_tokens)
        return [self._rollout(prompt, tokens, lps)
                for prompt, tokens, lps in zip(prompts, new_tokens.tolist(), logprobs.tolist(),
                                                strict=True)]

    def _rollout(self, prompt: tuple[int, ...], tokens: list[int],
                 logprobs: list[float]) -> Rollout:
        """Cut a generated row after its first EOS token (keeping it), dropping the padding."""
        end = next((t + 1 for t, token in enumerate(tokens) if token in self.eos_token_ids), None)
        finished = end is not None
        end = end if finished else len(tokens)
        return Rollout(prompt_ids=prompt, completion_ids=tuple(tokens[:end]),
                       logprobs=tuple(logprobs[:end]), finished=finished)


class _LogprobRecorder(LogitsProcessor):
    """Records ``log_softmax(logits / T)`` of every sampled token, one step behind.

    ``generate`` applies custom processors before its temperature / top-p warpers, so this one
    sees the model's raw logits. Each call keeps only the current step's distribution (batch x
    vocab) and reads the token sampled from it at the next call, instead of storing the logits of
    every step as ``output_logits=True`` would (batch x steps x vocab: gigabytes for real vocabs).
    """

    def __init__(self, temperature: float) -> None:
        self.temperature = temperature
        self.steps: list[torch.Tensor] = []
        self.pending: torch.Tensor | None = None

    def __call__(self, input_ids: torch.LongTensor, scores: torch.Tensor) -> torch.Tensor:
        if self.pending is not None:
            self.steps.append(self._gather(input_ids[:, -1]))
        self.pending = torch.log_softmax(scores.float() / self.temperature, dim=-1)
        return scores

    def logprobs(self, new_tokens: torch.Tensor) -> torch.Tensor:
        """The (batch, steps) log-probabilities of ``new_tokens``, the tokens ``generate`` added."""
        steps = new_tokens.shape[1]
        if len(self.steps) < steps:  # the last step's token was never fed back to a call
            self.steps.append(self._gather(new_tokens[:, -1]))
        # generate may run and then undo a few steps past the end; those are dropped here.
        return torch.stack(self.steps[:steps], dim=1)

    def _gather(self, tokens: torch.Tensor) -> torch.Tensor:
        assert self.pending is not None  # __call__ always ran for the step being read
        return self.pending.gather(-1, tokens[:, None].to(self.pending.device)).squeeze(-1)


def _left_pad(prompts: list[tuple[int, ...]], pad_token_id: int,
              device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-pad prompts into (input_ids, attention_mask) tensors."""
    width = max(len(prompt) for prompt in prompts)
    input_ids = torch.full((len(prompts), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(prompts), width), dtype=torch.long)
    for row, prompt in enumerate(prompts):
        input_ids[row, width - len(prompt):] = torch.tensor(prompt, dtype=torch.long)
        attention_mask[row, width - len(prompt):] = 1
    return input_ids.to(device), attention_mask.to(device)


@contextlib.contextmanager
def _seeded(seed: int | None) -> Iterator[None]:
    """Seed torch inside the block and restore the global RNG state after it (no-op for None)."""
    if seed is None:
        yield
        return
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


@contextlib.contextmanager
def _eval_mode(model: torch.nn.Module) -> Iterator[None]:
    """Put the model in eval mode (no dropout) inside the block, restoring its mode after it."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


@contextlib.contextmanager
def _neutral_generation_config(model: torch.nn.Module) -> Iterator[None]:
    """Hide the checkpoint's generation defaults (top_k, penalties, ...) inside the block.

    ``generate`` fills every option its caller leaves unset from ``model.generation_config``; a
    fresh config leaves only the library defaults, which the engine overrides explicitly. A PEFT
    wrapper generates with its base model's config, so that is the one replaced.
    """
    owner = model.get_base_model() if hasattr(model, "get_base_model") else model
    saved = owner.generation_config
    owner.generation_config = GenerationConfig()
    try:
        yield
    finally:
        owner.generation_config = saved
