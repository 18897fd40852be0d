"""Guide-GRPO (agents/guide_grpo.py) on a real dataset file: hints found (--hint), held-out
problems never trained on, samples saved, and guidance that cannot guide said loudly."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from _datasets import AIME, GOLDS, GSM8K, QUESTIONS, _argv, _samples

from agents.guidance import GuidanceWarning
from agents.guide_grpo import main as grpo_main
from verifiers.math import verify_answer


@pytest.fixture(scope="module")
def gsm8k_run(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two steps of Guide-GRPO on the GSM8K file with --hint auto (the default)."""
    out = tmp_path_factory.mktemp("gsm8k_run")
    kwargs = {"source": "gsm8k", "data_files": str(GSM8K)}
    assert grpo_main(_argv(model_dir, out, kwargs, "--steps", "2")) == 0
    return out


def test_guide_on_gsm8k_guides_with_hints_that_never_state_the_gold(gsm8k_run: Path) -> None:
    metrics = [json.loads(line) for line in (gsm8k_run / "metrics.jsonl").read_text().splitlines()]
    steps = [m for m in metrics if "charts/hints_found" in m]
    # an untrained model fails every GSM8K problem, so every group asks for a hint, and GSM8K's
    # worked solutions give one for every problem with two or more steps
    assert all(m["charts/hints_requested"] == 4 for m in steps)
    assert sum(m["charts/hints_found"] for m in steps) > 0
    assert any(m["charts/guided_fraction"] > 0 for m in steps)
    guided = [s for s in _samples(gsm8k_run) if s["phase"] == "train" and s["guided"]]
    assert guided and all(s["hint"] for s in guided)
    for sample in guided:
        gold, hint = GOLDS[sample["problem_id"]], sample["hint"]
        assert not re.search(rf"(?<![\d.]){re.escape(gold)}(?![\d]|\.\d)",
                             hint.replace(",", "")), (gold, hint)
        assert not verify_answer(hint, gold).correct, (gold, hint)
        assert "<<" not in hint  # GSM8K's calculator annotations are not part of a hint


def test_no_evaluated_problem_was_trained_on(gsm8k_run: Path) -> None:
    samples = _samples(gsm8k_run)
    trained = {s["problem_id"] for s in samples if s["phase"] == "train"}
    evaluated = {s["problem_id"] for s in samples if s["phase"] == "eval"}
    assert trained and evaluated and not trained & evaluated
    summary = json.loads((gsm8k_run / "summary.json").read_text())
    assert summary["steps"] == 2


def test_samples_hold_what_a_person_needs_to_diagnose_a_run(gsm8k_run: Path) -> None:
    samples = _samples(gsm8k_run)
    keys = {"step", "phase", "problem_id", "prompt", "completion", "reward", "status", "reason",
            "guided", "hint"}
    assert all(keys <= set(s) for s in samples)
    train = [s for s in samples if s["phase"] == "train"]
    assert {s["step"] for s in train} == {1, 2}  # --sample-interval 1: every step
    assert len(train) == 2 * 4 * 2  # steps x prompts x group size
    assert all(QUESTIONS[s["problem_id"]] in s["prompt"] for s in train)
    evals = [s for s in samples if s["phase"] == "eval"]
    assert {s["step"] for s in evals} == {0, 2} and len(evals) == 2 * 4  # before and after
    assert all(s["status"] in {"correct", "incorrect", "no_answer", "unparsable"} for s in samples)
    assert all(s["reason"] for s in samples if s["status"] != "correct")


def test_guide_with_no_hints_anywhere_says_it_is_plain_grpo(model_dir: Path,
                                                            tmp_path: Path) -> None:
    """AIME rows have worked solutions, but --hint field asks for a hint column they lack."""
    kwargs = {"source": "aime24", "data_files": str(AIME)}
    argv = _argv(model_dir, tmp_path / "run", kwargs, "--steps", "1", "--hint", "field",
                 "--eval-split", "0.5", "--eval-problems", "1")
    with pytest.warns(GuidanceWarning, match="Guide will run as plain GRPO"):
        assert grpo_main(argv) == 0


def test_ten_hintless_steps_warn_during_the_run(model_dir: Path, tmp_path: Path) -> None:
    kwargs = {"source": "aime24", "data_files": str(AIME)}
    argv = _argv(model_dir, tmp_path / "run", kwargs, "--steps", "10", "--hint", "field",
                 "--prompts-per-step", "1", "--max-new-tokens", "1", "--eval-problems", "1",
                 "--eval-split", "0.5", "--sample-interval", "0")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert grpo_main(argv) == 0
    messages = [str(w.message) for w in caught if issubclass(w.category, GuidanceWarning)]
    assert any("10 steps in a row asked for hints and found none" in m for m in messages)
    assert not (tmp_path / "run" / "samples.jsonl").read_text().count('"phase": "train"')


def test_guide_with_hint_none_is_refused(model_dir: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    argv = _argv(model_dir, tmp_path / "run", {"source": "gsm8k", "data_files": str(GSM8K)},
                 "--steps", "1", "--hint", "none")
    assert grpo_main(argv) == 2
    assert "--algo grpo" in capsys.readouterr().err
