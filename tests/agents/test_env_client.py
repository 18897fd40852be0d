"""The learner's env client stops, with what to do, where training would silently degrade.

A verifier that cannot run here (the code sandbox pointed at a Docker socket that does not
exist) would give every completion reward 0; an unknown env id should list guide-rl's ids. And
it grades any env through the env protocol: ``grade_batch`` where the env has it, else ``step``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import guide_envs
from agents.env_client import EnvClient
from verifiers import Verdict, VerifierPool

REPO_ROOT = Path(__file__).resolve().parents[2]
MBPP = {  # google-research mbpp.jsonl, task 2
    "text": "Write a function to find the similar elements from the given two tuple lists.",
    "code": "def similar_elements(test_tup1, test_tup2):\n  res = tuple(set(test_tup1) & "
            "set(test_tup2))\n  return (res) ",
    "task_id": 2, "test_setup_code": "",
    "test_list": ["assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
                  "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
                  "assert similar_elements((11, 12, 14, 13),(17, 15, 14, 13)) == (13, 14)"],
    "challenge_test_list": [],
}


def test_grading_with_a_sandbox_that_cannot_start_stops_with_what_to_install(
        tmp_path: Path) -> None:
    data = tmp_path / "mbpp.jsonl"
    data.write_text(json.dumps(MBPP) + "\n")
    solution = "```python\n" + MBPP["code"] + "\n```"
    script = textwrap.dedent(f"""
        from agents.env_client import EnvClient, VerifierUnavailableError
        from verifiers.code import CodeVerifier
        client = EnvClient("guide/Code-v0", {{"source": "mbpp", "path": {str(data)!r},
                           "verifier": CodeVerifier(backend="docker")}}, workers=1)
        try:
            client.grade(["mbpp/2"], [{solution!r}])
        except VerifierUnavailableError as exc:
            print("STOPPED", exc)
        finally:
            client.close()
    """)
    # A fresh process: the verifier's workers take DOCKER_HOST from their environment.
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no-docker-here.sock",
               PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    stopped = next(x for x in done.stdout.splitlines() if x.startswith("STOPPED"))
    assert "every reward would be 0" in stopped
    assert "sandbox unavailable" in stopped and "install bubblewrap" in stopped


def test_an_unknown_env_id_lists_guide_rl_ids() -> None:
    with pytest.raises(ValueError, match=r"cannot make env 'guide/Mth-v0'.*did you mean "
                                         r"'guide/Math-v0'.*guide/Code-v0"):
        EnvClient("guide/Mth-v0")


def _reversed(problem_id: str, completion: str) -> Verdict:
    if completion == problem_id[::-1]:
        return Verdict.right(completion)
    return Verdict.incorrect(completion, "not the id reversed")


class Reverse(gym.Env[str, str]):
    """A third-party env with the basic protocol: the answer is the problem id reversed."""

    observation_space = action_space = guide_envs.UnicodeText(100)

    def __init__(self) -> None:
        self.steps = self.batches = 0
        self._problem_id = ""

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        super().reset(seed=seed)
        self._problem_id = (options or {}).get("problem_id") or "abc"
        return f"Reverse {self._problem_id}", {"problem_id": self._problem_id}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        self.steps += 1
        verdict = _reversed(self._problem_id, action)
        return "", verdict.score, True, False, {"verdict": verdict.to_dict(timing=False)}


class ReverseInBatches(Reverse):
    """The same env, grading batches by problem id as well."""

    def grade_batch(self, problem_ids: Sequence[str], completions: Sequence[str],
                    pool: VerifierPool | None = None) -> list[Verdict]:
        self.batches += 1
        return [_reversed(p, c) for p, c in zip(problem_ids, completions, strict=True)]


gym.register("test/Reverse-v0", entry_point=Reverse)
gym.register("test/ReverseInBatches-v0", entry_point=ReverseInBatches)


@pytest.mark.parametrize(("env_id", "steps", "batches"),
                         [("test/Reverse-v0", 3, 0), ("test/ReverseInBatches-v0", 0, 1)])
def test_an_env_is_graded_by_grade_batch_when_it_has_one_else_by_step(
        env_id: str, steps: int, batches: int) -> None:
    client = EnvClient(env_id, workers=1)
    grades = client.grade(["abc", "xy", "abc"], ["cba", "xy", "no"])
    assert [(g.reward, g.correct, g.status) for g in grades] == [
        (1.0, True, "correct"), (0.0, False, "incorrect"), (0.0, False, "incorrect")]
    assert (client.env.unwrapped.steps, client.env.unwrapped.batches) == (steps, batches)
    client.close()
