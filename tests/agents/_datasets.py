"""The dataset files the learner tests run on (tests/data: GSM8K, AIME), their golds, and the
command line and the samples of a short run on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"
GSM8K = DATA / "gsm8k_test.jsonl"
AIME = DATA / "aime24.jsonl"


def _gold(row: dict[str, Any]) -> str:
    """GSM8K's gold as its README defines it: the text after the last '#### ', commas dropped."""
    return row["answer"].rsplit("#### ", 1)[1].strip().replace(",", "")


ROWS = {f"gsm8k/{i}": json.loads(line) for i, line in enumerate(GSM8K.read_text().splitlines())}
GOLDS = {pid: _gold(row) for pid, row in ROWS.items()}
QUESTIONS = {pid: row["question"] for pid, row in ROWS.items()}


def _argv(model: Path, out: Path, env_kwargs: dict[str, Any], *extra: str) -> list[str]:
    return ["--model", str(model), "--env-kwargs", json.dumps(env_kwargs),
            "--prompts-per-step", "4", "--group-size", "2", "--max-new-tokens", "6",
            "--max-prompt-tokens", "4096", "--eval-problems", "4", "--eval-split", "0.3",
            "--sample-interval", "1", "--no-progress", "--no-tensorboard",
            "--output-dir", str(out), *extra]


def _samples(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "samples.jsonl").read_text().splitlines()]
