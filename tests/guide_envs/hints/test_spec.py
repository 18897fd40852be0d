"""``--hint`` specs: every form the learners accept, and clear errors for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guide_envs.hints import FieldHint, FirstAvailable, GuardedHint, SolutionPrefixHint
from guide_envs.hints.spec import hint_provider, parse_teacher
from guide_envs.hints.teacher import TeacherHint
from guide_envs.sources import make_source

GSM8K = Path(__file__).resolve().parents[2] / "data" / "gsm8k_test.jsonl"


def test_each_form_gives_its_provider() -> None:
    assert hint_provider("none") is None
    assert isinstance(hint_provider("field"), FieldHint)
    auto = hint_provider("auto")
    assert isinstance(auto, FirstAvailable)
    assert isinstance(auto.providers[0], FieldHint)
    prefix = hint_provider("solution-prefix:0.25")
    assert isinstance(prefix, GuardedHint) and isinstance(prefix.provider, SolutionPrefixHint)
    assert prefix.provider.fraction == 0.25
    assert hint_provider(" solution-prefix ").provider.fraction == 0.5
    teacher = hint_provider("teacher:http://127.0.0.1:9/v1:Qwen/Qwen2.5-7B-Instruct")
    assert isinstance(teacher, GuardedHint) and isinstance(teacher.provider, TeacherHint)
    assert teacher.provider.model == "Qwen/Qwen2.5-7B-Instruct"
    assert teacher.provider.base_url == "http://127.0.0.1:9/v1"


@pytest.mark.parametrize(("spec", "url", "model"), [
    ("teacher:http://localhost:8000/v1:m", "http://localhost:8000/v1", "m"),
    ("teacher:https://api.example.org/v1:gpt-4o-mini", "https://api.example.org/v1",
     "gpt-4o-mini"),
    ("teacher:http://localhost:11434:qwen2.5:7b", "http://localhost:11434", "qwen2.5:7b"),
    ("teacher:http://host/v1/:org/model", "http://host/v1/", "org/model"),
])
def test_teacher_specs_split_url_and_model(spec: str, url: str, model: str) -> None:
    assert parse_teacher(spec) == (url, model)


@pytest.mark.parametrize(("spec", "message"), [
    ("autoo", "unknown hint provider 'autoo'; use one of: auto, field"),
    ("solution-prefix:1.5", "fraction must be a number in (0, 1)"),
    ("solution-prefix:half", "fraction must be a number in (0, 1)"),
    ("teacher:localhost:8000", "write teacher:<base_url>:<model>"),
    ("teacher:http://localhost:8000/v1", "write teacher:<base_url>:<model>"),
])
def test_bad_specs_are_clear_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        hint_provider(spec)


def test_auto_uses_gsm8k_rationales_without_the_gold() -> None:
    """GSM8K rows have no hint column; auto falls back to the first half of the rationale."""
    problems = list(make_source("gsm8k", data_files=str(GSM8K)))
    provider = hint_provider("auto")
    hints = {p.id: provider.hint(p) for p in problems}
    rows = [json.loads(line) for line in GSM8K.read_text().splitlines()]
    assert sum(h is not None for h in hints.values()) >= len(problems) // 2
    for problem, row in zip(problems, rows, strict=True):
        hint = hints[problem.id]
        if hint is None:
            continue
        first_step = row["answer"].splitlines()[0]
        # the hint starts as the rationale does, calculator annotations removed
        assert hint.split()[0] == first_step.split()[0]
        assert "<<" not in hint
