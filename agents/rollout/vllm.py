"""Rollouts with vLLM: :class:`VLLMEngine`, the fast engine on CUDA (the ``vllm`` extra).

vLLM is imported when an engine is made, never at module import, so this module loads (and its
errors explain themselves) on machines without vLLM or CUDA.

Versions: token-id prompts, per-request ``SamplingParams`` and ``logprobs=0`` work on every vLLM
the extra allows (>= 0.6). Behaviour log-probs must be those of the temperature-scaled
distribution: vLLM >= 0.10.2 is asked for them with ``logprobs_mode="processed_logprobs"``; the
V0 engine always returned them; the V1 engine before 0.10.2 returns raw (temperature 1)
log-probs only, so there the engine refuses ``temperature`` other than 0 or 1 and ``top_p < 1``.
New weights are written into the model in the engine's own process (V0, or V1 with
``VLLM_ENABLE_V1_MULTIPROCESSING=0``, which the engine sets by default) or, failing that,
shipped to the workers with ``LLM.collective_rpc``.
"""

from __future__ import annotations

import gc
import os
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from agents.rollout.base import Rollout, check_generate_args

__all__ = ["VLLMEngine", "import_vllm"]

_INSTALL_HINT = 'pip install "guide-rl[vllm]" (vLLM runs on CUDA GPUs only)'
_PROCESSED_LOGPROBS_SINCE = (0, 10, 2)

# Where vLLM versions keep the model object when it lives in this process.
_IN_PROCESS_MODEL_PATHS: tuple[tuple[str, ...], ...] = (
    ("llm_engine", "model_executor", "driver_worker", "worker", "model_runner", "model"),
    ("llm_engine", "model_executor", "driver_worker", "model_runner", "model"),
    ("llm_engine", "engine_core", "engine_core", "model_executor", "driver_worker", "worker",
     "model_runner", "model"),
)


def import_vllm() -> Any:
    """Import and return the ``vllm`` module, or raise ImportError saying how to install it."""
    try:
        import vllm
    except ImportError as exc:
        raise ImportError(f"the vLLM rollout engine needs the vllm package: {_INSTALL_HINT}; "
                          f"importing it failed with: {exc}") from exc
    return vllm


class VLLMEngine:
    """Samples rollouts with a vLLM ``LLM`` built from ``model`` (a Hub name or local path).

    ``Rollout.logprobs`` are vLLM's processed log-probs of the sampled tokens: with
    ``top_p == 1`` exactly ``log_softmax(logits / temperature)``, as :class:`~agents.rollout.hf.
    HFEngine` reports and a trainer recomputes; with ``top_p < 1`` vLLM reports them *after*
    top-p truncation and renormalisation (the true sampling distribution), which differs from
    the Hugging Face engine. Greedy decoding (``temperature == 0``) reports them at temperature 1.
    Call :meth:`load_weights` after each optimizer step; it also clears the prefix cache, whose
    entries were computed with the old weights. It sends the model's ``state_dict`` under
    Hugging Face names, so merge LoRA adapters into the model (``merge_and_unload``) first.

    Args:
        model: Hub name or local path of the checkpoint to serve.
        tokenizer: its tokenizer's name or path (default: ``model``'s).
        dtype: weight dtype (``"auto"``, ``"bfloat16"``, ...).
        gpu_memory_utilization: share of GPU memory vLLM may take (weights and KV cache);
            leave room for the trainer when both share the GPU.
        seed: seed of vLLM's own RNG (each ``generate(seed=...)`` call is seeded on its own).
        in_process: run vLLM's V1 engine core in this process, so that :meth:`load_weights`
            writes into the model directly (sets ``VLLM_ENABLE_V1_MULTIPROCESSING=0`` unless the
            environment already sets it).
        **llm_kwargs: passed on to ``vllm.LLM`` (``max_model_len``, ``enable_prefix_caching``, ...).
    """

    def __init__(self, model: str, *, tokenizer: str | None = None, dtype: str = "auto",
                 gpu_memory_utilization: float = 0.4, seed: int = 0, in_process: bool = True,
                 **llm_kwargs: Any) -> None:
        vllm = import_vllm()
        if not torch.cuda.is_available():
            raise RuntimeError("the vLLM rollout engine needs a CUDA GPU and none is visible; "
                               "use make_engine('hf', ...) on this machine")
        if in_process:  # vLLM reads it when the engine starts
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        if _version(vllm.__version__) >= _PROCESSED_LOGPROBS_SINCE:
            llm_kwargs.setdefault("logprobs_mode", "processed_logprobs")
        self._vllm = vllm
        self.llm = vllm.LLM(model=model, tokenizer=tokenizer, dtype=dtype, seed=seed,
                            gpu_memory_utilization=gpu_memory_utilization, **llm_kwargs)
        # The V1 engine reports raw (temperature 1) log-probs unless told otherwise; V0 never did.
        self._raw_logprobs = (hasattr(self.llm.llm_engine, "engine_core")
                              and llm_kwargs.get("logprobs_mode") != "processed_logprobs")

    def generate(self, prompts: Sequence[Sequence[int]], *, n: int, max_new_tokens: int,
                 temperature: float = 1.0, top_p: float = 1.0,
                 seed: int | None = None) -> list[list[Rollout]]:
        """Sample ``n`` completions of each prompt; returns one list of ``n`` per prompt."""
        check_generate_args(prompts, n=n, max_new_tokens=max_new_tokens,
                            temperature=temperature, top_p=top_p)
        self._check_logprobs_exact(temperature, top_p)
        rows = [tuple(int(t) for t in prompt) for prompt in prompts for _ in range(n)]
        # One request per sample, each with its own seed: vLLM's n > 1 fan-out does not
        # promise distinct, reproducible samples under a single request seed.
        rng = random.Random(seed)
        params = [self._vllm.SamplingParams(
            n=1, temperature=temperature, top_p=top_p, max_tokens=max_new_tokens, logprobs=0,
            seed=None if seed is None else rng.getrandbits(62), detokenize=False)
            for _ in rows]
        requests = [{"prompt_token_ids": list(row)} for row in rows]
        outputs = self.llm.generate(requests, params, use_tqdm=False)
        rollouts = [_rollout(row, output.outputs[0])
                    for row, output in zip(rows, outputs, strict=True)]
        return [rollouts[k * n:(k + 1) * n] for k in range(len(prompts))]

    def load_weights(self, model: torch.nn.Module) -> None:
        """Copy ``model``'s current weights into the served model and clear the prefix cache."""
        weights = model.state_dict()
        target = self._in_process_model()
        if target is not None:
            target.load_weights(weights.items())
        elif hasattr(self.llm, "collective_rpc"):
            cpu_weights = [(name, tensor.detach().cpu()) for name, tensor in weights.items()]
            self.llm.collective_rpc(_load_into_worker, args=(cpu_weights,))
        else:
            raise RuntimeError(
                f"cannot push weights into vLLM {self._vllm.__version__}: the model is not in "
                "this process and this LLM has no collective_rpc; run vLLM in-process "
                "(VLLMEngine(..., in_process=True) or VLLM_ENABLE_V1_MULTIPROCESSING=0)")
        if hasattr(self.llm, "reset_prefix_cache"):
            self.llm.reset_prefix_cache()

    def close(self) -> None:
        """Shut vLLM down and free its GPU memory."""
        engine_core = getattr(self.llm.llm_engine, "engine_core", None)
        if engine_core is not None and hasattr(engine_core, "shutdown"):
            engine_core.shutdown()
        del self.llm
        gc.collect()
        torch.cuda.empty_cache()

    def _check_logprobs_exact(self, temperature: float, top_p: float) -> None:
        """Refuse settings whose log-probs this vLLM cannot report (raw log-probs only)."""
        if self._raw_logprobs and (temperature not in (0.0, 1.0) or top_p < 1.0):
            raise ValueError(
                f"vLLM {self._vllm.__version__} (V1 engine, no logprobs_mode) reports log-probs "
                f"at temperature 1 only, so temperature={temperature}, top_p={top_p} would give "
                "wrong importance ratios; upgrade to vllm>=0.10.2 or sample at temperature 1, "
                "top_p 1")

    def _in_process_model(self) -> Any | None:
        """The served ``torch.nn.Module`` when it lives in this process, else None."""
        for path in _IN_PROCESS_MODEL_PATHS:
            obj: Any = self.llm
            for name in path:
                obj = getattr(obj, name, None)
                if obj is None:
                    break
            if obj is not None and hasattr(obj, "load_weights"):
                return obj
        return None


def _load_into_worker(worker: Any, weights: Iterable[tuple[str, torch.Tensor]]) -> None:
    """Runs inside each vLLM worker (via ``collective_rpc``): load the trainer's weights."""
    worker.model_runner.model.load_weights(weights)


def _rollout(prompt: tuple[int, ...], completion: Any) -> Rollout:
    """A :class:`Rollout` from a vLLM ``CompletionOutput`` requested with ``logprobs=0``."""
    tokens = tuple(int(t) for t in completion.token_ids)
    if completion.logprobs is None:
        raise RuntimeError("vLLM returned no log-probs although the request asked for logprobs=0")
    logprobs = tuple(_sampled_logprob(step, token)
                     for step, token in zip(completion.logprobs, tokens, strict=True))
    return Rollout(prompt_ids=prompt, completion_ids=tokens, logprobs=logprobs,
                   finished=completion.finish_reason == "stop")


def _sampled_logprob(step: dict[int, Any], token: int) -> float:
    """The log-prob of ``token`` in one step's ``{token_id: Logprob}`` map."""
    if token not in step:
        raise RuntimeError(f"vLLM returned no log-prob for sampled token {token} "
                           f"(got ids {sorted(step)}); is logprobs=0 supported?")
    return float(step[token].logprob)


def _version(text: str) -> tuple[int, ...]:
    """The leading numeric release of a version string.

    Example:
        >>> _version("0.10.2rc1"), _version("0.6.3.post1"), _version("0.11")
        ((0, 10, 2), (0, 6, 3), (0, 11))
    """
    match = re.match(r"\d+(\.\d+){0,2}", text)
    if match is None:
        raise ValueError(f"cannot read a version number from {text!r}")
    return tuple(int(part) for part in match.group(0).split("."))
