"""The code verifier: :class:`CodeVerifier`, :func:`extract_program`, :data:`COMPARE_MODES`.

Accepted test shapes (``problem.tests``, all of one kind per problem):

* **stdin/stdout cases**: mappings ``{"input": str, "output": str}``. The program runs once per
  case with the input on stdin; its stdout is compared *outside* the sandbox, by
  ``problem.metadata["compare"]`` (else the verifier's ``compare``): ``"exact"``,
  ``"whitespace"`` (tokens split on whitespace must match) or ``"float"`` (tokens match, numeric
  tokens within ``rel_tol``/``abs_tol`` 1e-6). It must also exit 0.
* **assert statements** (MBPP): strings such as ``"assert f(1) == 2"``; each string is one test.
* **check functions** (HumanEval): one mapping ``{"test": <source defining check(candidate)>,
  "entry_point": <function name>}``; ``check`` is called with the candidate's function.

``problem.metadata`` may also give ``"setup_code"`` (trusted code run after the candidate and
before the tests, in the tests' namespace) and ``"language"`` (``"python"`` by default; other
languages work for stdio cases if the sandbox backend supports them).

Evidence scheme for function-call tests (what makes a pass trustworthy):

* Every ``assert X == L`` (or ``L == X``) whose ``L`` is a literal is rewritten, here, into
  "report the value of ``X``": the sandbox never sees ``L``, the harness encodes ``X`` with exact
  type checks (only builtin values survive; objects whose ``__eq__`` lies become opaque), and
  the comparison with ``L`` happens in this process. Such an assert cannot be passed without
  computing the right value. All of MBPP's and most of HumanEval's asserts take this path.
* Other asserts run inside, rewritten to ``_h_check(k, expr)`` with every call's result checked
  to be a plain builtin value and the environment restored (so patched ``builtins``,
  ``AssertionError`` or ``math.isclose`` and lying objects do not help).
* The harness (:mod:`verifiers.code_harness`) reads a fresh random nonce, the code and the tests
  from stdin (no test file exists), blocks introspection with an audit hook, and writes one line
  per event prefixed by the nonce to a saved copy of fd 1. A test passes only with its
  ``P`` line, every required value report present and equal, and no failure; the run needs the
  final ``D`` line and exit code 0. ``sys.exit``/``os._exit``/``SystemExit``/
  ``KeyboardInterrupt`` leave lines missing, so they fail.

Limits, honestly: candidate and harness share one process. The audit hook closes the known
routes to the nonce (frames, ``gc``, ``ctypes``, ``/proc/self/mem``, subprocesses, threads), but
a route it misses would let a candidate forge the ``P``/``D`` lines of *in-sandbox* asserts;
value-reported asserts stay safe even then. Helper functions given in a HumanEval prompt are
part of the candidate's program, and tests that call them trust them.
"""

from __future__ import annotations

import ast
import atexit
import decimal
import math
import re
import secrets
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifiers.base import TwoStage
from verifiers.math.extract import strip_reasoning
from verifiers.verdict import Status, Verdict

__all__ = ["COMPARE_MODES", "SANDBOX_UNAVAILABLE", "CodeVerifier", "SandboxUnavailable",
           "backend_for", "extract_program", "outputs_match"]

#: How stdout is compared with the expected output in stdio tests.
COMPARE_MODES = ("exact", "whitespace", "float")
_FLOAT_TOL = 1e-6
_HARNESS = Path(__file__).with_name("code_harness.py")
_PY_TAGS = {"python", "py", "python3", "py3"}
# The info string keeps its leading blanks (stripped later): a "[ \t]*" before it would let two
# adjacent quantifiers share a run of spaces, quadratic when the line then fails on a backtick.
_FENCE = re.compile(r"^[ \t]*```([^\n`]*)$", re.MULTILINE)
_INTEGER = re.compile(r"[+-]?\d+")


# -- extraction ------------------------------------------------------------------------------


def extract_program(response: str, language: str = "python") -> str:
    """The last fenced block in ``language`` (else the last untagged one), else everything.

    Reasoning inside a leading ``<think>`` block is ignored. Linear in the response length.

    >>> extract_program("Try:\\n```python\\nprint(1)\\n```\\nor\\n```\\nprint(2)\\n```")
    'print(1)\\n'
    >>> extract_program("print(3)")
    'print(3)'
    """
    text = strip_reasoning(response)
    wanted = _PY_TAGS if language == "python" else {language.lower()}
    blocks = _fenced_blocks(text)
    for tags in (wanted, {""}):
        chosen = [body for tag, body in blocks if tag in tags]
        if chosen:
            return chosen[-1]
    return text if not blocks else ""


def _fenced_blocks(text: str) -> list[tuple[str, str]]:
    """``(language tag, body)`` of each fenced block; an unclosed last fence runs to the end."""
    blocks: list[tuple[str, str]] = []
    fences = list(_FENCE.finditer(text))
    i = 0
    while i < len(fences):
        opening = fences[i]
        tag = opening.group(1).strip().split(" ")[0].lower() if opening.group(1).strip() else ""
        start = opening.end() + 1
        end = fences[i + 1].start() if i + 1 < len(fences) else len(text)
        blocks.append((tag, text[start:end]))
        i += 2
    return blocks


# -- comparison of stdio output ------------------------------------------------------------------


def outputs_match(actual: str, expected: str, mode: str = "whitespace") -> bool:
    """Whether program output ``actual`` matches ``expected`` under ``mode``.

    >>> outputs_match("1 2\\n", "1  2", "whitespace"), outputs_match("1 2\\n", "1  2", "exact")
    (True, False)
    >>> outputs_match("0.3333333\\n", "0.333333333", "float")
    True
    """
    if mode == "exact":
        return actual == expected
    got, want = actual.split(), expected.split()
    if mode == "whitespace" or len(got) != len(want):
        return got == want
    return all(a == b or _close(a, b) for a, b in zip(got, want, strict=True))


def _close(a: str, b: str) -> bool:
    """Numeric tokens equal: exactly where both are integers, else within the tolerance.

    A relative tolerance on integers would pass 12193230000 for 12193230605 (counts, ids and
    big products must be exact); a float on either side ("4.0000001" for "4") keeps it.
    """
    if _INTEGER.fullmatch(a) and _INTEGER.fullmatch(b):
        return decimal.Decimal(a) == decimal.Decimal(b)  # int() refuses 4,300+ digits
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isclose(x, y, rel_tol=_FLOAT_TOL, abs_tol=_FLOAT_TOL)


# -- the problem as the judge sees it ----------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """Everything :meth:`CodeVerifier.judge` reads from a problem (small and picklable)."""

    kind: str  # "stdio" | "asserts" | "check" | "invalid: <why>"
    tests: tuple[Any, ...]
    setup: str = ""
    compare: str = ""
    language: str = "python"


def _spec(problem: Any) -> _Spec:
    tests = tuple(getattr(problem, "tests", ()) or ())
    meta = getattr(problem, "metadata", None) or {}
    setup, compare = str(meta.get("setup_code", "") or ""), str(meta.get("compare", "") or "")
    language = str(meta.get("language", "python") or "python").lower()
    if not tests:
        return _Spec("invalid: the problem has no tests", ())
    if all(isinstance(t, Mapping) and "input" in t and "output" in t for t in tests):
        cases = tuple((str(t["input"]), str(t["output"])) for t in tests)
        return _Spec("stdio", cases, setup, compare, language)
    if all(isinstance(t, str) for t in tests):
        return _Spec("asserts", tests, setup, compare, language)
    if all(isinstance(t, Mapping) and "test" in t and "entry_point" in t for t in tests):
        checks = tuple((str(t["test"]), str(t["entry_point"])) for t in tests)
        return _Spec("check", checks, setup, compare, language)
    return _Spec("invalid: tests are neither stdio cases, assert strings nor check functions",
                 ())


# -- rewriting asserts -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Rewritten:
    """A test's source as sent to the sandbox, with what the verifier keeps to itself."""

    src: str
    expected: dict[int, Any]  # assert id -> the literal its reported value must equal
    required: frozenset[int]  # value asserts that must report at least once


class _AssertRewriter(ast.NodeTransformer):
    """Turns ``assert`` statements into value reports or guarded in-sandbox checks."""

    def __init__(self, first_id: int) -> None:
        self.next_id = first_id
        self.expected: dict[int, Any] = {}
        self.required: set[int] = set()
        self._depth = 0  # nesting inside loops, ifs, withs, trys (asserts there may not run)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        nested = isinstance(node, (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.AsyncFor,
                                   ast.AsyncWith, ast.Lambda, ast.ClassDef))
        self._depth += nested
        try:
            return super().generic_visit(node)
        finally:
            self._depth -= nested

    def visit_Assert(self, node: ast.Assert) -> ast.AST:
        k, self.next_id = self.next_id, self.next_id + 1
        split = _split_literal_eq(node.test)
        if split is not None:
            value, expected = split
            self.expected[k] = expected
            if self._depth == 0:
                self.required.add(k)
            return _call_stmt("_h_report", k, value, node)
        return _call_stmt("_h_check", k, _GuardCalls().visit(node.test), node)


class _GuardCalls(ast.NodeTransformer):
    """Wrap every call's result in ``_h_guard(...)`` (plain values only, environment restored)."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        return ast.Call(ast.Name("_h_guard", ast.Load()), [node], [])

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        return node


def _split_literal_eq(test: ast.expr) -> tuple[ast.expr, Any] | None:
    """``(value expression, expected literal)`` for ``X == L`` or ``L == X``, else None."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return None
    left, right = test.left, test.comparators[0]
    for value, literal in ((left, right), (right, left)):
        if _literal(value) is _NOT_LITERAL and (lit := _literal(literal)) is not _NOT_LITERAL:
            return value, lit
    return None


_NOT_LITERAL = object()


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NOT_LITERAL


def _call_stmt(helper: str, k: int, arg: ast.expr, where: ast.AST) -> ast.stmt:
    call = ast.Call(ast.Name(helper, ast.Load()), [ast.Constant(k), arg], [])
    return ast.copy_location(ast.Expr(call), where)


def _rewrite(source: str, first_id: int) -> tuple[_Rewritten, int]:
    """``source`` with its asserts rewritten (ids from ``first_id``), and the next free id."""
    tree = ast.parse(source)
    rewriter = _AssertRewriter(first_id)
    tree = ast.fix_missing_locations(rewriter.visit(tree))
    rewritten = _Rewritten(ast.unparse(tree), rewriter.expected, frozenset(rewriter.required))
    return rewritten, rewriter.next_id


# -- reading the harness's evidence ----------------------------------------------------------------


def _decode(node: Any) -> Any:
    """The value the harness encoded (raises ``ValueError`` for opaque objects)."""
    tag = node[0]
    if tag == "v":
        return node[1]
    if tag == "f":
        return float(node[1])
    if tag == "c":
        return complex(float(node[1]), float(node[2]))
    if tag in ("l", "t", "S", "F"):
        items = [_decode(x) for x in node[1]]
        return {"l": list, "t": tuple, "S": set, "F": frozenset}[tag](items)
    if tag == "d":
        return {_decode(k): _decode(v) for k, v in node[1]}
    raise ValueError(f"returned {node[1]}" if len(node) > 1 else "returned an opaque object")


def _value_matches(text: str, expected: Any) -> tuple[bool, str]:
    try:
        value = _decode(ast.literal_eval(text))
    except (ValueError, TypeError, SyntaxError, IndexError, MemoryError, RecursionError) as exc:
        return False, f"{exc}"[:120]
    try:
        same = bool(value == expected)
    except Exception as exc:  # noqa: BLE001 - e.g. comparing incomparable containers
        return False, f"comparison failed: {exc!r}"[:120]
    return same, "" if same else f"got {_short(value)}, expected {_short(expected)}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class _TestOutcome:
    """What the evidence says about one test."""

    started: bool = False
    passed: bool = False
    timed_out: bool = False
    problem: str = ""
    reports: set[int] | None = None

    def fail(self, why: str) -> None:
        if not self.problem:
            self.problem = why


def _read_evidence(stdout: str, nonce: str, rewritten: Sequence[_Rewritten]
                   ) -> tuple[list[_TestOutcome], bool, str]:
    """(per-test outcomes, whether the run finished, why the candidate failed before tests)."""
    outcomes = [_TestOutcome(reports=set()) for _ in rewritten]
    expected = {k: v for r in rewritten for k, v in r.expected.items()}
    current: _TestOutcome | None = None
    finished, early = False, ""
    prefix = nonce + " "
    for line in stdout.split("\n"):
        if not line.startswith(prefix):
            continue
        kind, _, rest = line[len(prefix):].partition(" ")
        if kind == "D":
            finished = rest == str(len(rewritten))
        elif kind == "X":
            early = rest
        elif kind in ("S", "P", "E", "T") and rest.split(" ")[0].isdigit():
            i = int(rest.split(" ")[0])
            if i >= len(outcomes):
                continue
            current = _on_test_event(outcomes, current, kind, i, rest)
        elif kind in ("R", "F") and current is not None:
            _on_assert_event(current, kind, rest, expected)
    return outcomes, finished, early


def _on_test_event(outcomes: list[_TestOutcome], current: _TestOutcome | None, kind: str,
                   i: int, rest: str) -> _TestOutcome | None:
    outcome = outcomes[i]
    if kind == "S":
        if outcome.started:
            outcome.fail("test started twice")
        outcome.started = True
        return outcome
    if outcome is not current:
        outcome.fail("evidence out of order")
        return current
    if kind == "P":
        outcome.passed = True
    elif kind == "T":
        outcome.timed_out = True
        outcome.fail("timed out")
    else:
        outcome.fail(rest.partition(" ")[2] or "error")
    return None


def _on_assert_event(current: _TestOutcome, kind: str, rest: str, expected: dict[int, Any]
                     ) -> None:
    k_text, _, payload = rest.partition(" ")
    if not k_text.isdigit():
        current.fail("malformed evidence")
        return
    k = int(k_text)
    if kind == "F":
        current.fail(payload or "AssertionError")
        return
    if k not in expected:
        current.fail("evidence for an unknown assert")
        return
    assert current.reports is not None
    current.reports.add(k)
    same, why = _value_matches(payload, expected[k])
    if not same:
        current.fail(f"AssertionError ({why})")


# -- the sandbox ---------------------------------------------------------------------------------

_boxes: dict[str, Any] = {}
_boxes_lock = threading.Lock()


def backend_for(kind: str, language: str) -> str:
    """The backend to open: ``"auto"`` for Python is the warm bubblewrap sandbox where it works.

    Each run there forks a pre-imported interpreter in one long-lived sandbox that is wiped
    between runs, about five times cheaper than a new sandbox and interpreter per run.
    """
    if kind == "auto" and language == "python":
        from sandbox.warm import WarmBwrapSandbox

        if WarmBwrapSandbox.unavailable() is None:
            return "bwrap-warm"
    return kind


#: How an ``unavailable`` code verdict's reason starts.
SANDBOX_UNAVAILABLE = "sandbox unavailable"
_INSTALL = ("install bubblewrap (apt-get install bubblewrap) or start Docker, or choose a "
            "backend that works here with CodeVerifier(backend=...)")


class SandboxUnavailable(RuntimeError):
    """No sandbox of the asked kind can start on this machine."""


def _sandbox(kind: str) -> Any:
    """The sandbox of ``kind`` opened once per process (closed at exit).

    Raises :class:`SandboxUnavailable` (saying why and what to install) when it cannot open;
    the next call tries again.
    """
    import sandbox

    with _boxes_lock:
        box = _boxes.get(kind)
        if box is None:
            try:
                box = sandbox.open(kind)
            except Exception as exc:  # noqa: BLE001 - every backend failure means the same
                raise SandboxUnavailable(f"{SANDBOX_UNAVAILABLE}: sandbox.open({kind!r}) "
                                         f"failed: {exc}; {_INSTALL}") from exc
            _boxes[kind] = box
            atexit.register(box.close)
        return box


# -- the verifier ----------------------------------------------------------------------------------


class CodeVerifier(TwoStage):
    """Grades programs against stdin/stdout cases or function-call tests, in a sandbox.

    Example:
        >>> from types import SimpleNamespace
        >>> problem = SimpleNamespace(tests=("assert add(2, 3) == 5",), metadata={})
        >>> v = CodeVerifier().verify("```python\\ndef add(a, b):\\n    return a + b\\n```",
        ...                           problem)
        >>> v.status.value, v.reason
        ('correct', '1/1 tests passed')
    """

    name = "code"

    def __init__(self, deadline_s: float = 30.0, *, backend: str = "auto",
                 partial_credit: bool = False, test_timeout_s: float = 5.0,
                 compare: str = "whitespace", memory_mb: int = 512) -> None:
        """Configure the verifier.

        Args:
            deadline_s: Seconds one verification may take, all tests together.
            backend: The sandbox kind for :func:`sandbox.open` (``"auto"``, ``"bwrap"``, ...).
            partial_credit: Score the fraction of tests passed (else 1 or 0).
            test_timeout_s: Seconds one test (one stdio case, one assert) may run.
            compare: Default stdio comparison, one of :data:`COMPARE_MODES`.
            memory_mb: Memory limit of the program, in MiB.
        """
        super().__init__(deadline_s)
        if compare not in COMPARE_MODES:
            raise ValueError(f"compare must be one of {COMPARE_MODES}, got {compare!r}")
        if not test_timeout_s > 0:
            raise ValueError(f"test_timeout_s must be positive, got {test_timeout_s!r}")
        self.backend = backend
        self.partial_credit = partial_credit
        self.test_timeout_s = test_timeout_s
        self.compare = compare
        self.memory_mb = memory_mb

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The program: the last fenced block in the problem's language, else the response."""
        meta = getattr(problem, "metadata", None) or {}
        program = extract_program(response, str(meta.get("language", "python") or "python"))
        if not program.strip():
            return Verdict.failed(Status.NO_ANSWER, "no program found in the response")
        return program

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """Run the tests on ``extracted`` in the sandbox and grade the evidence.

        When no sandbox can start here the verdict is ``unavailable`` (score 0), its reason
        starting with :data:`SANDBOX_UNAVAILABLE` and saying what to install.
        """
        spec = problem if isinstance(problem, _Spec) else _spec(problem)
        if spec.kind.startswith("invalid"):
            return Verdict.failed(Status.ERROR, spec.kind.partition(": ")[2], extracted)
        if spec.kind != "stdio" and spec.language != "python":
            return Verdict.failed(Status.ERROR, f"function-call tests need python, not "
                                  f"{spec.language}", extracted)
        try:
            if spec.kind == "stdio":
                return self._judge_stdio(extracted, spec)
            return self._judge_calls(extracted, spec)
        except SandboxUnavailable as exc:
            return Verdict.failed(Status.UNAVAILABLE, str(exc)[:1000], extracted)

    def cache_key(self, problem: Any) -> Hashable:
        """The tests, setup code, comparison and language."""
        return repr(_spec(problem))

    def portable(self, problem: Any) -> Any:
        """Only the tests and the settings that grade them travel to the judging worker."""
        return _spec(problem)

    # -- stdio --------------------------------------------------------------------------------

    def _limits(self, wall_s: float) -> Any:
        from sandbox import Limits

        return Limits(wall_s=wall_s, memory_mb=self.memory_mb)

    def _judge_stdio(self, program: str, spec: _Spec) -> Verdict:
        from sandbox import ExecStatus

        box = _sandbox(backend_for(self.backend, spec.language))
        mode = spec.compare or self.compare
        passed, first_failure, status = 0, "", Status.INCORRECT
        for i, (stdin, expected) in enumerate(spec.tests):
            result = box.run(program, stdin=stdin, limits=self._limits(self.test_timeout_s),
                             language=spec.language)
            if result.status is ExecStatus.OK and outputs_match(result.stdout, expected, mode):
                passed += 1
                continue
            if result.status is ExecStatus.SANDBOX_ERROR:
                return Verdict.failed(Status.ERROR, f"sandbox error: {result.stderr[-200:]}",
                                      program)
            if not first_failure:
                first_failure = f"test {i + 1}: {_stdio_failure(result, ExecStatus)}"
                if result.status is ExecStatus.TIMEOUT:
                    status = Status.TIMEOUT
            if not self.partial_credit:
                break
        return self._grade(program, passed, len(spec.tests), first_failure, status)

    # -- function calls ------------------------------------------------------------------------

    def _judge_calls(self, program: str, spec: _Spec) -> Verdict:
        from sandbox import ExecStatus

        try:
            rewritten = _rewrite_tests(spec)
        except SyntaxError as exc:
            return Verdict.failed(Status.ERROR, f"the problem's tests do not parse: {exc}",
                                  program)
        nonce = secrets.token_hex(16)
        payload = _payload(nonce, program, spec, rewritten, self.test_timeout_s)
        wall = min(self.deadline_s, self.test_timeout_s * len(rewritten) + 5.0)
        box = _sandbox(backend_for(self.backend, "python"))
        result = box.run(_HARNESS.read_text(), stdin=payload, limits=self._limits(wall))
        if result.status is ExecStatus.SANDBOX_ERROR:
            return Verdict.failed(Status.ERROR, f"sandbox error: {result.stderr[-200:]}",
                                  program)
        outcomes, finished, early = _read_evidence(result.stdout, nonce, rewritten)
        return self._grade_calls(program, outcomes, rewritten, result, finished, early)

    def _grade_calls(self, program: str, outcomes: list[_TestOutcome],
                     rewritten: Sequence[_Rewritten], result: Any, finished: bool,
                     early: str) -> Verdict:
        from sandbox import ExecStatus

        passed, first_failure, status = 0, "", Status.INCORRECT
        for i, (outcome, test) in enumerate(zip(outcomes, rewritten, strict=True)):
            missing = test.required - (outcome.reports or set())
            if outcome.passed and not outcome.problem and not missing:
                passed += 1
                continue
            if outcome.timed_out:
                status = Status.TIMEOUT
            if not first_failure:
                why = outcome.problem or ("an assert did not run" if outcome.passed else
                                          "no evidence that it ran")
                first_failure = f"test {i + 1}: {why}"
        if early:
            first_failure = early[:200]
            status = Status.TIMEOUT if "timed out" in early else Status.INCORRECT
        elif not finished or result.status is not ExecStatus.OK:
            if result.status is ExecStatus.TIMEOUT:
                status = Status.TIMEOUT
            end = f"the run ended early ({result.status.value}, exit code {result.exit_code})"
            first_failure = f"{first_failure}; {end}" if first_failure else end
            passed = min(passed, len(rewritten) - 1)
        return self._grade(program, passed, len(rewritten), first_failure, status)

    # -- verdicts --------------------------------------------------------------------------------

    def _grade(self, program: str, passed: int, total: int, failure: str,
               status: Status) -> Verdict:
        reason = f"{passed}/{total} tests passed" + (f"; {failure}" if failure else "")
        if passed == total and not failure:
            return Verdict.right(program, reason)
        score = passed / total if self.partial_credit and total else 0.0
        if status is Status.TIMEOUT and not self.partial_credit:
            return Verdict.failed(Status.TIMEOUT, reason, program)
        return Verdict(False, score, status, program, reason)


def _stdio_failure(result: Any, exec_status: Any) -> str:
    if result.status is exec_status.OK:
        return "wrong output"
    if result.status is exec_status.RUNTIME_ERROR:
        last = result.stderr.strip().splitlines()[-1:] or [f"exit code {result.exit_code}"]
        return f"runtime error ({last[0][:120]})"
    return result.status.value.replace("_", " ")


def _rewrite_tests(spec: _Spec) -> list[_Rewritten]:
    rewritten, next_id = [], 0
    for test in spec.tests:
        source = test if spec.kind == "asserts" else test[0]
        item, next_id = _rewrite(source, next_id)
        rewritten.append(item)
    return rewritten


def _payload(nonce: str, program: str, spec: _Spec, rewritten: Sequence[_Rewritten],
             per_test_s: float) -> str:
    calls = [None if spec.kind == "asserts" else test[1] for test in spec.tests]
    # repr() of plain str/float/None/list/dict is a Python literal the harness evaluates
    return repr({
        "nonce": nonce, "code": program, "setup": spec.setup, "per_test_s": float(per_test_s),
        "tests": [{"src": r.src, "call": c} for r, c in zip(rewritten, calls, strict=True)]})
