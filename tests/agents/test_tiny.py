"""The tiny preset (agents/tiny.py: tokenizer, config, warm-up, cache), on real models;
``load_policy`` of it is in test_models.py."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from _tiny_cache import CHAIN, SHORT, _load_logged

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


def test_bad_warm_up_settings_are_named() -> None:
    with pytest.raises(ValueError, match="hint_fraction"):
        load_tiny(warmup=WarmupConfig(hint_fraction=1.5))
