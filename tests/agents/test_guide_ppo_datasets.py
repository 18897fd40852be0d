"""Guide-PPO (agents/guide_ppo.py) on a real dataset file: the same hints as Guide-GRPO's
(test_guide_grpo_datasets.py), samples saved."""

from __future__ import annotations

from pathlib import Path

from _datasets import GSM8K, _argv, _samples

from agents.guide_ppo import main as ppo_main


def test_guide_ppo_takes_the_same_hints_and_saves_samples(model_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ppo"
    argv = _argv(model_dir, out, {"source": "gsm8k", "data_files": str(GSM8K)}, "--steps", "1",
                 "--hint", "solution-prefix:0.5")
    assert ppo_main(argv) == 0
    guided = [s for s in _samples(out) if s["phase"] == "train" and s["guided"]]
    assert guided and all(s["hint"] for s in guided)
