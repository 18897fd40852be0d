"""The precompute command end to end, with a teacher (a real local server, ``server`` in
conftest.py), with solution prefixes, and the README's command as written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from guide_envs.hints import read_hints, with_hints
from guide_envs.sources import make_source

from ._teacher_server import TeacherServer

REPO_ROOT = Path(__file__).resolve().parents[3]
SOURCE_KWARGS = {"families": ["arithmetic", "fractions"], "difficulty": 2, "size": 6}


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


README = Path(__file__).resolve().parents[3] / "README.md"


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
