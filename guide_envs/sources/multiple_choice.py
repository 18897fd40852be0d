r"""Multiple-choice science records as problems: load_mmlu, load_aqua, load_gpqa.

:func:`problems_from_records` converts records already in memory.

Every problem is in the ``science`` domain with its options in ``choices`` (shown lettered by the
prompt template) and the correct letter as ``answer``, which is what the science verifier grades
against: a response may give the letter or the option's text. Ids are ``<layout>/<row>``, the
row's index in the file, so the same file always gives the same ids. Files are read by
:func:`guide_envs.sources.files.read_records` (JSON Lines, JSON, CSV or Parquet); a missing or
unreadable file or a malformed record raises its
:class:`~guide_envs.sources.files.ProblemFileError`, naming the file, the row and the field.

Layouts:

- ``"mmlu"``: ``question``, ``choices`` (a list), ``answer`` (the index of the correct option,
  also as a digit string, or its letter: :func:`guide_envs.gold.option_letter`); ``type`` or
  ``subject`` kept as ``metadata["subject"]``.
- ``"aqua"``: ``question``, ``options`` like ``"A)5"`` (a doubled ``"A)A)5"`` is read as
  ``"5"``), ``correct`` (a letter), ``rationale`` (becomes the reference solution).
- ``"gpqa"``: ``Question``, ``Correct Answer``, ``Incorrect Answer 1`` to ``3``, optional
  ``Explanation``; the options are shuffled by a seed (the same seed, the same order).

Example:
    >>> records = [{"question": "Which gas do plants take in?", "type": "biology",
    ...             "choices": ["O2", "CO2", "N2", "He"], "answer": 1}]
    >>> [p] = problems_from_records(records, "mmlu")
    >>> p.id, p.choices, p.answer, p.metadata["subject"]
    ('mmlu/0', ('O2', 'CO2', 'N2', 'He'), 'B', 'biology')
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from guide_envs.gold import option_letter
from guide_envs.problem import Problem
from guide_envs.sources.base import ListSource
from guide_envs.sources.files import Record, read_records

__all__ = ["LAYOUTS", "load_aqua", "load_gpqa", "load_mmlu", "problems_from_records"]

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_AQUA_OPTION = re.compile(r"\s*\(?([A-Z])\s*\)\s*(.*)", re.DOTALL)
_GPQA_WRONG = ("Incorrect Answer 1", "Incorrect Answer 2", "Incorrect Answer 3")


def _options(row: Record, field: str) -> list[str]:
    """The field as a list of 2 to 26 options, each as stripped text."""
    value = row.get(field)
    if not isinstance(value, list) or not 2 <= len(value) <= len(_LETTERS):
        raise row.error(field, f"expected a list of 2 to {len(_LETTERS)} options, got {value!r}")
    if not all(isinstance(option, (str, int, float)) for option in value):
        raise row.error(field, f"options must be text, got {value!r}")
    return [str(option).strip() for option in value]


def _problem(row: Record, layout: str, prompt: str, choices: list[str], letter: str,
             solution: str | None = None, **metadata: Any) -> Problem:
    if solution is not None:
        solution = f"{solution}\nThe answer is $\\boxed{{{letter}}}$."
    return Problem(id=f"{layout}/{row.row}", domain="science", prompt=prompt,
                   answer=letter, choices=tuple(choices), solution=solution,
                   metadata={"source": layout, "row": row.row, **metadata})


def _mmlu(row: Record, seed: int) -> Problem:
    """An MMLU record: ``question``, ``choices`` and the correct ``answer`` index."""
    choices = _options(row, "choices")
    answer = row.values.get("answer")
    letter = option_letter(answer, choices)  # the adapters read option golds with it too
    if letter is None:
        raise row.error("answer", f"expected an index 0..{len(choices) - 1} or a letter, "
                                  f"got {answer!r}")
    subject = row.text("type", None) or row.text("subject", None)
    return _problem(row, "mmlu", row.text("question"), choices, letter, subject=subject)


def _aqua(row: Record, seed: int) -> Problem:
    """An AQuA-RAT record: ``options`` like ``"A)5"``, the ``correct`` letter, a ``rationale``."""
    choices = []
    for i, option in enumerate(_options(row, "options")):
        m = _AQUA_OPTION.fullmatch(option)
        if m is None or m.group(1) != _LETTERS[i]:
            raise row.error("options", f"option {i} should start with '{_LETTERS[i]})', "
                                       f"got {option!r}")
        text = m.group(2).strip()
        repeated = _AQUA_OPTION.fullmatch(text)  # a few records say "A)A)59"
        if repeated is not None and repeated.group(1) == _LETTERS[i]:
            text = repeated.group(2).strip()
        choices.append(text)
    letter = row.text("correct").upper()
    if letter not in _LETTERS[:len(choices)]:
        raise row.error("correct", f"expected a letter A-{_LETTERS[len(choices) - 1]}, "
                                   f"got {letter!r}")
    return _problem(row, "aqua", row.text("question"), choices, letter,
                    solution=row.text("rationale", None))


def _gpqa(row: Record, seed: int) -> Problem:
    """A GPQA record: the correct answer and three wrong ones, shuffled by ``seed`` and row."""
    correct = row.text("Correct Answer")
    options = [correct, *(row.text(field) for field in _GPQA_WRONG)]
    random.Random(f"gpqa:{seed}:{row.row}").shuffle(options)
    letter = _LETTERS[options.index(correct)]
    return _problem(row, "gpqa", row.text("Question"), options, letter,
                    solution=row.text("Explanation", None), seed=seed,
                    subject=row.text("Subdomain", None))


#: The record layouts :func:`problems_from_records` reads, by name.
LAYOUTS: dict[str, Callable[[Record, int], Problem]] = {"mmlu": _mmlu, "aqua": _aqua,
                                                      "gpqa": _gpqa}


def problems_from_records(records: Iterable[Any], layout: str, *, seed: int = 0,
                          limit: int | None = None, origin: str = "records") -> list[Problem]:
    """Convert records of ``layout`` (a key of :data:`LAYOUTS`) to problems, in order.

    Args:
        records: The records, in file order (row ``i`` gets the id ``<layout>/<i>``).
        layout: ``"mmlu"``, ``"aqua"`` or ``"gpqa"``.
        seed: GPQA only: the seed of the option order.
        limit: Keep at most this many problems (the first ones).
        origin: Names the records in error messages (a file path).

    Raises:
        ValueError: An unknown layout or a bad limit.
        ProblemFileError: A malformed record (a ``ValueError`` naming ``origin``, the row and
            the field).

    >>> rows = [{"Question": "2 + 2?", "Correct Answer": "4", "Incorrect Answer 1": "3",
    ...          "Incorrect Answer 2": "5", "Incorrect Answer 3": "22"}]
    >>> [p] = problems_from_records(rows, "gpqa", seed=1)
    >>> p.choices[ord(p.answer) - ord("A")]
    '4'
    >>> problems_from_records([{"question": "?", "choices": ["a", "b"]}], "mmlu")
    Traceback (most recent call last):
    ...
    guide_envs.sources.files.ProblemFileError: records, row 0, field 'answer': expected an index \
0..1 or a letter, got None; fix or remove that record (rows count from 0)
    """
    rows = (Record(origin, index, record) for index, record in enumerate(records))
    return _problems(rows, layout, seed, limit)


def _problems(rows: Iterable[Record], layout: str, seed: int,
              limit: int | None) -> list[Problem]:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {sorted(LAYOUTS)}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
    convert = LAYOUTS[layout]
    problems: list[Problem] = []
    for row in rows:
        if limit is not None and len(problems) >= limit:
            break
        problems.append(convert(row, seed))
    return problems


def _load(path: str | Path, layout: str, seed: int, limit: int | None) -> ListSource:
    problems = _problems(read_records(path), layout, seed, limit)
    return ListSource(problems, name=layout)


def load_mmlu(path: str | Path, *, limit: int | None = None) -> ListSource:
    """MMLU-style records (``question``, ``choices``, ``answer`` index) from a file.

    ``path`` is a ``.jsonl``, ``.json``, ``.csv`` or ``.parquet`` file (see the module docstring).

    >>> import json, pathlib, tempfile
    >>> row = {"question": "Unit of force?", "choices": ["J", "N", "W", "Pa"], "answer": 1}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "mmlu.jsonl"
    ...     _ = path.write_text(json.dumps(row) + "\\n")
    ...     source = load_mmlu(path)
    >>> len(source), source.find("mmlu/0").answer
    (1, 'B')
    """
    return _load(path, "mmlu", 0, limit)


def load_aqua(path: str | Path, *, limit: int | None = None) -> ListSource:
    """AQuA-RAT records (``options`` like ``"A)5"``, ``correct``, ``rationale``) from a file.

    >>> import json, pathlib, tempfile
    >>> row = {"question": "3 * 4?", "options": ["A)7", "B)12", "C)34"], "correct": "B",
    ...        "rationale": "3 * 4 = 12. Answer: B"}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "aqua.jsonl"
    ...     _ = path.write_text(json.dumps(row) + "\\n")
    ...     p = load_aqua(path)[0]
    >>> p.choices, p.answer, p.solution.splitlines()[-1]
    (('7', '12', '34'), 'B', 'The answer is $\\\\boxed{B}$.')
    """
    return _load(path, "aqua", 0, limit)


def load_gpqa(path: str | Path, *, seed: int = 0, limit: int | None = None) -> ListSource:
    """GPQA records (``Question``, ``Correct Answer``, ``Incorrect Answer 1..3``) from a file.

    The options of row ``i`` are shuffled by ``Random(f"gpqa:{seed}:{i}")``: the same seed
    always gives the same order, and the answer letter follows the correct option.

    >>> import csv, pathlib, tempfile
    >>> fields = ["Question", "Correct Answer", "Incorrect Answer 1", "Incorrect Answer 2",
    ...           "Incorrect Answer 3"]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "gpqa.csv"
    ...     with path.open("w", newline="") as f:
    ...         csv.writer(f).writerows([fields, ["Noble gas?", "Ne", "Na", "N", "Ni"]])
    ...     a, b = load_gpqa(path, seed=3)[0], load_gpqa(path, seed=3)[0]
    >>> a == b, a.choices[ord(a.answer) - ord("A")]
    (True, 'Ne')
    """
    return _load(path, "gpqa", seed, limit)
