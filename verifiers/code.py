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

How function-call tests are trusted (:mod:`verifiers.code_calls`): the tests, their setup
code and every expected value stay in this process. The sandbox runs only the candidate's
program under :mod:`verifiers.code_server`; each call a test makes is sent there as arguments,
and only the returned value (and the arguments it mutated) comes back, in a strict encoding
decoded into fresh builtin values. Every comparison happens here. No secret, no test logic and
no evidence channel exist in any process the candidate can reach, so what it does inside its
process (patching builtins, reading frames or memory, forging output) cannot make a test pass.
What is still trusted: names a test reads but does not define come from the candidate (its
functions, classes and constants), except builtins and standard-library modules, which are
always the real ones here.
"""

from __future__ import annotations

import atexit
import decimal
import math
import re
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.channel import Channel
from verifiers.base import TwoStage
from verifiers.code_calls import CallTests, Session, run_call_tests
from verifiers.math.extract import strip_reasoning
from verifiers.verdict import Status, Verdict

__all__ = ["COMPARE_MODES", "SANDBOX_UNAVAILABLE", "CodeVerifier", "SandboxUnavailable",
           "backend_for", "extract_program", "outputs_match"]

#: How stdout is compared with the expected output in stdio tests.
COMPARE_MODES = ("exact", "whitespace", "float")
_FLOAT_TOL = 1e-6
_SERVER = Path(__file__).with_name("code_server.py")
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
    entry_point: str = ""  # the function the asserts test (a builtin's name is allowed)


def _spec(problem: Any) -> _Spec:
    tests = tuple(getattr(problem, "tests", ()) or ())
    meta = getattr(problem, "metadata", None) or {}
    setup, compare = str(meta.get("setup_code", "") or ""), str(meta.get("compare", "") or "")
    entry = str(meta.get("entry_point", "") or "")
    language = str(meta.get("language", "python") or "python").lower()
    if not tests:
        return _Spec("invalid: the problem has no tests", ())
    if all(isinstance(t, Mapping) and "input" in t and "output" in t for t in tests):
        cases = tuple((str(t["input"]), str(t["output"])) for t in tests)
        return _Spec("stdio", cases, setup, compare, language)
    if all(isinstance(t, str) for t in tests):
        return _Spec("asserts", tests, setup, compare, language, entry)
    if all(isinstance(t, Mapping) and "test" in t and "entry_point" in t for t in tests):
        checks = tuple((str(t["test"]), str(t["entry_point"])) for t in tests)
        return _Spec("check", checks, setup, compare, language)
    return _Spec("invalid: tests are neither stdio cases, assert strings nor check functions",
                 ())


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
        """Run the candidate in the sandbox against the tests (stdio or function calls); grade.

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
        """Run the tests here, the candidate in the sandbox (module doc), and grade."""
        from sandbox import ExecStatus

        tests = [(t, None) for t in spec.tests] if spec.kind == "asserts" else list(spec.tests)
        plan = CallTests(spec.setup, tests, self.test_timeout_s, all_tests=self.partial_credit,
                         entry_points=frozenset(filter(None, [spec.entry_point])))
        wall = min(self.deadline_s, self.test_timeout_s * (len(tests) + 2) + 5.0)
        box = _sandbox(backend_for(self.backend, "python"))
        with Channel() as channel:
            result = _Background(lambda: box.run(_SERVER.read_text(), limits=self._limits(wall),
                                                 channel=channel))
            session = Session(channel)
            try:
                run_call_tests(session, program, plan)
            finally:
                session.close()
                run = result.wait()
        if run.status is ExecStatus.SANDBOX_ERROR:
            return Verdict.failed(Status.ERROR, f"sandbox error: {run.stderr[-200:]}", program)
        return self._grade_calls(program, plan, run)

    def _grade_calls(self, program: str, plan: CallTests, run: Any) -> Verdict:
        from sandbox import ExecStatus

        if plan.early:
            status = Status.TIMEOUT if "timed out" in plan.early else Status.INCORRECT
            return self._grade(program, 0, len(plan.tests), plan.early[:200], status)
        passed, first_failure, status = 0, "", Status.INCORRECT
        for i, outcome in enumerate(plan.outcomes):
            if outcome.passed:
                passed += 1
                continue
            if outcome.timed_out:
                status = Status.TIMEOUT
            if not first_failure:
                first_failure = f"test {i + 1}: {outcome.problem}"
        if run.status is not ExecStatus.OK and passed == len(plan.tests):
            # every answer was right, but the process did not end cleanly: not a pass
            status = Status.TIMEOUT if run.status is ExecStatus.TIMEOUT else Status.INCORRECT
            first_failure = f"the candidate's process ended badly ({run.status.value}, exit " \
                            f"code {run.exit_code})"
            passed = len(plan.tests) - 1
        return self._grade(program, passed, len(plan.tests), first_failure, status)

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


class _Background:
    """``fn()`` running in a thread; :meth:`wait` returns its result (or raises its error)."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._result: list[Any] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        try:
            self._result.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self._error.append(exc)

    def wait(self) -> Any:
        self._thread.join()
        if self._error:
            raise self._error[0]
        return self._result[0]
