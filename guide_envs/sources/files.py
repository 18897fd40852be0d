r"""Problem files, read through :mod:`datasets`: :func:`read_table`, :func:`read_records`.

This is the one reader of problem files. The dataset presets
(:mod:`guide_envs.sources.datasets`), the multiple-choice layouts
(:mod:`guide_envs.sources.multiple_choice`) and the code benchmarks
(:mod:`guide_envs.sources.code_datasets`) all read their files here; each keeps only its own
mapping of a record to a :class:`~guide_envs.problem.Problem`.

A local JSON Lines, JSON (an array of objects), Parquet or CSV file, optionally compressed,
becomes an in-memory :class:`datasets.Dataset`. ``datasets`` writes Arrow files while it
converts; they go to a temporary folder removed at once, so loading leaves nothing in the
user's Hugging Face cache and fetches nothing.

Everything wrong with a file raises a :class:`ProblemFileError` (a ``ValueError``) in one
format, ``<file>[, line <n> | , row <i>][, field '<name>']: <what is wrong>; <what to do>``.
Rows count the file's records from 0, as problem ids do (``mmlu/0`` is row 0); ``line`` is the
1-based line of a JSON file that does not parse.

Example: the records of a JSON Lines file, and an error naming file, row and field.

    >>> import json, pathlib, tempfile
    >>> rows = [{"question": "2 + 2?", "answer": 4}, {"question": "3 + 3?"}]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "sums.jsonl"
    ...     _ = path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    ...     records = list(read_records(path))
    >>> [(r.row, r.text("question"), r.get("answer", int, None)) for r in records]
    [(0, '2 + 2?', 4), (1, '3 + 3?', None)]
    >>> records[1].get("answer", int)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    guide_envs.sources.files.ProblemFileError: .../sums.jsonl, row 1, field 'answer': missing; ...
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets
import pandas as pd
import pyarrow as pa

__all__ = ["ProblemFileError", "Record", "iter_rows", "read_records", "read_table"]

_BUILDERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".csv": "csv"}
_COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst", ".zip")
_EXTENSIONS = ", ".join(_BUILDERS)
_FORMATS = {"json": "JSON Lines or JSON", "parquet": "Parquet", "csv": "CSV"}
#: What ``datasets`` raises on a file it cannot convert (StopIteration: an empty JSON file).
_UNREADABLE = (datasets.exceptions.DatasetGenerationError, pa.ArrowException, ValueError,
               OSError, StopIteration)
_FIX_RECORD = "fix or remove that record (rows count from 0)"
_FIX_EMPTY = "give a file with at least one record"
_REQUIRED: Any = object()
_BATCH = 1000


class ProblemFileError(ValueError):
    """A problem file that cannot be used: missing, unreadable, or a record with a bad field.

    The message is ``<file>[, line <n> | , row <i>][, field '<name>']: <problem>; <fix>``.

    >>> str(ProblemFileError("qa.jsonl", "missing", row=3, field="answer", fix="add it"))
    "qa.jsonl, row 3, field 'answer': missing; add it"
    """

    def __init__(self, file: str, problem: str, *, fix: str, row: int | None = None,
                 field: str | None = None, line: int | None = None) -> None:
        self.file, self.problem, self.fix = file, problem, fix
        self.row, self.field, self.line = row, field, line
        where = "".join([file, f", line {line}" if line is not None else "",
                         f", row {row}" if row is not None else "",
                         f", field {field!r}" if field is not None else ""])
        super().__init__(f"{where}: {problem}; {fix}")

    def __reduce__(self) -> tuple[Any, ...]:
        # keyword arguments do not survive the default pickling of exceptions (worker processes)
        return _rebuild_error, (self.file, self.problem, self.fix, self.row, self.field,
                                self.line)


def _rebuild_error(file: str, problem: str, fix: str, row: int | None, field: str | None,
                   line: int | None) -> ProblemFileError:
    return ProblemFileError(file, problem, fix=fix, row=row, field=field, line=line)


@dataclass(frozen=True)
class Record:
    """One record of a problem file, with typed field access whose errors name file, row, field.

    A field that is absent or None is missing (a table gives every record every column, None
    where a record lacks it).

    >>> r = Record("qa.jsonl", 0, {"q": " Why? ", "n": "7"})
    >>> r.text("q"), r.text("hint", None), r.get("n", (int, str))
    ('Why?', None, '7')
    >>> r.get("n", int)
    Traceback (most recent call last):
    ...
    guide_envs.sources.files.ProblemFileError: qa.jsonl, row 0, field 'n': must be int, got str \
'7'; fix or remove that record (rows count from 0)
    """

    file: str
    row: int
    values: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.values, Mapping):
            raise ProblemFileError(self.file, "expected a record (an object), got "
                                   f"{type(self.values).__name__}", row=self.row,
                                   fix=_FIX_RECORD)

    def error(self, field: str, problem: str) -> ProblemFileError:
        """The error for ``field`` of this record: ``problem`` says what is wrong with it."""
        return ProblemFileError(self.file, problem, row=self.row, field=field, fix=_FIX_RECORD)

    def get(self, field: str, kind: type | tuple[type, ...] = object,
            default: Any = _REQUIRED) -> Any:
        """The field's value, checked to be a ``kind``; ``default`` if given and it is missing."""
        value = self.values.get(field)
        if value is None:
            if default is _REQUIRED:
                raise self.error(field, "missing")
            return default
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds
                                            and object not in kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.error(field, f"must be {names}, got {type(value).__name__} "
                                    f"{_short(value)}")
        return value

    def text(self, field: str, default: Any = _REQUIRED, *, strip: bool = True) -> Any:
        """The field as non-blank text (stripped unless ``strip=False``), else ``default``.

        Without a ``default`` a missing or blank field raises.
        """
        value = self.get(field, str, default)
        if value is default:
            return default
        if not value.strip():
            if default is _REQUIRED:
                raise self.error(field, "empty")
            return default
        return value.strip() if strip else value


def read_records(file: str | os.PathLike[str]) -> Iterator[Record]:
    """The records of one local problem file, in file order (row ``i`` is the ``i``-th record).

    CSV cells are read as the text written (``"007"`` stays ``"007"``, an empty cell is
    ``""``), as :mod:`csv` reads them; JSON values keep their JSON types. See the module example.

    Raises:
        ProblemFileError: The file is missing, has an unknown extension, or does not parse.
    """
    file = os.fspath(file)
    for row, values in enumerate(iter_rows(read_table(file, text_csv=True))):
        yield Record(file, row, values)


def iter_rows(table: datasets.Dataset) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` as dicts, as iterating it gives them, several times faster.

    >>> list(iter_rows(datasets.Dataset.from_dict({"q": ["a", "b"], "n": [1, 2]})))
    [{'q': 'a', 'n': 1}, {'q': 'b', 'n': 2}]
    """
    # a batch at a time: formatting rows one by one costs most of the time
    for batch in table.iter(batch_size=_BATCH):
        for values in zip(*batch.values(), strict=True):
            yield dict(zip(batch, values, strict=True))


def read_table(data_files: str | list[str] | Mapping[str, Any], *, split: str = "train",
               name: str | None = None, text_csv: bool = False,
               **options: Any) -> datasets.Dataset:
    """Load local problem files as one in-memory :class:`datasets.Dataset` split.

    Args:
        data_files: A file, a list of files (taken as ``split``), or ``{split: files}``,
            with one of the extensions ``.jsonl``, ``.json``, ``.parquet``, ``.csv``,
            optionally compressed (``.gz``...).
        split: The split to read.
        name: The builder configuration, as for :func:`datasets.load_dataset`.
        text_csv: Read every CSV cell as text instead of inferring numbers and missing values.
        **options: Passed to :func:`datasets.load_dataset` (builder options such as a CSV
            ``sep``). With ``cache_dir`` the converted data is kept there instead of in a
            temporary folder.

    Raises:
        ProblemFileError: A missing, empty or unreadable file.
        ValueError: Files of mixed or unknown formats.

    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "t.csv"
    ...     _ = path.write_text("q,a\\n1+1?,02\\n")
    ...     inferred, text = read_table(str(path))[0], read_table(str(path), text_csv=True)[0]
    >>> inferred, text
    ({'q': '1+1?', 'a': 2}, {'q': '1+1?', 'a': '02'})
    """
    files = _flatten_files(data_files)
    builder = _infer_builder(files)
    for file in files:
        _check_exists(file)
    if not isinstance(data_files, Mapping):
        data_files = {split: data_files}
    kwargs = {**options, "name": name, "data_files": data_files, "split": split}
    try:
        if builder == "csv" and text_csv:
            kwargs = {**_text_csv_options(files[0]), **kwargs}
        loaded = _load(builder, kwargs)
    except _UNREADABLE as exc:
        raise _unreadable(files, builder, exc) from exc
    if not isinstance(loaded, datasets.Dataset):
        raise ValueError(f"expected one split as a datasets.Dataset, got {type(loaded).__name__}"
                         " (streaming is not supported)")
    return loaded


def _load(builder: str, kwargs: dict[str, Any]) -> Any:
    """:func:`datasets.load_dataset`, in a temporary cache unless ``kwargs`` name one."""
    if "cache_dir" in kwargs:
        return datasets.load_dataset(builder, **kwargs)
    with tempfile.TemporaryDirectory(prefix="guide_rl_datasets_") as cache_dir:
        return datasets.load_dataset(builder, **kwargs, cache_dir=cache_dir, keep_in_memory=True)


# --- files and formats -----------------------------------------------------------------------


def _flatten_files(data_files: Any) -> list[str]:
    if isinstance(data_files, (str, os.PathLike)):
        return [os.fspath(data_files)]
    if isinstance(data_files, Mapping):
        return [file for files in data_files.values() for file in _flatten_files(files)]
    files = [os.fspath(file) for file in data_files]
    if not files:
        raise ValueError("data_files is empty")
    return files


def _infer_builder(files: list[str]) -> str:
    """Name the packaged builder ("json", "parquet", "csv") that all ``files`` share."""
    builders = {_builder_for(file) for file in files}
    if len(builders) != 1:
        raise ValueError(f"data_files mix formats {sorted(builders)}; load them separately or "
                         "pass path= with the builder name")
    return builders.pop()


def _builder_for(file: str) -> str:
    lowered = file.lower()
    for suffix in _COMPRESSIONS:
        lowered = lowered.removesuffix(suffix)
    for extension, builder in _BUILDERS.items():
        if lowered.endswith(extension):
            return builder
    raise ValueError(f"cannot infer the format of {file!r} from its extension; use one of "
                     f"{_EXTENSIONS} or pass path= with the builder name")


def _check_exists(file: str) -> None:
    """Raise for a local path that is not there (URLs and glob patterns go to ``datasets``)."""
    if "://" in file or any(char in file for char in "*?["):
        return
    if not Path(file).is_file():
        raise ProblemFileError(file, "no such file", fix="check the path (data_files= takes "
                               f"local {_EXTENSIONS} files)")
    if Path(file).stat().st_size == 0:
        raise ProblemFileError(file, "no records", fix=_FIX_EMPTY)


def _text_csv_options(file: str) -> dict[str, Any]:
    """Builder options that read every cell of CSV files with ``file``'s header as text."""
    columns = pd.read_csv(file, nrows=0).columns
    return {"features": datasets.Features({str(c): datasets.Value("string") for c in columns}),
            "na_filter": False}


# --- errors ----------------------------------------------------------------------------------


def _unreadable(files: list[str], builder: str, exc: BaseException) -> ProblemFileError:
    """The error for files ``datasets`` could not convert, at the first bad JSON line if any."""
    if builder == "json":
        for file in files:
            bad = _bad_json_line(file)
            if bad is not None:
                return ProblemFileError(file, f"not valid JSON ({bad[1]})", line=bad[0],
                                        fix="fix that line, or write one JSON object a line")
    origin = ", ".join(files)
    if "corresponds to no data" in str(exc):  # only blank lines, or a CSV header alone
        return ProblemFileError(origin, "no records", fix=_FIX_EMPTY)
    cause = exc.__cause__ or exc.__context__ or exc
    return ProblemFileError(origin, f"cannot be read as {_FORMATS[builder]} "
                            f"({str(cause) or type(cause).__name__})",
                            fix=f"check that it is a {_FORMATS[builder]} file of records")


def _bad_json_line(file: str) -> tuple[int, str] | None:
    """The 1-based line where a local, uncompressed JSON (Lines) file stops parsing, and why.

    Only for error messages: ``datasets`` reports a row within a block, blank lines left out.
    """
    path = Path(file)
    if not path.is_file() or path.suffix.lower() not in (".json", ".jsonl"):
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    chunks: Iterable[tuple[int, str]] = (
        [(1, text)] if text.lstrip().startswith("[") else enumerate(text.splitlines(), 1))
    for number, chunk in chunks:
        try:
            if chunk.strip():
                json.loads(chunk)
        except json.JSONDecodeError as exc:
            return number + exc.lineno - 1, exc.msg
    return None


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."
