"""The multiple-choice dataset adapters (MMLU, AQuA, GPQA), graded by the real science verifier."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import verifiers
from guide_envs.problem import Problem
from guide_envs.sources.multiple_choice import (
    load_aqua,
    load_gpqa,
    load_mmlu,
    problems_from_records,
)

VERIFIER = verifiers.get("science")
LETTERS = "ABCDE"


def check_gold_letters(source: list[Problem]) -> None:
    """Every gold letter and gold option text grades correct; the next letter does not."""
    for p in source:
        index = LETTERS.index(p.answer)
        assert VERIFIER.verify(f"\\boxed{{{p.answer}}}", p).correct, p.id
        text = p.choices[index]
        # An option whose text is itself a letter ("c") is read as that letter, by design.
        if len(text) > 1:
            verdict = VERIFIER.verify(f"\\boxed{{{text}}}", p)
            assert verdict.correct, (p.id, text, verdict.reason)
        other = LETTERS[(index + 1) % len(p.choices)]
        assert not VERIFIER.verify(f"\\boxed{{{other}}}", p).correct, p.id


def test_mmlu_stem_loads_and_every_gold_letter_verifies(reference_data: Path) -> None:
    source = load_mmlu(reference_data / "mmlu_stem.jsonl")
    # tests/data: the first question of each of the 18 subjects (and the second of the first),
    # the 8 with repeated option texts and 3 whose gold option is a single letter ("E", "c", "B").
    assert len(source) == 30
    assert [p.id for p in source][:2] == ["mmlu/0", "mmlu/1"]
    assert all(p.domain == "science" and len(p.choices) == 4 for p in source)
    assert len({p.metadata["subject"] for p in source}) == 18
    check_gold_letters(list(source))
    assert len(load_mmlu(reference_data / "mmlu_stem.jsonl", limit=5)) == 5


def test_aqua_loads_and_every_gold_letter_and_rationale_verifies(reference_data: Path) -> None:
    source = load_aqua(str(reference_data / "aqua.jsonl"))
    assert [p.id for p in source] == [f"aqua/{i}" for i in range(23)]  # ids are row numbers
    assert source.find("aqua/22").prompt.startswith("A grocery sells a bag of ice for $1.25")
    assert all(len(p.choices) == 5 and not p.choices[0].startswith("A)") for p in source)
    check_gold_letters(list(source))
    for p in source:
        assert VERIFIER.verify(p.solution, p).correct, p.id


def test_make_source_serves_the_adapters(reference_data: Path) -> None:
    from guide_envs.sources import make_source

    assert len(make_source("aqua", path=reference_data / "aqua.jsonl", limit=3)) == 3


GPQA_FIELDS = ("Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2",
               "Incorrect Answer 3")
GPQA_ROWS = [
    ("Which particle carries no charge?", "neutron", "proton", "electron", "positron"),
    ("What is the SI unit of power?", "watt", "joule", "newton", "pascal"),
    ("Which gas is most abundant in air?", "nitrogen", "oxygen", "argon", "carbon dioxide"),
    ("Which planet is largest?", "Jupiter", "Saturn", "Neptune", "Earth"),
    ("What is the pH of pure water at 25 C?", "7", "0", "14", "1"),
]


def gpqa_record(row: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(GPQA_FIELDS[:len(row)], row, strict=True))


@pytest.fixture
def gpqa_file(tmp_path: Path) -> Path:
    path = tmp_path / "gpqa.jsonl"
    records = [gpqa_record(row) for row in GPQA_ROWS]
    records[0]["Explanation"] = "Neutrons are neutral."
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_gpqa_shuffle_is_deterministic_per_seed(gpqa_file: Path) -> None:
    orders = {seed: [p.choices for p in load_gpqa(gpqa_file, seed=seed)] for seed in (0, 1, 2)}
    assert orders[0] == [p.choices for p in load_gpqa(gpqa_file, seed=0)]
    assert orders[0] != orders[1] != orders[2] != orders[0]
    for seed in (0, 1, 2):
        source = load_gpqa(gpqa_file, seed=seed)
        for p, row in zip(source, GPQA_ROWS, strict=True):
            assert sorted(p.choices) == sorted(row[1:])
            assert p.choices[LETTERS.index(p.answer)] == row[1]
        check_gold_letters(list(source))
    first = load_gpqa(gpqa_file)[0]
    assert first.id == "gpqa/0" and VERIFIER.verify(first.solution, first).correct
    assert load_gpqa(gpqa_file)[1].solution is None


def test_gpqa_reads_csv(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "gpqa.csv"
    with path.open("w", newline="") as f:
        csv.writer(f).writerows([GPQA_FIELDS, *GPQA_ROWS])
    assert [p.choices for p in load_gpqa(path, seed=4)] == [
        p.choices for p in problems_from_records(
            [gpqa_record(row) for row in GPQA_ROWS], "gpqa", seed=4)]


@pytest.mark.parametrize(("loader", "record", "message"), [
    (load_mmlu, {"question": "q", "choices": ["a", "b"], "answer": 2}, r"row 1, field 'answer'"),
    (load_mmlu, {"question": "q", "choices": "ab", "answer": 0}, r"row 1, field 'choices'"),
    (load_mmlu, {"question": "", "choices": ["a", "b"], "answer": 0}, r"row 1, field 'question'"),
    (load_aqua, {"question": "q", "options": ["A)1", "C)2"], "correct": "A"},
     r"row 1, field 'options'"),
    (load_aqua, {"question": "q", "options": ["A)1", "B)2"], "correct": "E"},
     r"row 1, field 'correct'"),
    (load_gpqa, gpqa_record(GPQA_ROWS[0][:4]), r"row 1, field 'Incorrect Answer 3'"),
])
def test_malformed_records_name_file_row_and_field(tmp_path: Path, loader, record: dict,
                                                   message: str) -> None:
    good = {load_mmlu: {"question": "q", "choices": ["a", "b"], "answer": 0},
            load_aqua: {"question": "q", "options": ["A)1", "B)2"], "correct": "A"},
            load_gpqa: gpqa_record(GPQA_ROWS[0])}[loader]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(record) + "\n")
    with pytest.raises(ValueError, match=re.escape(str(path)) + ", " + message):
        loader(path)
