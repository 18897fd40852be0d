"""A code problem whose sandbox cannot start fails loudly, once, with a status a learner can test:
the helpers of those checks (test_env.py, integrations/test_trl.py, integrations/test_verl.py).

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
