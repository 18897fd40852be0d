"""The HumanEval / MBPP / stdio adapters: loading the reference files, malformed records, and real
problems graded by the code verifier."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import verifiers
from guide_envs.sources.code_datasets import load_humaneval, load_mbpp, load_stdio
from verifiers.pool import VerifierPool

from ._code_verify import _verify_all


def test_mbpp_loads_every_record(reference_data: Path) -> None:
    source = load_mbpp(reference_data / "mbpp.jsonl")
    # tests/data/mbpp.jsonl: tasks 1-20, the other eight with challenge tests, the two with
    # setup code (367, 927), 126 (a function named `sum`), 533 (a type as an argument) and the
    # three whose own tests fail upstream (341, 596, 642).
    assert [p.id for p in source] == [f"mbpp/{t}" for t in (
        *range(1, 21), 23, 25, 26, 28, 42, 43, 44, 47, 126, 341, 367, 533, 596, 642, 927)]
    assert source.find("mbpp/126").metadata["entry_point"] == "sum"
    first = source.find("mbpp/1")
    assert first.metadata["entry_point"] == "min_cost" and len(first.tests) == 3
    assert first.tests[0] in first.prompt and first.tests[1] not in first.prompt
    assert "\r" not in (first.solution or "")
    assert [p.id for p in source if p.metadata["setup_code"]] == ["mbpp/367", "mbpp/927"]
    # All 11 records of MBPP with challenge tests: 11, 16, 20, 23, 25, 26, 28, 42, 43, 44, 47.
    assert sum(len(p.tests) > 3 for p in source) == 11
    assert len(source.find("mbpp/20").tests) == 6  # three tests and three challenge tests
    assert all(p.metadata["entry_point"] for p in source)
    assert len(load_mbpp(reference_data / "mbpp.jsonl", limit=5)) == 5


def _write(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


_MBPP_ROW = {"task_id": 1, "text": "Add.", "code": "def add(a, b):\n    return a + b",
             "test_setup_code": "", "test_list": ["assert add(1, 2) == 3"],
             "challenge_test_list": []}


@pytest.mark.parametrize(("change", "message"), [
    ({"test_list": "assert add(1, 2) == 3"}, "row 1, field 'test_list': must be list, got str"),
    ({"test_list": []}, "row 1, field 'test_list': empty"),
    ({"test_list": ["assert add(1, == 3"]}, "row 1, field 'test_list': a test does not"),
    ({"task_id": "x"}, "row 1, field 'task_id': must be int"),
    ({"code": None}, "row 1, field 'code': missing"),
])
def test_mbpp_malformed_records_name_file_row_and_field(tmp_path: Path, change: dict[str, Any],
                                                        message: str) -> None:
    path = _write(tmp_path / "bad.jsonl", [_MBPP_ROW, {**_MBPP_ROW, "task_id": 2, **change}])
    with pytest.raises(ValueError, match=message) as info:
        load_mbpp(path)
    assert str(path) in str(info.value)


def test_mbpp_bad_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_MBPP_ROW) + "\n{not json\n")
    with pytest.raises(ValueError, match=r"bad.jsonl, line 2: not valid JSON"):
        load_mbpp(path)


def test_stdio_problems_load(reference_data: Path) -> None:
    source = load_stdio(reference_data / "stdio_problems.jsonl")
    # tests/data holds the 20 shortest rows of the full file, stdio/0 among them.
    assert [p.id for p in source] == [f"stdio/{i}" for i in (
        0, 6, 11, 28, 45, 50, 51, 52, 57, 71, 75, 77, 84, 90, 94, 120, 128, 134, 139, 152)]
    assert sum(len(p.tests) for p in source) == 50
    first = source.find("stdio/0")
    assert first.tests[0] == {"input": "5 2\nAA\nAB\nBB\nBA\nAZ\n", "output": "5 2 1 3 4 \n"}
    assert first.metadata["compare"] == "whitespace" and first.solution is None
    assert "standard input" in first.prompt


@pytest.mark.needs_sandbox
def test_stdio_wrong_programs_fail_on_real_problems(reference_data: Path,
                                                    pool: VerifierPool) -> None:
    """The file has no reference solutions; a program printing nothing useful must fail."""
    source = load_stdio(reference_data / "stdio_problems.jsonl", limit=15)
    verdicts = _verify_all(pool, [("```python\nprint('no idea')\n```", p) for p in source])
    assert [v.status for v in verdicts] == [verifiers.Status.INCORRECT] * 15


# A hand-written solution of stdio/0 (sort titles ascending at odd positions, descending at even).
_ASC_DESC = """import sys
data = sys.stdin.buffer.read().split()
n = int(data[0])
titles = data[2:2 + n]
def key(i):
    return bytes(c if j % 2 == 0 else 255 - c for j, c in enumerate(titles[i]))
print(" ".join(str(i + 1) for i in sorted(range(n), key=key)))
"""


@pytest.mark.needs_sandbox
def test_stdio_real_problem_verifies_with_a_correct_program(reference_data: Path) -> None:
    problem = load_stdio(reference_data / "stdio_problems.jsonl", limit=1)[0]
    verdict = verifiers.get("code").verify(f"```python\n{_ASC_DESC}```", problem)
    assert verdict.correct, verdict.reason


_SUM_PROGRAM = "import sys\nprint(sum(int(x) for x in sys.stdin.read().split()))\n"


@pytest.mark.needs_sandbox
def test_stdio_apps_layout_verifies(tmp_path: Path) -> None:
    io = {"inputs": ["1 2\n", "5 5 5\n", "-3 3\n"], "outputs": ["3\n", "15\n", "0"]}
    rows = [{"problem_id": 10, "question": "Print the sum of the numbers.",
             "input_output": json.dumps(io), "solutions": json.dumps([_SUM_PROGRAM])},
            {"problem_id": 11, "question": "Call-based.", "solutions": "[]",
             "input_output": json.dumps({"fn_name": "f", "inputs": [[1]], "outputs": [[1]]})}]
    source = load_stdio(_write(tmp_path / "apps.jsonl", rows), compare="exact")
    assert len(source) == 1  # the call-based record is skipped
    problem = source.find("apps/10")
    assert problem.metadata["compare"] == "exact" and len(problem.tests) == 3
    verifier = verifiers.get("code")
    assert not verifier.verify(problem.solution or "", problem).correct  # "0" lacks a newline
    loose = load_stdio(tmp_path / "apps.jsonl", name="sums").find("sums/10")
    assert verifier.verify(loose.solution or "", loose).correct


@pytest.mark.needs_sandbox
def test_stdio_json_array_file(tmp_path: Path) -> None:
    rows = [{"problem": "Sum.", "tests": {"inputs": ["1 1"], "outputs": ["2"]},
             "solutions": [_SUM_PROGRAM]}]
    path = tmp_path / "array.json"
    path.write_text(json.dumps(rows))
    problem = load_stdio(path)[0]
    assert problem.id == "stdio/0"
    assert verifiers.get("code").verify(problem.solution or "", problem).correct


@pytest.mark.parametrize(("row", "message"), [
    ({"problem": "P", "tests": {"inputs": ["1"], "outputs": []}},
     "row 0, field 'tests': 1 inputs but 0 outputs"),
    ({"problem": "P", "tests": {"inputs": [], "outputs": []}},
     "row 0, field 'tests': no test inputs"),
    ({"problem": "P", "tests": {"outputs": ["1"]}}, "row 0, field 'tests.inputs': must be list"),
    ({"problem": "P", "tests": {"inputs": [1], "outputs": ["1"]}},
     "row 0, field 'tests.inputs': item 0 must be a string"),
    ({"tests": {"inputs": ["1"], "outputs": ["1"]}}, "row 0, field 'problem': missing"),
    ({"question": "Q", "input_output": "{oops"}, "row 0, field 'input_output': not valid JSON"),
])
def test_stdio_malformed_records(tmp_path: Path, row: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_stdio(_write(tmp_path / "bad.jsonl", [row]))


def test_limits_and_compare_are_checked(tmp_path: Path) -> None:
    path = _write(tmp_path / "one.jsonl", [_MBPP_ROW])
    loaders: list[Callable[..., Any]] = [lambda **kw: load_mbpp(path, **kw), load_humaneval]
    for loader in loaders:
        with pytest.raises(ValueError, match="limit must be a positive integer"):
            loader(limit=0)
    with pytest.raises(ValueError, match="compare must be one of"):
        load_stdio(path, compare="fuzzy")


@pytest.mark.needs_sandbox
def test_humaneval_loads_and_a_sample_verifies(pool: VerifierPool) -> None:
    source = load_humaneval()
    assert len(source) == 164
    problem = source.find("humaneval/163")
    assert problem.tests[0]["entry_point"] == problem.metadata["entry_point"]
    assert f"def {problem.metadata['entry_point']}(" in problem.prompt
    sample = [source[i] for i in range(0, 164, 11)]  # 15 problems
    verdicts = _verify_all(pool, [(p.solution or "", p) for p in sample])
    assert [v.reason for v in verdicts if not v.correct] == []
