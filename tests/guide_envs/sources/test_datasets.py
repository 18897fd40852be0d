"""The dataset adapter on the sample of the reference files (tests/data) and on small files
written here."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd
import pytest
from math_verify import parse

from guide_envs.problem import Problem
from guide_envs.sources.datasets import PRESETS, ColumnMapping, load_source
from verifiers.math import verify_answer

# preset -> (file in tests/data, number of records there; tests/data/README.md lists the rows)
REFERENCE = {
    "gsm8k": ("gsm8k_test.jsonl", 26),
    "aime24": ("aime24.jsonl", 5),
    "amc23": ("amc23.jsonl", 18),
    "minerva": ("minerva_math.jsonl", 23),
}

# Golds that do not verify against themselves in \boxed{}: none at present.
KNOWN_SELF_VERIFY_FAILURES: dict[str, set[str]] = {preset: set() for preset in REFERENCE}

# Golds that math-verify parses only as a string, with no math expression: they verify against
# themselves by exact text, but an equivalent answer written differently is graded wrong
# (e.g. "-1/3" against "-1./3", "\arcsin(10/13)" against "np.arcsin(10/13)").
# Why: the Minerva solutions box Python-style or non-expression answers. These are all five of
# the full file's; the sample keeps them.
STRING_ONLY_GOLDS: dict[str, set[str]] = {
    "gsm8k": set(),
    "aime24": set(),
    "amc23": set(),
    "minerva": {
        "minerva/5",    # np.arcsin(10/13): numpy syntax
        "minerva/27",   # \frac{dM}{dt}=... M^{6}: an equation with solar-unit subscripts
        "minerva/38",   # -1./3: Python float literal "1."
        "minerva/49",   # -3./2: Python float literal "3."
        "minerva/269",  # E_{1},E_{2}: names of energy levels, not a value
    },
}


def load_reference(preset: str, data: Path, **kwargs: object) -> list[Problem]:
    file, _ = REFERENCE[preset]
    return list(load_source(preset, data_files=str(data / file), split="test", **kwargs))


def write_jsonl(path: Path, rows: list[dict]) -> str:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("preset", list(REFERENCE))
def test_reference_golds_verify_against_themselves(preset: str, reference_data: Path) -> None:
    problems = load_reference(preset, reference_data)
    assert len(problems) == REFERENCE[preset][1], "every record must load"
    failures = {}
    for p in problems:
        assert isinstance(p, Problem) and p.prompt.strip() and p.answer
        verdict = verify_answer(f"\\boxed{{{p.answer}}}", p.answer)
        if not verdict.correct:
            failures[p.id] = f"{p.answer!r}: {verdict.status.value}, {verdict.reason}"
    string_only = {p.id for p in problems
                   if not any(not isinstance(x, str)
                              for x in parse(f"\\boxed{{{p.answer}}}", parsing_timeout=None))}
    print(f"\n{preset}: {len(problems)} golds, {len(failures)} fail self-verification, "
          f"{len(string_only)} parse only as strings {sorted(string_only)}")
    for problem_id, why in sorted(failures.items()):
        print(f"  {problem_id}: {why}")
    assert set(failures) == KNOWN_SELF_VERIFY_FAILURES[preset], failures
    assert string_only == STRING_ONLY_GOLDS[preset]


def test_reference_ids_unique_and_stable(reference_data: Path) -> None:
    for preset in REFERENCE:
        ids = [p.id for p in load_reference(preset, reference_data)]
        assert len(set(ids)) == len(ids), preset
        assert all(i.startswith(f"{preset}/") for i in ids)
    # Row ids come from the files' own id columns: AIME 2024 I and II are ids 60-89, AMC 2023
    # skips some, Minerva counts rows of the full file; GSM8K has none, so rows are numbered.
    assert [p.id for p in load_reference("aime24", reference_data)] == [
        f"aime24/{i}" for i in (60, 61, 67, 83, 84)]
    assert [p.id for p in load_reference("amc23", reference_data)] == [
        f"amc23/{i}" for i in (0, 1, 2, 3, 4, 5, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)]
    assert [p.id for p in load_reference("minerva", reference_data)][-1] == "minerva/271"
    assert [p.id for p in load_reference("gsm8k", reference_data)][-1] == "gsm8k/25"


def test_gsm8k_answers_and_solutions(reference_data: Path) -> None:
    problems = load_reference("gsm8k", reference_data)
    assert problems[0].answer == "18"
    assert all(p.answer.lstrip("-").isdigit() for p in problems), "golds are integers"
    raw = [json.loads(line) for line in (reference_data / "gsm8k_test.jsonl").open()]
    finals = [row["answer"].rpartition("####")[2].strip() for row in raw]
    # The sample's last six rows: thousands separators to strip, and the two negative golds.
    assert finals[20:] == ["2,125", "114,200", "-10", "1,450,000", "-3", "40,000"]
    assert [p.answer for p in problems[20:]] == ["2125", "114200", "-10", "1450000", "-3", "40000"]
    for p in problems:
        assert p.solution and "####" not in p.solution and "<<" not in p.solution
    assert problems[0].solution.endswith("She makes 9 * 2 = $18 every day at the farmer\u2019s "
                                         "market.\nThe answer is $\\boxed{18}$.")
    assert all(verify_answer(p.solution, p.answer).correct for p in problems)


def test_amc23_float_answers_become_integers(reference_data: Path) -> None:
    answers = [p.answer for p in load_reference("amc23", reference_data)]
    assert answers == ["27", "36", "45", "3159", "36", "7", "21", "3", "1", "4", "5", "29", "96",
                       "1", "5", "-1", "8", "18"]  # the file stores 27.0, 36.0, ..., -1.0, ...


def test_limit_keeps_the_first_problems(reference_data: Path) -> None:
    first = load_reference("gsm8k", reference_data, limit=5)
    assert [p.id for p in first] == [f"gsm8k/{i}" for i in range(5)]
    assert first == load_reference("gsm8k", reference_data)[:5]
    with pytest.raises(ValueError, match="limit"):
        load_reference("gsm8k", reference_data, limit=0)


def write_guide_parquet(path: Path) -> str:
    """Two rows in the Guide paper's verl-style layout, plus one without a ground truth."""
    def row(index: int, question: str, truth: str | None, hint: object) -> dict:
        return {
            "data_source": "deepscaler",
            "prompt": [{"role": "system", "content": "Reason step by step."},
                       {"role": "user", "content": question}],
            "ability": "math",
            "reward_model": {"ground_truth": truth, "style": "rule"},
            "extra_info": {"index": index, "split": "train"},
            "hint": hint,
        }
    rows = [row(7, "What is 2+3?", "5", "Count on from 2."),
            row(9, "Simplify 2/4.", "\\frac{1}{2}", ""),
            row(11, "Broken record.", None, "no gold here")]
    pd.DataFrame(rows).to_parquet(path)
    return str(path)


def test_guide_parquet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    file = write_guide_parquet(tmp_path / "guide.parquet")
    with caplog.at_level(logging.WARNING, logger="guide_envs.sources.datasets"):
        source = load_source("guide", data_files=file)
    assert len(source) == 2
    first, second = source
    assert (first.id, first.prompt, first.answer, first.hint) == (
        "guide/7", "What is 2+3?", "5", "Count on from 2.")
    assert (second.id, second.answer, second.hint) == ("guide/9", "\\frac{1}{2}", None)
    assert first.metadata["data_source"] == "deepscaler"
    assert "reward_model" not in first.metadata, "the gold must not leak into metadata"
    assert source.find("guide/9") is second
    assert "skipped 1 of 3" in caplog.text and "rows 2" in caplog.text


def test_guide_chat_format_hint(tmp_path: Path) -> None:
    rows = [{"prompt": [{"role": "user", "content": "1+1?"}],
             "hint": [{"role": "user", "content": "Add one to one."}],
             "reward_model": {"ground_truth": "2", "style": "rule"},
             "extra_info": {"index": 0}}]
    source = load_source("guide", data_files=write_jsonl(tmp_path / "g.jsonl", rows))
    assert source[0].hint == "Add one to one."


def test_user_mapping_on_adhoc_jsonl(tmp_path: Path) -> None:
    rows = [{"key": "k1", "q": "Area of a unit square?", "meta": {"gold": 1.0}, "tip": "side^2"},
            {"key": "k2", "q": "Half of 3?", "meta": {"gold": 1.5}, "tip": "divide"}]
    file = write_jsonl(tmp_path / "adhoc.jsonl", rows)
    columns = {"prompt": "q", "answer": "meta.gold", "answer_format": "number", "id": "key",
               "hint": "tip", "domain": "science"}
    source = load_source(data_files=file, columns=columns)
    assert [(p.id, p.answer, p.hint, p.domain) for p in source] == [
        ("dataset/k1", "1", "side^2", "science"), ("dataset/k2", "1.5", "divide", "science")]
    same = load_source(data_files=file, columns=ColumnMapping(
        prompt="q", answer="meta.gold", answer_format="number", id="key", hint="tip",
        domain="science"))
    assert list(same) == list(source)


def test_mapping_extends_a_preset(tmp_path: Path) -> None:
    rows = [{"question": "2*3?", "answer": "2*3=<<2*3=6>>6\n#### 6", "my_hint": "double 3"}]
    file = write_jsonl(tmp_path / "gsm.jsonl", rows)
    p = load_source("gsm8k", data_files=file, columns={"hint": "my_hint"})[0]
    assert (p.answer, p.solution, p.hint) == ("6", "2*3=6\nThe answer is $\\boxed{6}$.",
                                              "double 3")


def test_math_preset_prefers_an_answer_column(tmp_path: Path) -> None:
    boxed_only = [{"problem": "x if 2x=3?", "solution": "So $x=\\boxed{\\frac{3}{2}}$."}]
    with_answer = [{"problem": "y?", "solution": "... \\boxed{4}", "answer": "4",
                    "unique_id": "test/algebra/1.json"}]
    p = load_source("math", data_files=write_jsonl(tmp_path / "a.jsonl", boxed_only))[0]
    assert (p.id, p.answer) == ("math/0", "\\frac{3}{2}")
    q = load_source("math", data_files=write_jsonl(tmp_path / "b.jsonl", with_answer))[0]
    assert (q.id, q.answer, q.solution) == ("math/test/algebra/1.json", "4", "... \\boxed{4}")


def test_csv_and_parquet_builders_are_inferred(tmp_path: Path) -> None:
    frame = pd.DataFrame({"question": ["1+2?"], "answer": ["#### 3"]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    for name in ("t.csv", "t.parquet"):
        assert load_source("gsm8k", data_files=str(tmp_path / name))[0].answer == "3"
    with pytest.raises(ValueError, match=r"cannot infer the format of .*t\.txt"):
        load_source("gsm8k", data_files=str(tmp_path / "t.txt"))


def test_bad_column_names_the_column_and_the_available_ones(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "x.jsonl", [{"question": "1+1?", "answer": "#### 2"}])
    with pytest.raises(ValueError, match=r"'nope'.*ColumnMapping\.prompt.*question, answer"):
        load_source("gsm8k", data_files=file, columns={"prompt": "nope"})
    guide = write_guide_parquet(tmp_path / "guide.parquet")
    with pytest.raises(ValueError, match=r"'reward_model\.gold'.*under 'reward_model'.*"
                                         r"ground_truth, style"):
        load_source("guide", data_files=guide, columns={"answer": "reward_model.gold"})


def test_configuration_errors(tmp_path: Path) -> None:
    file = write_jsonl(tmp_path / "x.jsonl", [{"question": "1+1?", "answer": "#### 2", "k": 1},
                                              {"question": "2+2?", "answer": "#### 4", "k": 1}])
    with pytest.raises(ValueError, match="unknown preset 'gsm9k'"):
        load_source("gsm9k", data_files=file)
    with pytest.raises(ValueError, match="path= .* or data_files="):
        load_source("gsm8k")
    with pytest.raises(ValueError, match=r"unknown ColumnMapping field\(s\) \['question'\]"):
        load_source("gsm8k", data_files=file, columns={"question": "question"})
    with pytest.raises(ValueError, match="answer_format must be one of"):
        ColumnMapping(prompt="q", answer="a", answer_format="boxed")
    with pytest.raises(ValueError, match="id 'gsm8k/1' repeats"):
        load_source("gsm8k", data_files=file, columns={"id": "k"})
    with pytest.raises(ValueError, match="streaming is not supported"):
        load_source("gsm8k", data_files=file, streaming=True)


def test_presets_are_complete() -> None:
    assert set(PRESETS) == {"gsm8k", "math", "guide", "aime24", "amc23", "minerva"}
