"""``python -m agents.evaluate`` (agents/evaluate.py); pass@k and the gain decomposition are in
test_passk.py."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from agents.checkpoint import save_checkpoint
from agents.cli import field_docs
from agents.evaluate import Args, load_model, main, resolve_model, write_report
from agents.models import LoraConfig, load_policy
from agents.tiny import WarmupConfig

#: An evaluation small enough for a test: a 10-step warm-up, 4 problems x 4 samples.
SMALL = ["--tiny-warmup-steps", "10", "--problems", "4", "--n", "4", "--k", "1,2,4",
         "--max-new-tokens", "16", "--no-progress"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the tiny preset's cache out of the user's cache directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_help_documents_every_option() -> None:
    out = subprocess.run([sys.executable, "-m", "agents.evaluate", "--help"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    docs = field_docs(Args)
    for field in dataclasses.fields(Args):
        assert "--" + field.name.replace("_", "-") in out, field.name
        assert docs[field.name].split()[0] in out, field.name


@pytest.mark.parametrize(("argv", "message"), [
    (["--env", "guide/Nope-v0"], "cannot make env 'guide/Nope-v0'"),
    (["--model", "/no/such/model"], "/no/such/model"),
    (["--before", "./no/such/run"], "./no/such/run"),
    (["--n", "0"], "--n must be at least 1"),
    (["--k", "1,8"], "--k: 8 is more than --n (4)"),
    (["--k", "one"], "--k must be comma-separated integers"),
    (["--env-kwargs", "[1]"], "env kwargs must be a JSON object"),
    (["--temperature", "0"], "use --n 1"),
])
def test_bad_input_is_a_clear_error(argv: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SMALL, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_matplotlib_is_named_before_any_evaluation(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    assert main(SMALL) == 2
    assert "passk.png needs matplotlib" in capsys.readouterr().err


def test_resolve_model_understands_runs_and_checkpoints(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "final_model").mkdir(parents=True)
    (run / "final_model" / "config.json").write_text("{}")
    step = _checkpoint(run, torch.nn.Linear(2, 2))
    assert resolve_model("tiny") == ("tiny", None)
    assert resolve_model(str(run)) == (str(run / "final_model"), None)
    assert resolve_model(str(step)) == (str(run / "final_model"), step)
    with pytest.raises(ValueError, match="neither a model folder"):
        resolve_model(str(tmp_path))


def _checkpoint(run: Path, model: torch.nn.Module) -> Path:
    """A checkpoint of ``model`` at step 1 of ``run``, as a training run writes it."""
    optimizer = torch.optim.AdamW(model.parameters())
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: 1.0)
    return save_checkpoint(run / "checkpoints", 1, model=model, optimizer=optimizer,
                           scheduler=scheduler, state={})


def _fake_run(root: Path) -> Path:
    """A run directory whose final model and checkpoint are the 10-step tiny model."""
    model, tokenizer = load_policy("tiny", warmup=WarmupConfig(steps=10), progress=False)
    model.save_pretrained(root / "final_model")
    tokenizer.save_pretrained(root / "final_model")
    return _checkpoint(root, model)


def test_evaluate_before_and_after_writes_the_report(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    checkpoint = _fake_run(tmp_path / "run")
    out = tmp_path / "eval"
    assert main([*SMALL, "--before", str(checkpoint), "--output-dir", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "problems.jsonl").open()]
    assert len(rows) == 8 and {r["n"] for r in rows} == {4}
    assert set(rows[0]) == {"model", "problem_id", "n", "correct", "pass@1", "pass@2", "pass@4"}
    before = {r["problem_id"]: r["correct"] for r in rows if r["model"].startswith("before")}
    after = {r["problem_id"]: r["correct"] for r in rows if r["model"].startswith("after")}
    assert len(before) == 4 and before.keys() == after.keys()
    # The same weights with the same sampling seeds: the same counts, so nothing changes.
    assert before == after
    results = json.loads((out / "results.json").read_text())
    (decomposition,) = results["decompositions"].values()
    counts = decomposition["counts"]
    assert counts["self_distillation"] == counts["capability_gain"] == counts["lost"] == 0
    assert sum(counts.values()) == 4 and decomposition["k"] == 4
    assert set(results["pass@k"]["after: tiny"]) == {"pass@1", "pass@2", "pass@4"}
    report = (out / "report.md").read_text()
    assert "| after: tiny | 4 |" in report and "self-distillation" in report
    assert (out / "passk.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "report:" in capsys.readouterr().out


def test_write_report_compares_any_models(tmp_path: Path) -> None:
    results = {"base": {"a": 0, "b": 1, "c": 4}, "guide": {"a": 3, "b": 4, "c": 4},
               "grpo": {"a": 0, "b": 2, "c": 1}}
    summary = write_report(tmp_path, results, n=4, ks=[1, 4],
                           compare=[("base", "guide"), ("base", "grpo")], plot=False)
    assert summary["pass@k"]["guide"]["pass@1"] == pytest.approx(11 / 12)
    assert summary["decompositions"]["base -> guide"]["ids"]["capability_gain"] == ["a"]
    assert summary["decompositions"]["base -> guide"]["ids"]["self_distillation"] == ["b"]
    assert summary["decompositions"]["base -> grpo"]["ids"]["lost"] == ["c"]
    assert not (tmp_path / "passk.png").exists()
    assert "base -> grpo" in (tmp_path / "report.md").read_text()


def test_lora_runs_load_merged_from_the_adapter_and_from_a_checkpoint(tmp_path: Path) -> None:
    model, tokenizer = load_policy("tiny", warmup=WarmupConfig(steps=10), progress=False,
                                   lora=LoraConfig(r=2))
    with torch.no_grad():  # a trained adapter: lora_B starts at zero, which would change nothing
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    final = tmp_path / "run" / "final_model"
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    step = _checkpoint(tmp_path / "run", model)
    ids = torch.tensor([tokenizer("Q:2*3 S:")["input_ids"]])
    with torch.no_grad():
        expected = model(ids).logits
        for spec in (tmp_path / "run", step):
            loaded, _ = load_model(str(spec), progress=False)
            assert "lora" not in " ".join(n for n, _ in loaded.named_parameters())
            torch.testing.assert_close(loaded(ids).logits, expected, rtol=1e-3, atol=1e-3)
