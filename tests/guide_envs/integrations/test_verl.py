"""The verl integration: compute_score on math, science and code, garbage scores zero, the verifier
chosen from the data source, and a score whose code sandbox cannot start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _sandbox_unavailable import MBPP, _check_warning, _run

from guide_envs.integrations import parse_tests
from guide_envs.integrations.verl import compute_score, verifier_for

ADD = "```python\na, b = map(int, input().split())\nprint(a + b)\n```"


def test_verl_math_gsm8k() -> None:
    right = compute_score("openai/gsm8k", "48 + 24 = 72, so \\boxed{72}", "72")
    assert right == {"score": 1.0, "acc": True, "pred": "72", "status": "correct"}
    assert compute_score("openai/gsm8k", "\\boxed{71}", "#### 72")["score"] == 0.0
    assert compute_score("lighteval/MATH", "\\boxed{\\frac{1}{2}}", "0.5")["acc"] is True


def test_verl_science_multiple_choice() -> None:
    info = {"choices": ["red", "blue", "green"]}
    assert compute_score("Idavidrein/gpqa", "So \\boxed{B}", "B", info)["score"] == 1.0
    assert compute_score("cais/mmlu", "It is \\boxed{blue}.", "B", info)["score"] == 1.0
    wrong = compute_score("cais/mmlu", "\\boxed{C}", "B", info)
    assert wrong["score"] == 0.0 and wrong["status"] == "incorrect"


@pytest.mark.needs_sandbox  # grades code
def test_verl_code_stdio_tests_in_ground_truth() -> None:
    tests = json.dumps({"inputs": ["2 3\n", "10 -4\n"], "outputs": ["5\n", "6\n"]})
    assert compute_score("codecontests", ADD, tests)["score"] == 1.0
    assert compute_score("codecontests", "```python\nprint(5)\n```", tests)["score"] == 0.0
    listed = json.dumps([{"input": "1 1\n", "output": "2"}])
    assert compute_score("my_data", ADD, "", {"verifier": "code", "tests": listed})["acc"]


@pytest.mark.parametrize(("data_source", "ground_truth", "extra_info"), [
    ("openai/gsm8k", "72", None),
    ("codecontests", json.dumps({"inputs": ["1\n"], "outputs": ["1\n"]}), None),
    ("gpqa", "A", {"choices": ["x", "y"]}),
    (None, None, "not a mapping"),
    ("codecontests", "{not json", {"tests": 3}),
    ("x", "1", {"verifier": "no-such-verifier"}),
])
@pytest.mark.parametrize("solution", [None, "", b"\\boxed{72}", "\x00" * 5000,
                                      "\\boxed{" * 2000, 12345])
def test_verl_garbage_scores_zero_without_raising(data_source: object, ground_truth: object,
                                                  extra_info: object, solution: object) -> None:
    # Garbage on purpose: the arguments are not of the annotated types.
    score = compute_score(data_source, solution, ground_truth, extra_info)  # type: ignore[arg-type]
    assert score["score"] == 0.0 and score["acc"] is False
    assert set(score) == {"score", "acc", "pred", "status"}


def test_verifier_choice_from_data_source() -> None:
    assert [verifier_for(s) for s in ("openai/gsm8k", "AI-MO/aime24", "amc23", "minerva_math",
                                      "deepmind/aqua_rat", "mbpp", "openai_humaneval",
                                      "codeparrot/apps", "unknown")] == [
        "math", "math", "math", "math", "science", "code", "code", "code", "math"]
    assert parse_tests({"fn_name": "f", "inputs": [[1]], "outputs": [2]}) == ()


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
