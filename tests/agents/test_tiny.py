"""The tiny preset (tokenizer, config, warm-up, cache) and ``load_policy``, on real models."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import huggingface_hub.constants
import pytest
import torch

from agents.models import LoraConfig, load_policy
from agents.tiny import (
    ALPHABET,
    WarmupConfig,
    _examples,
    load_tiny,
    tiny_cache_dir,
    tiny_config,
    tiny_tokenizer,
    warm_up,
)

CHAIN = "Q:5*18-3*1*9 H:90-3*1*9 S:90-3*1*9=90-3*9=90-27=63;A:63"
SHORT = WarmupConfig(steps=30, warmup_steps=3, batch_size=16, threads=1)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _load_logged(cache: Path, warmup: WarmupConfig) -> tuple[object, object, list[str]]:
    logger = logging.getLogger("agents.tiny")
    records, level = _Records(), logger.level
    logger.addHandler(records)
    logger.setLevel(logging.INFO)
    try:
        model, tokenizer = load_tiny(cache, warmup, progress=False)
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    return model, tokenizer, records.messages


@pytest.fixture(scope="module")
def tiny_cache(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, list[str]]:
    """A cache folder holding a briefly warmed-up tiny model; the first load's log lines."""
    cache = tmp_path_factory.mktemp("tiny-cache")
    model, _, messages = _load_logged(cache, SHORT)
    return cache, model, messages


def test_tokenizer_round_trip_and_fixed_ids() -> None:
    tok = tiny_tokenizer()
    ids = tok(CHAIN)["input_ids"]
    assert len(ids) == len(CHAIN)  # one id per character, no special tokens added
    assert tok.decode(ids) == CHAIN
    assert len(tok) == 25 == 4 + len(ALPHABET)
    assert (tok.pad_token_id, tok.bos_token_id, tok.eos_token_id) == (0, 1, 2)
    assert tok("09+ A")["input_ids"] == [4, 13, 14, 24, 23]
    assert tok("x")["input_ids"] == [tok.unk_token_id]
    assert tok.padding_side == "left" and tok.chat_template is None
    batch = tok(["Q:1 S:", "Q:12 S:"], padding=True)["input_ids"]
    assert batch[0][0] == tok.pad_token_id and tiny_tokenizer().get_vocab() == tok.get_vocab()


def test_tiny_config_has_about_a_million_parameters() -> None:
    from transformers import Qwen2ForCausalLM

    config = tiny_config(tiny_tokenizer())
    n = sum(p.numel() for p in Qwen2ForCausalLM(config).parameters())
    assert 1.04e6 < n < 1.07e6
    assert (config.num_hidden_layers, config.hidden_size, config.intermediate_size,
            config.num_attention_heads, config.max_position_embeddings) == (4, 128, 512, 4, 128)
    assert config.tie_word_embeddings


def test_warm_up_examples_hint_only_two_operation_problems() -> None:
    pairs = [pair for step in range(8) for pair in _examples(WarmupConfig(), step)]
    assert all(p.startswith("Q:") and p.endswith(" S:") for p, _ in pairs)
    assert all(";A:" in target for _, target in pairs)
    hinted = [(p, t) for p, t in pairs if " H:" in p]
    assert all(t.startswith(p.split(" H:")[1].removesuffix(" S:") + "=") for p, t in hinted)
    two_ops = [p for p, _ in pairs if sum(c in "+-*" for c in p.split(" H:")[0][2:]) == 2]
    assert all(sum(c in "+-*" for c in p.split(" H:")[0][2:]) == 2 for p, _ in hinted)
    assert 0.15 < len(hinted) / len(two_ops) < 0.45


def test_warm_up_lowers_the_loss_and_respects_threads() -> None:
    tok = tiny_tokenizer()
    from transformers import Qwen2ForCausalLM

    torch.manual_seed(0)
    model = Qwen2ForCausalLM(tiny_config(tok))
    before = torch.get_num_threads()
    losses = warm_up(model, tok, WarmupConfig(steps=30, warmup_steps=3, batch_size=16, threads=1),
                     progress=False)
    assert torch.get_num_threads() == before
    assert len(losses) == 30 and sum(losses[-5:]) / 5 < 0.7 * sum(losses[:5]) / 5


def test_load_tiny_caches_atomically(tiny_cache: tuple[Path, object, list[str]]) -> None:
    cache, model, messages = tiny_cache
    folder = tiny_cache_dir(SHORT, cache)
    assert [p.name for p in cache.iterdir()] == [folder.name]  # no staging folder left behind
    assert {"config.json", "model.safetensors", "tokenizer.json",
            "warmup.json"} <= {p.name for p in folder.iterdir()}
    assert any("warming up" in m and str(folder) in m for m in messages)
    meta = json.loads((folder / "warmup.json").read_text())
    assert len(meta["losses"]) == SHORT.steps and meta["losses"][-1] < meta["losses"][0]
    assert not model.training

    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again, tokenizer, messages = _load_logged(cache, SHORT)
    assert any("from the cache" in m for m in messages)
    assert not any("warming up" in m for m in messages)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    for (name, a), (_, b) in zip(model.state_dict().items(), again.state_dict().items(),
                                 strict=True):
        assert torch.equal(a, b), name
    assert tokenizer.decode(tokenizer(CHAIN)["input_ids"]) == CHAIN


def test_cache_key_follows_the_settings(tmp_path: Path) -> None:
    base = tiny_cache_dir(SHORT, tmp_path)
    assert base.parent == tmp_path
    for changed in (replace(SHORT, steps=31), replace(SHORT, hint_fraction=0.5),
                    replace(SHORT, seed=1), replace(SHORT, lr=1e-3)):
        assert tiny_cache_dir(changed, tmp_path) != base
    assert tiny_cache_dir(replace(SHORT, threads=2), tmp_path) == base


def test_default_cache_lives_under_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert tiny_cache_dir().parent == tmp_path / "guide-rl" / "tiny"


def test_load_policy_tiny_generates_in_the_asked_dtype(
        tiny_cache: tuple[Path, object, list[str]]) -> None:
    model, tok = load_policy("tiny", dtype="bfloat16", cache_dir=tiny_cache[0], warmup=SHORT,
                             progress=False)
    assert next(model.parameters()).dtype == torch.bfloat16
    batch = tok(["Q:2*3 S:", "Q:12+7 S:"], return_tensors="pt", padding=True)
    out = model.generate(**batch, max_new_tokens=6, do_sample=False)
    assert out.shape[0] == 2 and out.shape[1] > batch["input_ids"].shape[1]


def test_lora_trains_only_the_adapters(tiny_cache: tuple[Path, object, list[str]]) -> None:
    model, _ = load_policy("tiny", lora=LoraConfig(r=4), cache_dir=tiny_cache[0],
                           warmup=SHORT)
    trainable = [name for name, p in model.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in name for name in trainable)
    assert {name.split(".")[-3] for name in trainable} == {"lora_A", "lora_B"}
    assert any(f"{m}.lora_A" in name for name in trainable for m in LoraConfig().target_modules)


@pytest.mark.parametrize(("kwargs", "error", "names"), [
    ({"name_or_path": "tiny", "dtype": "float64"}, ValueError, "float64"),
    ({"name_or_path": "tiny", "device": "gpu0"}, ValueError, "gpu0"),
    ({"name_or_path": "/no/such/model"}, FileNotFoundError, "/no/such/model"),
    ({"name_or_path": "smollm2", "warmup": WarmupConfig()}, ValueError, "smollm2"),
    ({"name_or_path": "tiny", "lora": LoraConfig(r=0)}, ValueError, "r must"),
])
def test_bad_arguments_are_named(kwargs: dict, error: type[Exception], names: str) -> None:
    with pytest.raises(error, match=names):
        load_policy(**kwargs)


def test_unreachable_hub_id_and_non_model_folder_fail_clearly(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ValueError, match="'some-org/no-such-model'.*Hub"):
        load_policy("some-org/no-such-model")
    with pytest.raises(ValueError, match="no config.json"):
        load_policy(str(tmp_path))


def test_bad_warm_up_settings_are_named() -> None:
    with pytest.raises(ValueError, match="hint_fraction"):
        load_tiny(warmup=WarmupConfig(hint_fraction=1.5))


def test_a_local_model_folder_loads(tiny_cache: tuple[Path, object, list[str]]) -> None:
    folder = tiny_cache_dir(SHORT, tiny_cache[0])
    model, tok = load_policy(str(folder))
    assert tok.decode(tok(CHAIN, add_special_tokens=False)["input_ids"]) == CHAIN
    for a, b in zip(model.parameters(), tiny_cache[1].parameters(), strict=True):
        assert torch.equal(a, b)
