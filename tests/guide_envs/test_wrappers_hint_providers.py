"""HintOnFailure wraps an env with every hint provider, the leak guard and the teacher included.

Gymnasium records a wrapper's constructor arguments (``RecordConstructorArgs``); the wrapper must
not deep-copy providers that hold locks, clients or verifiers. The teacher is tested against an
unreachable endpoint and against a real local OpenAI-compatible HTTP server.
"""

from __future__ import annotations

import copy
import json
import pickle
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import guide_envs
from guide_envs.hints import (
    FieldHint,
    FirstAvailable,
    GuardedHint,
    HintProvider,
    LeakGuard,
    SolutionPrefixHint,
    TeacherHint,
    precompute,
    with_hints,
)
from guide_envs.sources import make_source
from guide_envs.wrappers import HintOnFailure

gym.register_envs(guide_envs)

KWARGS = {"families": ["arithmetic"], "difficulty": 2}
PROBLEM_ID = "arithmetic/d2/s0/0"
WRONG = "I think it is \\boxed{123456789}."
UNREACHABLE = "http://127.0.0.1:9/v1"  # the discard port: nothing listens there


def _episode(env: HintOnFailure) -> tuple[float, bool, dict[str, Any], str]:
    """A failed first attempt on PROBLEM_ID: (reward, terminated, info, observation)."""
    env.reset(seed=0, options={"problem_id": PROBLEM_ID})
    obs, reward, terminated, _, info = env.step(WRONG)
    return float(reward), terminated, info, obs


def _math_env() -> gym.Env[str, str]:
    return gym.make("guide/Math-v0", **KWARGS)


MODEL_FREE = {
    "field": lambda: FieldHint(),
    "solution_prefix": lambda: SolutionPrefixHint(0.5),
    "first_available": lambda: FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)),
    "guarded_solution_prefix": lambda: GuardedHint(SolutionPrefixHint(0.5), LeakGuard()),
    "guarded_first_available": lambda: GuardedHint(
        FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)), LeakGuard("reject")),
}


@pytest.mark.parametrize("name", list(MODEL_FREE))
def test_hint_on_failure_wraps_every_model_free_provider(name: str) -> None:
    provider = MODEL_FREE[name]()
    env = HintOnFailure(_math_env(), provider)
    reward, terminated, info, obs = _episode(env)
    assert (reward, terminated, info["guided"]) == (0.0, False, True)
    problem = env.unwrapped.problem
    assert info["hint"] == provider.hint(problem) and info["hint"] in obs
    assert problem.answer not in info["hint"]
    assert env.spec is not None and env.spec.additional_wrappers[-1].kwargs["provider"] is provider
    env.close()


def test_the_readme_composition_wraps_and_guides() -> None:
    guard = LeakGuard()
    env = HintOnFailure(_math_env(), GuardedHint(SolutionPrefixHint(0.5), guard))
    _, terminated, info, _ = _episode(env)
    assert not terminated and info["guided"] and guard.stats.checked == 1
    obs, reward, terminated, _, info = env.step(env.unwrapped.problem.solution or "")
    assert (float(reward), terminated, info["guided_attempt"]) == (1.0, True, True)


@pytest.mark.parametrize("name", ["guarded_solution_prefix", "guarded_first_available"])
def test_guarded_providers_copy_and_pickle(name: str) -> None:
    provider = MODEL_FREE[name]()
    problem = make_source("procedural", **KWARGS).find(PROBLEM_ID)
    expected = provider.hint(problem)
    for twin in (copy.deepcopy(provider), pickle.loads(pickle.dumps(provider))):
        assert isinstance(twin, HintProvider) and twin is not provider
        assert twin.hint(problem) == expected
        assert twin.guard.stats.checked == 2  # its own counters, carried over then advanced


def test_teacher_at_an_unreachable_endpoint_wraps_and_ends_unguided(tmp_path: Path) -> None:
    teacher = TeacherHint("teach", UNREACHABLE, cache_dir=tmp_path, max_retries=0,
                          timeout_s=5)
    env = HintOnFailure(_math_env(), GuardedHint(teacher, LeakGuard()))
    reward, terminated, info, _ = _episode(env)
    assert (reward, terminated, info["guided"]) == (0.0, True, False)  # no hint: episode ends
    assert teacher.stats.as_dict() == {"requests": 1, "cached": 0, "retries": 0, "failed": 1}
    twin = pickle.loads(pickle.dumps(teacher))
    assert (twin.model, twin.base_url, twin.cache_dir) == ("teach", UNREACHABLE, tmp_path)
    assert copy.deepcopy(teacher).stats.failed == 1


class _Teacher(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible chat endpoint that always gives the same hint."""

    def do_POST(self) -> None:  # noqa: N802 - the http.server method name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                 "choices": [{"index": 0, "finish_reason": "stop", "message": {
                     "role": "assistant", "content": "Work inside the parentheses first."}}],
                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def teacher_url() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Teacher)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_teacher_hints_reach_the_guided_prompt(teacher_url: str) -> None:
    teacher = TeacherHint("teach", teacher_url, cache_dir=None, max_retries=0)
    env = HintOnFailure(_math_env(), GuardedHint(teacher, LeakGuard()))
    _, terminated, info, obs = _episode(env)
    assert not terminated and info["hint"] == "Work inside the parentheses first."
    assert "Work inside the parentheses first." in obs and teacher.stats.requests == 1


def test_precomputed_hint_files_wrap_with_the_guard(tmp_path: Path) -> None:
    out = tmp_path / "hints.jsonl"
    assert precompute.main(["--source", "procedural", "--source-kwargs", json.dumps(KWARGS),
                            "--provider", "solution", "--limit", "3", "--no-progress",
                            "--out", str(out)]) == 0
    source = with_hints(make_source("procedural", **KWARGS), out)
    written = json.loads(out.read_text().splitlines()[0])
    assert written["id"] == PROBLEM_ID and written["hint"]
    env = HintOnFailure(gym.make("guide/Math-v0", source=source),
                        GuardedHint(FieldHint(), LeakGuard()))
    _, terminated, info, obs = _episode(env)
    assert not terminated and info["hint"] == written["hint"] and written["hint"] in obs
