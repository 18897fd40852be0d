"""A code problem whose sandbox cannot start fails loudly, once, with a status a learner can test.

The sandbox is made unavailable for real: the Docker backend pointed at a socket that does not
exist (``DOCKER_HOST``). Each check runs in a fresh Python process, because the warning is
once per process and the verifier's worker processes take their environment when they start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
MBPP = {  # google-research mbpp.jsonl, task 2
    "text": "Write a function to find the similar elements from the given two tuple lists.",
    "code": "def similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & "
            "set(test_tup2))\r\n  return (res) ",
    "task_id": 2, "test_setup_code": "",
    "test_list": ["assert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)",
                  "assert similar_elements((1, 2, 3, 4),(5, 4, 3, 7)) == (3, 4)",
                  "assert similar_elements((11, 12, 14, 13),(17, 15, 14, 13)) == (13, 14)"],
    "challenge_test_list": [],
}
SOLUTION = "```python\n" + MBPP["code"].replace("\r\n", "\n") + "\n```"
PRELUDE = """
import json, sys, warnings
warnings.simplefilter("always")
import gymnasium as gym
import guide_envs
import verifiers
from verifiers.code import CodeVerifier
DATA, SOLUTION = sys.argv[1], sys.argv[2]
caught = warnings.catch_warnings(record=True)
seen = caught.__enter__()
warnings.simplefilter("always")

def finish(result):
    result["warnings"] = [str(w.message) for w in seen
                          if issubclass(w.category, verifiers.VerifierUnavailableWarning)]
    print("RESULT " + json.dumps(result))
"""


def _run(body: str, tmp_path: Path) -> dict[str, Any]:
    data = tmp_path / "mbpp.jsonl"
    data.write_text(json.dumps(MBPP) + "\n")
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/no-docker-here.sock",
               PYTHONPATH=str(REPO_ROOT))
    script = PRELUDE + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script, str(data), SOLUTION], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def _check_warning(warnings: list[str], where: str) -> None:
    assert len(warnings) == 1, warnings  # once, however many responses were graded
    assert where in warnings[0] and "sandbox unavailable" in warnings[0]
    assert "install bubblewrap" in warnings[0] and "Docker daemon not reachable" in warnings[0]


def test_env_step_warns_once_and_marks_the_verdict_unavailable(tmp_path: Path) -> None:
    result = _run("""
        env = gym.make("guide/Code-v0", source="mbpp", path=DATA,
                       verifier=CodeVerifier(backend="docker"))
        steps = []
        for _ in range(3):
            env.reset(options={"problem_id": "mbpp/2"})
            _, reward, terminated, _, info = env.step(SOLUTION)
            steps.append([reward, terminated, info["verdict"]])
        finish({"steps": steps})
    """, tmp_path)
    for reward, terminated, verdict in result["steps"]:
        assert (reward, terminated, verdict["status"]) == (0.0, True, "unavailable")
        assert verdict["reason"].startswith("sandbox unavailable: sandbox.open('docker') failed")
    _check_warning(result["warnings"], "guide/Code-v0")


def test_trl_reward_warns_once_and_gives_none(tmp_path: Path) -> None:
    result = _run("""
        from guide_envs.integrations.trl import reward_function
        logged = {}
        with reward_function("guide/Code-v0", workers=1, source="mbpp", path=DATA,
                             verifier=CodeVerifier(backend="docker")) as reward:
            rewards = [reward(prompts=["q"] * 2, completions=[SOLUTION, "print(1)"],
                              completion_ids=[[1], [2]], problem_id=["mbpp/2"] * 2,
                              trainer_state=None, log_extra=logged.setdefault,
                              log_metric=lambda name, value: None)
                       for _ in range(2)]
        finish({"rewards": rewards, "logged": logged})
    """, tmp_path)
    assert result["rewards"] == [[None, None], [None, None]]
    assert result["logged"]["guide_code/status"] == ["unavailable", "unavailable"]
    _check_warning(result["warnings"], "reward guide_code")


def test_verl_score_warns_once_and_reports_the_status(tmp_path: Path) -> None:
    calls = 2
    result = _run(f"""
        from guide_envs.integrations.verl import compute_score
        verifiers.register("code-docker", lambda **kw: CodeVerifier(backend="docker", **kw))
        info = {{"verifier": "code-docker", "tests": {MBPP["test_list"]!r}, "index": 2}}
        scores = [compute_score(data_source="mbpp", solution_str=SOLUTION, ground_truth="",
                                extra_info=info) for _ in range({calls})]
        finish({{"scores": scores}})
    """, tmp_path)
    assert [s["status"] for s in result["scores"]] == ["unavailable"] * calls
    assert all(s["score"] == 0.0 and s["acc"] is False for s in result["scores"])
    _check_warning(result["warnings"], "verl.compute_score")
