r"""Hint providers, the leak guard, the teacher client against a real local HTTP server, and
the precompute command end to end."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from guide_envs.hints import (
    REDACTED,
    FieldHint,
    FirstAvailable,
    GuardedHint,
    HintProvider,
    LeakGuard,
    SolutionPrefixHint,
    TeacherHint,
    read_hints,
    solution_steps,
    with_hints,
)
from guide_envs.problem import Problem
from guide_envs.sources import make_source
from verifiers.math import last_boxed

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_KWARGS = {"families": ["arithmetic", "fractions"], "difficulty": 2, "size": 6}


def math(answer: str, **kwargs: Any) -> Problem:
    return Problem(id=kwargs.pop("id", "m"), domain="math",
                   prompt=kwargs.pop("prompt", "Solve it."), answer=answer, **kwargs)


def science(answer: str, choices: tuple[str, ...] = ()) -> Problem:
    return Problem(id="s", domain="science", prompt="Which one?", answer=answer,
                   choices=choices)


SKY = science("C", ("red", "green", "blue"))


# --- providers -------------------------------------------------------------------------------


def test_field_hint_reads_the_problem_field() -> None:
    procedural = make_source("procedural", families="arithmetic", size=3)[0]
    assert FieldHint().hint(procedural) == procedural.hint is not None
    assert FieldHint().hint(math("2", hint="  ")) is None
    assert FieldHint().hint(math("2")) is None
    assert isinstance(FieldHint(), HintProvider)


def test_solution_prefix_drops_the_final_answer_and_keeps_a_fraction() -> None:
    problem = make_source("procedural", families="arithmetic", difficulty=2, size=1)[0]
    steps = solution_steps(problem.solution or "")
    assert len(steps) == 4 and not any("boxed" in s or "answer" in s for s in steps)
    assert SolutionPrefixHint(0.5).hint(problem) == "\n".join(steps[:2])
    assert SolutionPrefixHint(0.99).hint(problem) == "\n".join(steps[:3])
    assert SolutionPrefixHint(0.2).hint(problem) is None  # floor(0.8) steps: nothing left
    only_answer = math("4", solution="The answer is $\\boxed{4}$.")
    assert SolutionPrefixHint(0.9).hint(only_answer) is None
    assert SolutionPrefixHint().hint(math("4")) is None


def test_solution_steps_split_sentences_but_not_inside_math() -> None:
    text = "First, note $a = 1. B$ holds. Then add. Final answer: 3"
    assert solution_steps(text) == ["First, note $a = 1. B$ holds.", "Then add."]


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.5"])
def test_solution_prefix_rejects_bad_fractions(fraction: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(fraction))):
        SolutionPrefixHint(fraction)


def test_first_available_takes_the_first_hint() -> None:
    problem = math("2", solution="Add one.\nAdd one more.\nThe answer is 2.")
    assert FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)).hint(problem) == "Add one."
    with_field = math("2", hint="Count.", solution=problem.solution)
    assert FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)).hint(with_field) == "Count."
    assert FirstAvailable(FieldHint()).hint(math("2")) is None
    with pytest.raises(ValueError, match="at least one"):
        FirstAvailable()
    with pytest.raises(TypeError, match="'nope'"):
        FirstAvailable(FieldHint(), "nope")  # type: ignore[arg-type]  # the error under test


# --- leak guard ------------------------------------------------------------------------------

LEAKS = [
    ("It comes to 0.5 in the end.", math(r"\frac{1}{2}"), "It comes to […] in the end."),
    ("Take half, i.e. 1/2 of it.", math(r"\frac{1}{2}"), "Take half, i.e. […] of it."),
    # the math verifier reads 50% as 0.5, so a percentage states a fractional answer
    ("That is 50\\% of the whole.", math(r"\frac12"), "That is […] of the whole."),
    ("So x = 3 at the end.", math("3"), "So x = […] at the end."),
    ("So $x = 3$ at the end.", math("3"), "So $x = […]$ at the end."),
    ("Thus $\\boxed{7}$ it is.", math("7"), "Thus $[…]$ it is."),
    ("Box it: \\boxed{-4}.", math("-4"), "Box it: \\boxed{[…]}."),
    ("Write \\frac{31}{323} now.", math(r"\frac{31}{323}"), "Write […] now."),
    ("It simplifies to $\\sqrt{2}/2$.", math(r"\frac{\sqrt2}{2}"), "It simplifies to $[…]$."),
    ("Reduce to sqrt(2)/2 first.", math(r"\frac{\sqrt2}{2}"), "Reduce to […] first."),
    ("The rod is 100 cm long.", science("1 m"), "The rod is […] long."),
    ("The rod is $100\\,\\text{cm}$ long.", science("1 m"), "The rod is $[…]$ long."),
    ("Then $3822 + 92 = 3914$.", math("3914"), "Then $[…] = […]$."),
    ("So $z = -18$ or $z = -7$.", math("-18, -7"), "So $z = […]$ or $z = […]$."),
    ("The answer is (C).", SKY, "The answer is ([…])."),
    ("Rayleigh scattering makes it look Blue.", SKY, "Rayleigh scattering makes it look […]."),
]


@pytest.mark.parametrize(("hint", "problem", "redacted"), LEAKS)
def test_leaks_are_redacted(hint: str, problem: Problem, redacted: str,
                            caplog: pytest.LogCaptureFixture) -> None:
    guard = LeakGuard()
    with caplog.at_level(logging.WARNING, logger="guide_envs.hints.leak"):
        assert guard.check(hint, problem) == redacted
    assert "states the answer" in caplog.text
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 1, "redacted": 1, "rejected": 0}


@pytest.mark.parametrize(("hint", "problem", "redacted"), LEAKS[:4])
def test_reject_mode_drops_leaking_hints(hint: str, problem: Problem, redacted: str) -> None:
    guard = LeakGuard("reject")
    assert guard.check(hint, problem) is None
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 1, "redacted": 0, "rejected": 1}


SAFE = [
    ("Start from 2 and 7, then add 11.", math("3")),
    ("Multiply 820 by 185, then divide by a hundred.", math("1517")),
    ("Half of it is not the point; use 0.25 and $\\frac{3}{4}$.", math(r"\frac{1}{2}")),
    ("Convert 100 cm first.", science("2 m")),
    ("Red light scatters least; think about option A.", SKY),
    # restating the question's own expression tells nothing
    ("Compute $\\frac{13}{19} - \\frac{10}{17}$ over a common denominator.",
     math(r"\frac{31}{323}", prompt="Compute $\\frac{13}{19} - \\frac{10}{17}$ exactly.")),
]


@pytest.mark.parametrize(("hint", "problem"), SAFE)
def test_hints_without_the_answer_pass_untouched(hint: str, problem: Problem) -> None:
    guard = LeakGuard()
    assert guard.check(hint, problem) == hint
    assert guard.stats.as_dict() == {"checked": 1, "leaked": 0, "redacted": 0, "rejected": 0}


def test_code_problems_and_missing_hints_pass_through() -> None:
    code = Problem(id="c", domain="code", prompt="Write f.", tests=("assert f() == 1",))
    guard = LeakGuard()
    assert guard.check("return 1", code) == "return 1"
    assert guard.check(None, math("1")) is None
    assert guard.stats.checked == 0


def test_procedural_field_hints_are_safe() -> None:
    source = make_source("procedural", difficulty=[1, 3], size=22)
    guard = LeakGuard()
    for problem in source:
        assert guard.check(problem.hint, problem) == problem.hint, problem.id


def test_guarded_hint_and_mode_validation() -> None:
    provider = GuardedHint(FieldHint(), LeakGuard())
    assert provider.hint(math("5", hint="It is 5.")) == f"It is {REDACTED}."
    assert provider.hint(math("5", hint="Add.")) == "Add."
    assert isinstance(provider, HintProvider)
    with pytest.raises(ValueError, match="'hide'"):
        LeakGuard("hide")  # type: ignore[arg-type]  # the error under test
    with pytest.raises(TypeError, match="42"):
        GuardedHint(42)  # type: ignore[arg-type]  # the error under test


# --- a real OpenAI-compatible server ---------------------------------------------------------


class TeacherServer:
    """POST /v1/chat/completions on 127.0.0.1: deterministic hints, failures on demand."""

    def __init__(self, delay_s: float = 0.0, port: int = 0) -> None:
        self.delay_s = delay_s
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.fail_statuses: list[int] = []  # statuses for the next requests, in order
        self.leak = False  # reply with the reference solution's boxed answer
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server method name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.calls += 1
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    status = server.fail_statuses.pop(0) if server.fail_statuses else 200
                try:
                    time.sleep(server.delay_s)
                    if self.path != "/v1/chat/completions":
                        status = 404
                    self._reply(status, server.reply(body) if status == 200 else
                                {"error": {"message": f"status {status}", "type": "test"}})
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        content = body["messages"][-1]["content"]
        if self.leak:
            text = f"Just write {last_boxed(content)}."
        else:  # letters only, so the hint never states a number
            digest = hashlib.sha256(content.encode()).hexdigest()[:8]
            word = digest.translate(str.maketrans("0123456789", "ghijklmnop"))
            text = f"Hint {word} from {body['model']}: work one operation at a time."
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


@pytest.fixture
def server() -> Iterator[TeacherServer]:
    srv = TeacherServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


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


# --- precompute end to end -------------------------------------------------------------------


def precompute(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "guide_envs.hints.precompute", *args],
                            capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_precompute_help_documents_reading_back() -> None:
    out = precompute("--help").stdout
    assert "with_hints" in out and "--teacher-model" in out and "--source-kwargs" in out


def test_precompute_with_a_teacher_round_trips(server: TeacherServer, tmp_path: Path) -> None:
    out = tmp_path / "hints.jsonl"
    result = precompute("--source", "procedural", "--source-kwargs", json.dumps(SOURCE_KWARGS),
                        "--provider", "teacher", "--teacher-model", "teach-a",
                        "--base-url", server.base_url, "--concurrency", "3",
                        "--cache-dir", str(tmp_path / "cache"), "--limit", "5",
                        "--out", str(out))
    assert "wrote 5 rows" in result.stdout and "5 with a hint" in result.stdout
    assert "leaked 0" in result.stdout and "requests 5" in result.stdout
    assert "guarding" in result.stderr  # the progress bar
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {"id", "prompt", "answer", "solution", "hint"} <= set(rows[0])
    assert server.calls == 5

    source = make_source("procedural", **SOURCE_KWARGS)
    hinted = with_hints(source, out)
    assert len(hinted) == len(source)
    for i, row in enumerate(rows):
        assert hinted[i].hint == row["hint"] and "teach-a" in row["hint"]
        assert hinted.find(row["id"]).hint == row["hint"]
        assert hinted[i].answer == source[i].answer
    assert hinted[5].hint == source[5].hint  # beyond --limit: the problem's own hint

    loaded = make_source("dataset", data_files=str(out),
                         columns={"prompt": "prompt", "answer": "answer", "hint": "hint",
                                  "id": "id", "solution": "solution"})
    assert [p.hint for p in loaded] == [row["hint"] for row in rows]
    assert loaded[0].id == f"dataset/{rows[0]['id']}" and loaded[0].answer == rows[0]["answer"]

    precompute("--source", "procedural", "--source-kwargs", json.dumps(SOURCE_KWARGS),
               "--provider", "teacher", "--teacher-model", "teach-a", "--base-url",
               server.base_url, "--cache-dir", str(tmp_path / "cache"), "--limit", "5",
               "--no-progress", "--out", str(tmp_path / "again.jsonl"))
    assert server.calls == 5  # all from the cache
    assert read_hints(tmp_path / "again.jsonl") == read_hints(out)


def test_precompute_guards_leaking_teacher_hints(server: TeacherServer, tmp_path: Path) -> None:
    server.leak = True
    out = tmp_path / "leaky.jsonl"
    result = precompute("--source-kwargs", json.dumps(SOURCE_KWARGS), "--provider", "teacher",
                        "--teacher-model", "teach-a", "--base-url", server.base_url,
                        "--cache-dir", "none", "--limit", "4", "--guard", "reject",
                        "--no-progress", "--out", str(out))
    assert "leaked 4" in result.stdout and "rejected 4" in result.stdout
    assert read_hints(out) == {}


def test_precompute_solution_hints_from_a_dataset_file(tmp_path: Path) -> None:
    data = tmp_path / "tiny_gsm8k.jsonl"
    records = [{"question": "Ann has 3 bags of 4 apples and eats 2. How many are left?",
                "answer": "She has 3 * 4 = <<3*4=12>>12 apples.\nAfter eating 2 she has "
                          "12 - 2 = <<12-2=10>>10.\n#### 10"},
               {"question": "What is 6 * 7?", "answer": "6 * 7 = 42\n#### 42"}]
    data.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "hints.jsonl"
    result = precompute("--source", "gsm8k", "--data-files", str(data), "--provider",
                        "solution", "--fraction", "0.5", "--no-progress", "--out", str(out))
    assert "wrote 2 rows" in result.stdout and "1 with a hint" in result.stdout
    assert read_hints(out) == {"gsm8k/0": "She has 3 * 4 = 12 apples."}
    hinted = with_hints(make_source("gsm8k", data_files=str(data)), out)
    assert hinted.find("gsm8k/0").hint == "She has 3 * 4 = 12 apples."
    assert hinted.find("gsm8k/1").hint is None


README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_precompute_command_runs_as_written(tmp_path: Path) -> None:
    """The README's teacher command, verbatim, against a test server on its port (8000)."""
    text = README.read_text()
    start = text.index("```bash\npython -m guide_envs.hints.precompute")
    command = text[start + len("```bash\n"):text.index("```", start + 3)]
    srv = TeacherServer(port=8000)
    srv.thread.start()
    try:
        path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # our python
        env = dict(os.environ, PATH=path, XDG_CACHE_HOME=str(tmp_path / "cache"))
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=300, check=False)
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "hints.jsonl").open()]
    assert len(rows) == 50 == srv.calls and all(r["hint"] for r in rows)
    hinted = with_hints(make_source("procedural", families=["fractions"], difficulty=[4]),
                        tmp_path / "hints.jsonl")
    assert hinted.find(rows[7]["id"]).hint == rows[7]["hint"]
    assert "Qwen/Qwen2.5-7B-Instruct" in rows[0]["hint"]
