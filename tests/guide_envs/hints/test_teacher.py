"""The teacher client against a real local OpenAI-compatible HTTP server (``server``, conftest.py):
retries, failures, concurrency, the disk cache, argument errors."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guide_envs.hints import TeacherHint
from guide_envs.problem import Problem
from guide_envs.sources import make_source

from ._teacher_server import TeacherServer

REPO_ROOT = Path(__file__).resolve().parents[3]


def problems(n: int = 6) -> list[Problem]:
    source = make_source("procedural", families="arithmetic", difficulty=1, size=n)
    return [source[i] for i in range(n)]


def test_teacher_asks_with_the_problem_and_the_private_solution(server: TeacherServer,
                                                                tmp_path: Path) -> None:
    teacher = TeacherHint("teach-a", server.base_url, cache_dir=tmp_path)
    problem = problems(1)[0]
    content = teacher.messages(problem)[0]["content"]
    assert problem.prompt in content and (problem.solution or "") in content
    assert "Do NOT state the final answer" in content
    hint = teacher.hint(problem)
    assert hint is not None and hint.startswith("Hint ") and "teach-a" in hint
    assert server.calls == 1 and teacher.stats.requests == 1


def test_teacher_retries_500_and_429_with_backoff(server: TeacherServer, tmp_path: Path) -> None:
    server.fail_statuses = [500, 429, 503]
    teacher = TeacherHint("teach-a", server.base_url, cache_dir=None, max_retries=3,
                          backoff_s=0.05)
    started = time.perf_counter()
    assert teacher.hint(problems(1)[0]) is not None
    assert time.perf_counter() - started >= 0.05 + 0.1 + 0.2  # doubled waits
    assert server.calls == 4
    assert teacher.stats.as_dict() == {"requests": 4, "cached": 0, "retries": 3, "failed": 0}


def test_teacher_failure_gives_none_and_a_warning(server: TeacherServer,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    server.fail_statuses = [500] * 3
    teacher = TeacherHint("teach-a", server.base_url, cache_dir=None, max_retries=2,
                          backoff_s=0.0)
    with caplog.at_level(logging.WARNING, logger="guide_envs.hints.teacher"):
        assert teacher.hint(problems(1)[0]) is None
    assert "teacher teach-a gave no hint for arithmetic/d1/s0/0" in caplog.text
    assert server.calls == 3 and teacher.stats.failed == 1 and teacher.stats.retries == 2
    server.fail_statuses = [400]  # not retryable: one request, then None
    assert teacher.hint(problems(1)[0]) is None
    assert server.calls == 4 and teacher.stats.failed == 2


def test_teacher_unreachable_endpoint_gives_none() -> None:
    teacher = TeacherHint("teach-a", "http://127.0.0.1:9/v1", cache_dir=None, max_retries=1,
                          backoff_s=0.0, timeout_s=2.0)
    assert teacher.hint(problems(1)[0]) is None
    assert teacher.stats.as_dict() == {"requests": 2, "cached": 0, "retries": 1, "failed": 1}


def test_hint_many_keeps_order_and_limits_concurrency(tmp_path: Path) -> None:
    srv = TeacherServer(delay_s=0.15)
    srv.thread.start()
    try:
        items = problems(9)
        teacher = TeacherHint("teach-a", srv.base_url, cache_dir=None, concurrency=3)
        hints = teacher.hint_many(items, progress=False)
        assert srv.max_in_flight == 3 and srv.calls == 9
        assert hints == [teacher.hint(p) for p in items]  # each hint is its own problem's
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def test_disk_cache_survives_a_new_client_and_keys_on_the_model(server: TeacherServer,
                                                                tmp_path: Path) -> None:
    items = problems(4)
    first = TeacherHint("teach-a", server.base_url, cache_dir=tmp_path).hint_many(
        items, progress=False)
    assert server.calls == 4 and len(list(tmp_path.glob("*.json"))) == 4
    again = TeacherHint("teach-a", server.base_url, cache_dir=tmp_path)
    assert again.hint_many(items, progress=False) == first
    assert server.calls == 4 and again.stats.cached == 4 and again.stats.requests == 0
    other = TeacherHint("teach-b", server.base_url, cache_dir=tmp_path)
    assert other.hint_many(items, progress=False) != first
    assert server.calls == 8
    reworded = TeacherHint("teach-a", server.base_url, cache_dir=tmp_path,
                           prompt="Hint for: {problem}{reference}")
    reworded.hint(items[0])
    assert server.calls == 9
    assert not list(tmp_path.glob(".tmp-*"))  # atomic writes leave no temporary files


def test_teacher_argument_errors_name_the_value() -> None:
    with pytest.raises(ValueError, match="'ftp://x'"):
        TeacherHint("m", "ftp://x")
    with pytest.raises(ValueError, match="concurrency.*0"):
        TeacherHint("m", "http://x/v1", concurrency=0)
    with pytest.raises(ValueError, match="max_retries.*-1"):
        TeacherHint("m", "http://x/v1", max_retries=-1)


def test_teacher_without_openai_names_the_extra() -> None:
    code = ("import sys; sys.modules['openai'] = None\n"
            "from guide_envs.hints import TeacherHint\n"
            "TeacherHint('m', 'http://localhost:1/v1')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO_ROOT, timeout=60)
    assert result.returncode != 0
    assert 'pip install "guide-rl[teacher]"' in result.stderr
