"""FSDP2 on 2 CPU processes (gloo): one update equals the 1-process update on the same global
batch, for Guide-GRPO (replicated and sharded) and Guide-PPO with its critic; a checkpoint
saved on 2 ranks resumes on 2 and on 1 and takes the same next step as the uninterrupted run."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from agents.distributed import Dist
from agents.sharding import ShardConfig, prepare

SCRIPT = Path(__file__).with_name("_sharded_update.py")
_PORTS = itertools.count(29700)


def _torchrun(processes: int, *argv: str) -> None:
    env = dict(os.environ, OMP_NUM_THREADS="1", MASTER_ADDR="127.0.0.1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(processes),
           "--master_port", str(next(_PORTS)), str(SCRIPT), *argv]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env,
                          check=False)
    assert done.returncode == 0, done.stderr[-4000:]


def _update(tmp: Path, processes: int, learner: str, shard: str,
            length_norm: str) -> tuple[dict, dict]:
    out = tmp / f"{learner}-{shard}-{processes}"
    out.mkdir()
    _torchrun(processes, "update", str(out), learner, shard, length_norm)
    weights = torch.load(out / "weights.pt", weights_only=True)
    return weights, json.loads((out / "weights.json").read_text())


@pytest.mark.parametrize(("learner", "shard", "length_norm"), [
    ("grpo", "none", "sample"), ("grpo", "fsdp", "token"), ("ppo", "fsdp", "token")])
def test_two_ranks_update_like_one_process(tmp_path: Path, learner: str, shard: str,
                                           length_norm: str) -> None:
    one, m_one = _update(tmp_path, 1, learner, shard, length_norm)
    two, m_two = _update(tmp_path, 2, learner, shard, length_norm)
    assert one.keys() == two.keys()
    if learner == "ppo":
        assert "critic.head.weight" in two
    for key in one:
        torch.testing.assert_close(one[key], two[key], atol=1e-6, rtol=1e-5)
    initial = _initial_weights()
    moved = sum(not torch.allclose(one[k], initial[k]) for k in initial)
    assert moved > len(initial) // 2  # the update moved most tensors: the check has teeth
    keys = ("losses/policy_loss", "losses/value_loss") if learner == "ppo" else (
        "losses/loss", "losses/gamma")
    for key in (*keys, "losses/grad_norm"):
        assert m_one[key] == pytest.approx(m_two[key], rel=1e-5, abs=1e-7), key


def _initial_weights() -> dict[str, torch.Tensor]:
    sys.path.insert(0, str(SCRIPT.parent))
    from _tiny_parts import tiny_qwen

    from agents.tiny import tiny_tokenizer

    return {f"policy.{k}": v for k, v in tiny_qwen(tiny_tokenizer()).state_dict().items()}


def test_a_checkpoint_from_two_ranks_resumes_on_two_and_on_one(tmp_path: Path) -> None:
    _torchrun(2, "save", str(tmp_path), "fsdp")
    _torchrun(2, "resume", str(tmp_path), "fsdp")
    _torchrun(1, "resume", str(tmp_path), "fsdp")
    uninterrupted = torch.load(tmp_path / "uninterrupted.pt", weights_only=True)
    for world in (2, 1):
        resumed = torch.load(tmp_path / f"resumed_on_{world}.pt", weights_only=True)
        assert resumed.keys() == uninterrupted.keys()
        for key in uninterrupted:
            torch.testing.assert_close(resumed[key], uninterrupted[key], atol=1e-6, rtol=1e-5)


def test_one_rank_is_left_as_it_is_and_bad_configs_name_the_field() -> None:
    module = torch.nn.Linear(2, 2)
    assert prepare(module, Dist(), ShardConfig("fsdp")) is module
    assert type(module) is torch.nn.Linear
    with pytest.raises(ValueError, match="cpu_offload needs strategy 'fsdp'"):
        ShardConfig("none", cpu_offload=True).validate()
    with pytest.raises(ValueError, match="strategy must be one of"):
        ShardConfig("zero3").validate()  # type: ignore[arg-type]
