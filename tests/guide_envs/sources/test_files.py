"""The one reader of problem files (guide_envs/sources/files.py), on real and broken files."""

from __future__ import annotations

import gzip
import json
import pickle
import re
from pathlib import Path
from typing import Any

import datasets
import pandas as pd
import pytest

from guide_envs.sources.code_datasets import load_mbpp, load_stdio
from guide_envs.sources.datasets import load_source
from guide_envs.sources.files import ProblemFileError, Record, read_records, read_table
from guide_envs.sources.multiple_choice import load_gpqa, load_mmlu

REFERENCE_FILES = sorted(path.name for path in (Path(__file__).parents[2] / "data").glob("*.jsonl"))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", REFERENCE_FILES)
def test_real_files_read_as_the_json_of_their_lines(reference_data: Path, name: str) -> None:
    """Every line of the reference files is one JSON object (tests/data/README.md): the records
    are those objects, in order, values and types unchanged."""
    expected = _lines(reference_data / name)
    records = list(read_records(reference_data / name))
    assert [r.row for r in records] == list(range(len(expected)))
    for record, row in zip(records, expected, strict=True):
        assert record.file == str(reference_data / name)
        # a table gives every record every column; the ones a record lacks are None
        assert {k: v for k, v in record.values.items() if k in row} == row
        assert all(record.values[k] is None for k in set(record.values) - set(row))


def test_csv_cells_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / "gpqa.csv"
    path.write_text('Question,Correct Answer,Explanation\n'
                    'Which is 7?,007,\n'
                    'Eight?,8,"8 = 2 * 4, so 8"\n')
    assert [r.values for r in read_records(path)] == [
        {"Question": "Which is 7?", "Correct Answer": "007", "Explanation": ""},
        {"Question": "Eight?", "Correct Answer": "8", "Explanation": "8 = 2 * 4, so 8"}]
    # the dataset presets keep datasets' inference: numbers, and None for an empty cell
    inferred = read_table(str(path))
    assert inferred["Correct Answer"] == [7, 8] and inferred[0]["Explanation"] is None


def test_a_field_of_mixed_types_keeps_each_records_value(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    rows = [{"answer": 1, "choices": ["a", "b"]}, {"answer": "B", "choices": "ab"},
            {"answer": None, "choices": [1, "x"]}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert [r.values for r in read_records(path)] == rows


def test_json_array_parquet_and_compressed_files(tmp_path: Path) -> None:
    rows = [{"q": "1+1?", "a": 2}, {"q": "2+2?", "a": 4}]
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    pd.DataFrame(rows).to_parquet(tmp_path / "rows.parquet")
    with gzip.open(tmp_path / "rows.jsonl.gz", "wt") as f:
        f.write("".join(json.dumps(row) + "\n" for row in rows))
    for name in ("rows.json", "rows.parquet", "rows.jsonl.gz"):
        assert [r.values for r in read_records(tmp_path / name)] == rows, name


def test_loading_writes_nothing_in_the_hugging_face_cache(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "hf"
    for attr, sub in (("HF_DATASETS_CACHE", ""), ("HF_MODULES_CACHE", "modules"),
                      ("DOWNLOADED_DATASETS_PATH", "downloads"),
                      ("EXTRACTED_DATASETS_PATH", "downloads/extracted")):
        monkeypatch.setattr(datasets.config, attr, cache / sub)
    (tmp_path / "a.jsonl").write_text('{"q": "1+1?"}\n')
    with gzip.open(tmp_path / "b.csv.gz", "wt") as f:
        f.write("q\n2+2?\n")
    assert len(read_table(str(tmp_path / "a.jsonl"))) == 1
    assert len(list(read_records(tmp_path / "b.csv.gz"))) == 1
    assert not cache.exists()


# --- one error format: file, line or row, field, what to do ----------------------------------


def _error(path: Path) -> ProblemFileError:
    with pytest.raises(ProblemFileError) as info:
        list(read_records(path))
    return info.value


def test_a_missing_or_empty_file(tmp_path: Path) -> None:
    missing = _error(tmp_path / "nope.jsonl")
    assert str(missing) == (f"{tmp_path / 'nope.jsonl'}: no such file; check the path "
                            "(data_files= takes local .jsonl, .json, .parquet, .csv files)")
    for name, text in (("empty.jsonl", ""), ("blank.jsonl", "\n\n"), ("header.csv", "q,a\n")):
        (tmp_path / name).write_text(text)
        assert str(_error(tmp_path / name)) == (f"{tmp_path / name}: no records; give a file "
                                                "with at least one record")


def test_a_bad_json_line_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"q": 1}\n\n{"q": 2}\n{"q": 3,}\n')  # line 4 has a trailing comma
    error = _error(path)
    assert (error.file, error.line, error.row) == (str(path), 4, None)
    assert str(error).startswith(f"{path}, line 4: not valid JSON (")
    # a file of several pyarrow blocks: the line is still counted from the top of the file
    row = json.dumps({"q": "x" * 1000}) + "\n"
    path.write_text(row * 1500 + "{oops\n")
    assert _error(path).line == 1501
    array = tmp_path / "bad.json"
    array.write_text('[{"q": 1},\n {"q": 2}\n {"q": 3}]')  # a comma missing after line 2
    assert str(_error(array)).startswith(f"{array}, line 3: not valid JSON (Expecting ',' ")


def test_an_unreadable_file_says_which_format(tmp_path: Path) -> None:
    (tmp_path / "x.parquet").write_text("this is not parquet")
    assert str(_error(tmp_path / "x.parquet")).startswith(
        f"{tmp_path / 'x.parquet'}: cannot be read as Parquet (")
    (tmp_path / "x.jsonl.gz").write_text("not gzip")
    assert "cannot be read as JSON Lines or JSON" in str(_error(tmp_path / "x.jsonl.gz"))
    with pytest.raises(ValueError, match=r"cannot infer the format of .*x\.txt"):
        list(read_records(tmp_path / "x.txt"))


def test_the_error_survives_pickling() -> None:
    """Vector envs make their sources in worker processes, which send errors back pickled."""
    error = ProblemFileError("qa.jsonl", "missing", fix="add it", row=2, field="q")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ProblemFileError and str(copy) == str(error)
    assert (copy.file, copy.row, copy.field, copy.line) == ("qa.jsonl", 2, "q", None)


def test_record_fields() -> None:
    record = Record("qa.jsonl", 3, {"q": "  Why?\n", "n": 7, "flag": True, "blank": " ",
                                    "none": None})
    assert record.text("q") == "Why?" and record.text("q", strip=False) == "  Why?\n"
    assert record.get("n", int) == 7 and record.get("flag", (bool, str)) is True
    assert record.text("blank", None) is None and record.get("none", int, 0) == 0
    expected = {("n", str): "must be str, got int 7",  # no conversion from numbers
                ("flag", int): "must be int, got bool True",  # a bool is no count
                ("none", int): "missing", ("absent", int): "missing"}
    for (field, kind), problem in expected.items():
        with pytest.raises(ProblemFileError) as info:
            record.get(field, kind)
        assert str(info.value) == (f"qa.jsonl, row 3, field {field!r}: {problem}; "
                                   "fix or remove that record (rows count from 0)")
    with pytest.raises(ProblemFileError, match=r"row 3, field 'blank': empty;"):
        record.text("blank")
    with pytest.raises(ProblemFileError, match=r"row 0: expected a record \(an object\), got list"):
        Record("qa.jsonl", 0, ["not", "a", "record"])  # type: ignore[arg-type]


def test_every_source_reports_a_missing_file_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "missing.jsonl"
    loaders = [lambda: load_source("gsm8k", data_files=str(path)), lambda: load_mmlu(path),
               lambda: load_gpqa(path), lambda: load_mbpp(path), lambda: load_stdio(path)]
    messages = set()
    for loader in loaders:
        with pytest.raises(ProblemFileError) as info:
            loader()
        messages.add(str(info.value))
    assert messages == {f"{path}: no such file; check the path (data_files= takes local "
                        ".jsonl, .json, .parquet, .csv files)"}


def test_every_source_names_the_file_row_and_field_of_a_bad_record(tmp_path: Path) -> None:
    """The second record of each file lacks the field its source requires."""
    cases = [(load_mmlu, {"question": "q", "choices": ["a", "b"], "answer": 0}, "question"),
             (load_mbpp, {"task_id": 1, "text": "Add.", "code": "def f(): pass",
                          "test_list": ["assert f() is None"]}, "code"),
             (load_stdio, {"problem": "Echo.", "tests": {"inputs": ["1"], "outputs": ["1"]}},
              "problem")]
    for loader, good, field in cases:
        path = tmp_path / f"{field}.jsonl"
        bad = {key: value for key, value in good.items() if key != field}
        path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
        with pytest.raises(ProblemFileError) as info:
            loader(path)
        assert str(info.value) == (f"{path}, row 1, field {field!r}: missing; fix or remove "
                                   "that record (rows count from 0)")
    gsm8k = tmp_path / "gsm8k.jsonl"
    gsm8k.write_text(json.dumps({"question": "1+1?"}) + "\n")
    with pytest.raises(ProblemFileError, match=re.escape(
            f"{gsm8k}, field 'answer': not found in the data (ColumnMapping.answer); "
            "available: question; map answer to")):
        load_source("gsm8k", data_files=str(gsm8k))
