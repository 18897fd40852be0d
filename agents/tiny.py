"""The ``tiny`` preset: tokenizer, config, :class:`WarmupConfig`, :func:`load_tiny` and helpers.

A 1.06M-parameter Qwen2 model over a character vocabulary, warm-started by a few minutes of
supervised training on easy ``rewrite_chain`` problems, so that Guide can be seen working on a
CPU in minutes (measured design: ``shared/TINY_PRESET.md``). The model reads raw text, no chat
template: ``Q:5*18-3*1*9 S:`` (or ``Q:5*18-3*1*9 H:90-3*1*9 S:``) and continues with the chain
``90-3*1*9=90-3*9=90-27=63;A:63`` then EOS.

The warm-started model is built once and cached under ``$XDG_CACHE_HOME/guide-rl/tiny/``
(``~/.cache`` by default), one folder per configuration.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

from guide_envs.sources.procedural import ProceduralSource
from guide_envs.templates import get_template

__all__ = [
    "ALPHABET",
    "WarmupConfig",
    "load_tiny",
    "tiny_cache_dir",
    "tiny_config",
    "tiny_tokenizer",
    "warm_up",
]

logger = logging.getLogger(__name__)

#: Every character the tiny model reads or writes.
ALPHABET = "0123456789+-*=;:QSHA "
_SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")
#: Bumped whenever the tokenizer, the model or the warm-up data change in a way the settings do
#: not show, so that stale caches are not reused.
FORMAT_VERSION = 1
_WEIGHTS_META = "warmup.json"


def tiny_tokenizer() -> PreTrainedTokenizerFast:
    """A character tokenizer over :data:`ALPHABET`, 25 ids in a fixed order.

    Ids 0-3 are ``<pad> <bos> <eos> <unk>``, then one id per character of :data:`ALPHABET`.

    It adds no special tokens when encoding (the model reads raw text) and pads on the left,
    as batched generation needs.

    Example:
        >>> tok = tiny_tokenizer()
        >>> ids = tok("Q:2*3 S:6;A:6")["input_ids"]
        >>> len(ids), tok.decode(ids)
        (13, 'Q:2*3 S:6;A:6')
        >>> len(tok), tok.eos_token_id
        (25, 2)
    """
    vocab = {token: i for i, token in enumerate((*_SPECIALS, *ALPHABET))}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    backend.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", bos_token="<bos>", eos_token="<eos>",
        unk_token="<unk>", model_max_length=128, padding_side="left",
    )


def tiny_config(tokenizer: PreTrainedTokenizerFast) -> Qwen2Config:
    """The tiny model's shape: 4 layers, hidden 128, FFN 512, 4 heads, tied embeddings.

    >>> n = sum(p.numel() for p in Qwen2ForCausalLM(tiny_config(tiny_tokenizer())).parameters())
    >>> round(n / 1e6, 2)
    1.05
    """
    return Qwen2Config(
        vocab_size=len(tokenizer), hidden_size=128, intermediate_size=512,
        num_hidden_layers=4, num_attention_heads=4, num_key_value_heads=4,
        max_position_embeddings=tokenizer.model_max_length, tie_word_embeddings=True,
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )


@dataclass(frozen=True)
class WarmupConfig:
    """The supervised warm-up that makes the tiny model able to rewrite easy chains.

    Problems are ``rewrite_chain`` ones of difficulty 1 and 2 (one and two operations, every
    ``*`` with a one-digit operand); a share of the two-operation ones carry the one-state hint in
    the prompt, so that the model learns to read hints. The loss is on the target only.
    The default takes about 4.5 minutes on a 2-core CPU (0.18 s a step).
    """

    steps: int = 1500
    """Optimizer steps."""
    batch_size: int = 64
    """Examples per step."""
    lr: float = 3e-3
    """Peak learning rate of AdamW (linear warm-up, then cosine decay to 10%)."""
    warmup_steps: int = 50
    """Steps of linear learning-rate warm-up (at most ``steps``)."""
    weight_decay: float = 0.01
    """AdamW weight decay."""
    hint_fraction: float = 0.3
    """Share of two-operation examples whose prompt carries the first rewrite state as a hint."""
    seed: int = 0
    """Seed of the initial weights and of the hint choices."""
    data_seed: int = 9_000
    """Seed of the warm-up problems, away from the small seeds held-out sets use."""
    threads: int = 2
    """``torch.set_num_threads`` during the warm-up (not part of the cache key)."""

    def validate(self) -> WarmupConfig:
        """Raise ``ValueError`` naming the first bad field; return self so calls can chain."""
        for name in ("steps", "batch_size", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if self.warmup_steps < 0:
            raise ValueError(f"warmup_steps must be at least 0, got {self.warmup_steps!r}")
        if not 0.0 <= self.hint_fraction <= 1.0:
            raise ValueError(f"hint_fraction must be in [0, 1], got {self.hint_fraction!r}")
        return self


def _examples(warmup: WarmupConfig, step: int) -> list[tuple[str, str]]:
    """The ``(prompt, target)`` pairs of warm-up step ``step`` (EOS not yet appended)."""
    source = ProceduralSource(families="rewrite_chain", difficulty=(1, 2),
                              seed=warmup.data_seed, size=warmup.steps * warmup.batch_size)
    template = get_template("chain")
    rng = random.Random(f"tiny-warmup/{warmup.seed}/{step}")
    pairs = []
    for index in range(step * warmup.batch_size, (step + 1) * warmup.batch_size):
        problem = source[index]
        hinted = (problem.metadata["difficulty"] == 2 and bool(problem.hint)
                  and rng.random() < warmup.hint_fraction)
        pairs.append((template.render(problem, problem.hint if hinted else None),
                      problem.solution))
    return pairs


def _batch(tokenizer: PreTrainedTokenizerFast,
           pairs: list[tuple[str, str]]) -> dict[str, torch.Tensor]:
    """Right-padded ``input_ids``, ``attention_mask`` and ``labels`` (-100 outside targets)."""
    prompts = tokenizer([p for p, _ in pairs], add_special_tokens=False)["input_ids"]
    targets = tokenizer([t for _, t in pairs], add_special_tokens=False)["input_ids"]
    rows = [(p, t + [tokenizer.eos_token_id]) for p, t in zip(prompts, targets, strict=True)]
    width = max(len(p) + len(t) for p, t in rows)
    ids = torch.full((len(rows), width), tokenizer.pad_token_id)
    labels = torch.full((len(rows), width), -100)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (p, t) in enumerate(rows):
        ids[i, :len(p) + len(t)] = torch.tensor(p + t)
        labels[i, len(p):len(p) + len(t)] = torch.tensor(t)
        mask[i, :len(p) + len(t)] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def _schedule(warmup: WarmupConfig) -> Callable[[int], float]:
    """The learning-rate multiplier of each step: linear ramp, then cosine down to 0.1."""
    ramp = min(warmup.warmup_steps, warmup.steps)

    def factor(step: int) -> float:
        if step < ramp:
            return (step + 1) / ramp
        progress = (step - ramp) / max(1, warmup.steps - ramp)
        return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))
    return factor


def warm_up(model: Qwen2ForCausalLM, tokenizer: PreTrainedTokenizerFast,
            warmup: WarmupConfig, *, progress: bool = True) -> list[float]:
    """Train ``model`` in place as ``warmup`` says; returns the loss of every step."""
    from tqdm.auto import tqdm

    warmup.validate()
    threads = torch.get_num_threads()
    torch.set_num_threads(warmup.threads)
    try:
        optimizer = torch.optim.AdamW(model.parameters(), lr=warmup.lr, betas=(0.9, 0.98),
                                      weight_decay=warmup.weight_decay)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _schedule(warmup))
        model.train()
        losses: list[float] = []
        bar = tqdm(range(warmup.steps), desc="tiny warm-up", disable=not progress)
        for step in bar:
            loss = model(**_batch(tokenizer, _examples(warmup, step))).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
            if step % 10 == 0 or step == warmup.steps - 1:
                bar.set_postfix(loss=f"{losses[-1]:.3f}")
        model.eval()
        return losses
    finally:
        torch.set_num_threads(threads)


def _default_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "guide-rl" / "tiny"


def tiny_cache_dir(warmup: WarmupConfig = WarmupConfig(), cache_dir: Path | None = None) -> Path:
    """Where :func:`load_tiny` keeps the model warm-started with ``warmup``.

    ``cache_dir`` (default ``$XDG_CACHE_HOME/guide-rl/tiny``) holds one folder per key: a hash
    of the tokenizer, the model config, the warm-up settings (``threads`` aside) and
    :data:`FORMAT_VERSION`.
    """
    tokenizer = tiny_tokenizer()
    config = tiny_config(tokenizer).to_dict()
    config.pop("transformers_version", None)
    settings = {k: v for k, v in dataclasses.asdict(warmup).items() if k != "threads"}
    key = json.dumps({"format": FORMAT_VERSION, "vocab": tokenizer.get_vocab(),
                      "config": config, "warmup": settings}, sort_keys=True, default=str)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return (Path(cache_dir) if cache_dir is not None else _default_cache_root()) / digest


def _build(warmup: WarmupConfig, target: Path, progress: bool) -> None:
    """Warm-start a model and save it to ``target`` atomically (a temporary sibling, renamed)."""
    tokenizer = tiny_tokenizer()
    torch.manual_seed(warmup.seed)
    model = Qwen2ForCausalLM(tiny_config(tokenizer))
    message = f"warming up the tiny model ({warmup.steps} steps); it will be cached in {target}"
    logger.info(message)
    if progress:  # the user watching the bar should know where the minutes go
        print(message, file=sys.stderr)
    start = time.perf_counter()
    losses = warm_up(model, tokenizer, warmup, progress=progress)
    seconds = time.perf_counter() - start
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        meta = {"format": FORMAT_VERSION, "warmup": dataclasses.asdict(warmup),
                "seconds": round(seconds, 1), "losses": losses}
        (staging / _WEIGHTS_META).write_text(json.dumps(meta))
        try:
            staging.rename(target)
        except OSError:
            if not (target / _WEIGHTS_META).exists():  # not another process's finished cache
                raise
            logger.info("another process cached the tiny model first; using its copy")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_tiny(cache_dir: Path | None = None, warmup: WarmupConfig = WarmupConfig(),
              progress: bool = True) -> tuple[Qwen2ForCausalLM, PreTrainedTokenizerFast]:
    """The warm-started tiny model (in eval mode) and its tokenizer.

    The first call with given settings trains it (minutes) and caches it in
    :func:`tiny_cache_dir`; later calls load the cache. Delete the folder to rebuild.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as cache:  # a 2-step warm-up, for the example
        ...     model, tokenizer = load_tiny(Path(cache), WarmupConfig(steps=2, batch_size=4),
        ...                                  progress=False)
        >>> model.num_parameters(), tokenizer.decode(tokenizer("Q:2*3 S:")["input_ids"])
        (1054464, 'Q:2*3 S:')
    """
    warmup.validate()
    target = tiny_cache_dir(warmup, cache_dir)
    if not (target / _WEIGHTS_META).exists():
        _build(warmup, target, progress)
    else:
        logger.info("loading the tiny model from the cache %s", target)
    model = Qwen2ForCausalLM.from_pretrained(target)
    tokenizer = PreTrainedTokenizerFast.from_pretrained(target)
    model.eval()
    return model, tokenizer
