r"""Dataset adapter: :func:`load_source`, :class:`ColumnMapping` and the :data:`PRESETS`.

Problems come from tabular datasets through :mod:`datasets`: the Hugging Face hub, or local
JSON Lines, JSON, Parquet or CSV files, which :func:`guide_envs.sources.files.read_table` reads
(as it reads every problem file). A :class:`ColumnMapping` says how a record becomes a
:class:`~guide_envs.problem.Problem`, and the presets name the mappings of well-known layouts.

Presets: ``"gsm8k"``, ``"math"`` (MATH-style), ``"guide"`` (the Guide paper's verl-style
parquet), ``"aime24"``, ``"amc23"`` and ``"minerva"``. Every problem id is
``f"{preset or 'dataset'}/{row id}"``, where the row id comes from the mapping's ``id`` column or
is the row's index in the split, so the same file always yields the same ids. Records whose gold
answer cannot be read are skipped, and a warning says how many and which rows.

Example: a tiny GSM8K-style JSON Lines file, loaded with the ``"gsm8k"`` preset.

    >>> import json, pathlib, tempfile
    >>> rows = [
    ...     {"question": "What is 6 * 7?", "answer": "6 * 7 = <<6*7=42>>42\n#### 42"},
    ...     {"question": "What is 999 + 1?", "answer": "It is 1,000.\n#### 1,000"},
    ... ]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "tiny.jsonl"
    ...     _ = path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    ...     source = load_source("gsm8k", data_files=str(path))
    >>> len(source), source[1].id, source[1].answer
    (2, 'gsm8k/1', '1000')
    >>> print(source[0].prompt, source[0].solution, sep="\n")
    What is 6 * 7?
    6 * 7 = 42
    The answer is $\boxed{42}$.

Any other layout works through ``columns``, e.g.
``load_source(data_files="qa.csv", columns={"prompt": "q", "answer": "a"})``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import datasets

from guide_envs.gold import ANSWER_FORMATS, read_gold
from guide_envs.gold import text_of as _text
from guide_envs.problem import Domain, Problem
from guide_envs.sources.base import ListSource
from guide_envs.sources.data_options import local_file_as_data_files
from guide_envs.sources.files import ProblemFileError, iter_rows, read_table

__all__ = ["ANSWER_FORMATS", "PRESETS", "ColumnMapping", "load_source"]

logger = logging.getLogger(__name__)

_DOMAINS = ("math", "science", "code")
_CALCULATOR = re.compile(r"<<[^<>]*>>")


@dataclass(frozen=True)
class ColumnMapping:
    r"""Which columns of a record hold which part of a :class:`~guide_envs.problem.Problem`.

    Every column name may be a dotted path into nested records (``"reward_model.ground_truth"``
    reads ``record["reward_model"]["ground_truth"]``); a column whose own name contains a dot
    is matched first.

    Attributes:
        prompt: Column holding the question. A plain string is used as is; a chat-format list
            of messages (``[{"role": "system", ...}, {"role": "user", "content": ...}]``, as
            in verl and TRL datasets) gives the content of its last ``user`` message, so system
            prompts are dropped and the environment applies its own template.
        answer: Column holding the gold answer, read according to ``answer_format``. None only
            for code problems, which are graded by tests instead.
        answer_format: How the gold answer is read out of ``answer``:
            ``"plain"``, the value as text, stripped;
            ``"gsm8k"``, the text after the last ``####`` with thousands separators (``,``)
            removed (``"... #### 2,125"`` gives ``"2125"``);
            ``"last_boxed"``, the content of the last ``\boxed{}`` in the column (MATH and
            Minerva solutions);
            ``"number"``, a JSON number written canonically (``27.0`` gives ``"27"``,
            ``2.5`` stays ``"2.5"``), for sources that store answers as floats;
            ``"auto"``, one of those guessed from the value (what the trainer adapters use).
            :func:`guide_envs.gold.read_gold` does the reading. A record whose answer cannot
            be read this way is skipped (and counted).
        solution: Column holding a worked reference solution, or None. Read with the same
            chat-format rule as ``prompt``. With ``answer_format="gsm8k"`` it is read GSM8K
            style: the text before the last ``####``, calculator annotations ``<<48/2=24>>``
            removed.
        hint: Column holding precomputed guidance for the hint-on-failure wrapper, or None.
            Plain text or chat format (read like ``prompt``); empty hints become None.
        id: Column holding a stable record id (made into a string), or None to use the row's
            index in the split. Ids must be unique: a repeated id raises ``ValueError``.
        domain: ``"math"``, ``"science"`` or ``"code"``: picks the environment's default
            verifier.
    """

    prompt: str
    answer: str | None
    answer_format: str = "plain"
    solution: str | None = None
    hint: str | None = None
    id: str | None = None
    domain: str = "math"

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt:
            raise ValueError(f"ColumnMapping.prompt must name a column, got {self.prompt!r}")
        if self.answer_format not in ANSWER_FORMATS:
            raise ValueError(f"ColumnMapping.answer_format must be one of {ANSWER_FORMATS}, "
                             f"got {self.answer_format!r}")
        if self.domain not in _DOMAINS:
            raise ValueError(f"ColumnMapping.domain must be one of {_DOMAINS}, "
                             f"got {self.domain!r}")
        if self.answer is None and self.domain != "code":
            raise ValueError(f"ColumnMapping.answer must name a column for a {self.domain} "
                             "source (only code problems have no gold answer)")

    def columns(self) -> dict[str, str]:
        """Return the mapped fields and the column (path) each reads, unmapped fields left out."""
        names = ("prompt", "answer", "solution", "hint", "id")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


PRESETS: dict[str, ColumnMapping] = {
    # openai/gsm8k (config "main") and grade-school-math's JSON Lines files.
    "gsm8k": ColumnMapping(prompt="question", answer="answer", answer_format="gsm8k",
                           solution="answer"),
    # MATH-style records. MATH-500-like copies with an `answer` (and `unique_id`) column use
    # those instead: see _REFINEMENTS.
    "math": ColumnMapping(prompt="problem", answer="solution", answer_format="last_boxed",
                          solution="solution"),
    # The Guide paper's verl-style parquet rows: chat-format `prompt`, a `hint` string,
    # reward_model = {"ground_truth": ..., "style": "rule"}, data_source, extra_info.index.
    "guide": ColumnMapping(prompt="prompt", answer="reward_model.ground_truth", hint="hint",
                           id="extra_info.index"),
    "aime24": ColumnMapping(prompt="problem", answer="answer", solution="solution", id="id"),
    "amc23": ColumnMapping(prompt="problem", answer="answer", answer_format="number", id="id"),
    "minerva": ColumnMapping(prompt="problem", answer="solution", answer_format="last_boxed",
                             solution="solution", id="idx"),
}

#: Preset refinements that apply when the dataset has a column (and the caller did not map
#: that field): {preset: ((column, {field: value, ...}), ...)}.
_REFINEMENTS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "math": (("answer", {"answer": "answer", "answer_format": "plain"}),
             ("unique_id", {"id": "unique_id"})),
}


def load_source(preset: str | None = None, *, path: str | None = None,
                data_files: str | list[str] | dict | None = None, split: str = "train",
                columns: ColumnMapping | Mapping[str, str | None] | None = None,
                name: str | None = None, limit: int | None = None,
                **load_kwargs: Any) -> ListSource:
    """Load one split of a dataset as a :class:`~guide_envs.sources.base.ListSource`.

    Args:
        preset: A key of :data:`PRESETS` giving the column layout, or None (then ``columns``
            must give it).
        path: A hub dataset id (``"openai/gsm8k"``), a local dataset directory or a builder
            name (``"json"``), as for :func:`datasets.load_dataset`. A local file given here is
            taken as ``data_files``.
        data_files: Local or remote data files. Without ``path`` the builder is inferred from
            their extension (``.json``/``.jsonl``, ``.parquet``, ``.csv``, optionally
            compressed). A single file or list is taken as the ``split`` asked for.
        split: The split to read.
        columns: A full :class:`ColumnMapping`, or a mapping ``{field: column}`` that overrides
            or extends the preset's (e.g. ``{"hint": "my_hint"}``).
        name: The dataset configuration (``"main"`` for ``openai/gsm8k``).
        limit: Keep at most this many problems, the first ones in file order (row ids, and so
            problem ids, do not depend on it).
        **load_kwargs: Passed to :func:`datasets.load_dataset` (``revision``, ``cache_dir``...).

    Raises:
        ValueError: An unknown preset, no data to load, ``streaming=True``, a repeated id, or
            no usable record.
        ProblemFileError: A missing or unreadable file, or a column that the data lacks (the
            message names it and the available columns).
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
    if load_kwargs.get("streaming"):
        raise ValueError("streaming is not supported: the split is loaded into memory")
    path, data_files = local_file_as_data_files(path, data_files)
    if path is None and data_files is None:
        raise ValueError("give path= (a hub id such as 'openai/gsm8k' or a builder name) "
                         "or data_files= (local .jsonl/.json/.parquet/.csv files)")
    dataset = _load_split(path, data_files, split, name, load_kwargs)
    mapping = _resolve_mapping(preset, columns, dataset.column_names)
    _check_columns(mapping, dataset.features, str(path if path is not None else data_files))
    label = preset or "dataset"
    return ListSource(_problems(dataset, mapping, label, limit), name=label)


# --- loading ---------------------------------------------------------------------------------


def _load_split(path: str | None, data_files: Any, split: str, name: str | None,
                load_kwargs: dict[str, Any]) -> datasets.Dataset:
    """Load the split, local files with :func:`~guide_envs.sources.files.read_table`.

    Anything named by ``path`` (a hub id, a dataset directory, a builder) goes to
    :func:`datasets.load_dataset`.
    """
    if path is None:
        return read_table(data_files, split=split, name=name, **load_kwargs)
    if data_files is not None and not isinstance(data_files, Mapping):
        data_files = {split: data_files}
    return datasets.load_dataset(path, name=name, data_files=data_files, split=split,
                                 **load_kwargs)


# --- column mapping --------------------------------------------------------------------------


def _resolve_mapping(preset: str | None, columns: ColumnMapping | Mapping[str, Any] | None,
                     available: Sequence[str]) -> ColumnMapping:
    """Take the preset, refine it for the columns present, then apply ``columns``."""
    if isinstance(columns, ColumnMapping):
        return columns
    overrides = dict(columns or {})
    unknown = set(overrides) - {f.name for f in dataclasses.fields(ColumnMapping)}
    if unknown:
        raise ValueError(f"unknown ColumnMapping field(s) {sorted(unknown)}; fields are "
                         f"{[f.name for f in dataclasses.fields(ColumnMapping)]}")
    if preset is None:
        if "prompt" not in overrides:
            raise ValueError("without a preset, columns must map at least 'prompt' and "
                             f"'answer'; presets: {sorted(PRESETS)}")
        return ColumnMapping(**{"answer": None, **overrides})
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}")
    refined: dict[str, Any] = {}
    for column, changes in _REFINEMENTS.get(preset, ()):
        if column in available and not set(changes) & set(overrides):
            refined.update(changes)
    return dataclasses.replace(PRESETS[preset], **{**refined, **overrides})


def _check_columns(mapping: ColumnMapping, features: datasets.Features, origin: str) -> None:
    """Raise a :class:`~guide_envs.sources.files.ProblemFileError` for a mapped column missing.

    The message names ``origin`` (the data files or hub id), the first such column, and the
    columns there are.
    """
    for field_name, path in mapping.columns().items():
        if path in features:
            continue
        node: Any = features
        walked: list[str] = []
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                where = f"under {'.'.join(walked)!r}" if walked else "in the data"
                keys = ", ".join(node) if isinstance(node, Mapping) else "(not a record)"
                raise ProblemFileError(
                    origin, f"not found {where} (ColumnMapping.{field_name}); available: {keys}",
                    field=path, fix=f"map {field_name} to a column that is there with "
                                    f"columns={{{field_name!r}: ...}}")
            node = node[key]
            walked.append(key)


# --- records to problems ---------------------------------------------------------------------


def _problems(dataset: datasets.Dataset, mapping: ColumnMapping, label: str,
              limit: int | None) -> list[Problem]:
    """Convert the usable records; log the skipped ones and reject repeated ids."""
    problems: list[Problem] = []
    skipped: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    used = {path.split(".")[0] for path in mapping.columns().values()}
    read = 0
    for index, record in enumerate(iter_rows(dataset)):
        read += 1
        problem = _to_problem(record, index, mapping, label, used)
        if isinstance(problem, str):
            skipped.setdefault(problem, []).append(index)
            continue
        if problem.id in seen:
            raise ValueError(f"{label}: id {problem.id!r} repeats (rows {seen[problem.id]} and "
                             f"{index} of column {mapping.id!r}); map id to a unique column "
                             "or to None for row indices")
        seen[problem.id] = index
        problems.append(problem)
        if limit is not None and len(problems) >= limit:
            break
    _warn_skipped(label, skipped, read)
    if not problems:
        raise ValueError(f"{label}: no usable record among {len(dataset)} "
                         f"(skipped: {sorted(skipped) or 'none'})")
    return problems


def _to_problem(record: Mapping[str, Any], index: int, mapping: ColumnMapping, label: str,
                used: set[str]) -> Problem | str:
    """Convert one record to a problem, or return the reason it has to be skipped."""
    prompt = _text(_lookup(record, mapping.prompt))
    if not prompt or not prompt.strip():
        return "empty prompt"
    answer = None
    if mapping.answer is not None:
        answer = read_gold(_lookup(record, mapping.answer), mapping.answer_format)
        if answer is None:
            return f"no gold answer readable as {mapping.answer_format!r}"
    row_id = index if mapping.id is None else _lookup(record, mapping.id)
    if row_id is None or str(row_id) == "":
        return "missing id"
    metadata = {"source": label, "row": index,
                **{key: value for key, value in record.items() if key not in used}}
    # ColumnMapping.__post_init__ checked that the domain is one of Problem's.
    return Problem(id=f"{label}/{row_id}", domain=cast(Domain, mapping.domain), prompt=prompt,
                   answer=answer, hint=_optional_text(record, mapping.hint),
                   solution=_solution(record, mapping), metadata=metadata)


def _warn_skipped(label: str, skipped: dict[str, list[int]], read: int) -> None:
    if not skipped:
        return
    total = sum(len(rows) for rows in skipped.values())
    details = "; ".join(f"{len(rows)} with {reason} (rows {_first_rows(rows)})"
                        for reason, rows in skipped.items())
    logger.warning("%s: skipped %d of %d records read: %s", label, total, read, details)


def _first_rows(rows: list[int], shown: int = 10) -> str:
    text = ", ".join(map(str, rows[:shown]))
    return text + (f", ... {len(rows) - shown} more" if len(rows) > shown else "")


def _lookup(record: Mapping[str, Any], path: str) -> Any:
    """``record[path]``, or the value at the dotted ``path``; None where a step is missing."""
    if path in record:
        return record[path]
    value: Any = record
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _optional_text(record: Mapping[str, Any], column: str | None) -> str | None:
    text = None if column is None else _text(_lookup(record, column))
    return text.strip() if text and text.strip() else None


def _solution(record: Mapping[str, Any], mapping: ColumnMapping) -> str | None:
    text = _optional_text(record, mapping.solution)
    if text is not None and mapping.answer_format == "gsm8k":
        # keep the worked steps, drop calculator annotations, and end in a boxed final answer
        # like every other reference solution, so the solution itself grades as correct
        body = _CALCULATOR.sub("", text.rpartition("####")[0] if "####" in text else text)
        gold = read_gold(text, "gsm8k")
        text = body.strip() or None
        if text and gold:
            text += f"\nThe answer is $\\boxed{{{gold}}}$."
    return text
