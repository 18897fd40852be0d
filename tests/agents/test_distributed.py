"""Data parallel: one update on two processes equals one update on one, same global batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).with_name("_dp_update.py")


def _update(tmp: Path, processes: int, length_norm: str) -> tuple[dict, dict]:
    out = tmp / f"p{processes}"
    out.mkdir()
    env = dict(os.environ, OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(processes),
           "--master_port", str(29500 + processes + (length_norm == "token") * 10),
           str(SCRIPT), str(out), length_norm]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    weights = torch.load(out / "weights.pt", weights_only=True)
    return weights, json.loads((out / "metrics.json").read_text())


@pytest.mark.parametrize("length_norm", ["sample", "token"])
def test_two_processes_update_like_one(tmp_path: Path, length_norm: str) -> None:
    one, m_one = _update(tmp_path, 1, length_norm)
    two, m_two = _update(tmp_path, 2, length_norm)
    for key in one:
        torch.testing.assert_close(one[key], two[key], atol=1e-6, rtol=1e-5)
    for key in ("losses/loss", "losses/gamma", "losses/grad_norm"):
        assert m_one[key] == pytest.approx(m_two[key], rel=1e-5, abs=1e-7), key
