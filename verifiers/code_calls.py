"""Function-call tests run on the trusted side: :func:`run_call_tests`.

The tests (asserts, HumanEval ``check`` functions, MBPP setup code) run here, in the verifier's
process, never in the sandbox. The candidate's program runs in the sandbox under
:mod:`verifiers.code_server`; every operation a test performs on a candidate function or
object is one request over the run's :class:`~sandbox.channel.Channel`, and only the result
comes back, as a plain value in a strict encoding that this module decodes into fresh objects
it builds itself (``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``,
``bytearray``, ``Fraction``, ``Decimal``, ``range`` and lists, tuples, sets, frozensets and
dicts of them).
Every comparison, ``abs``, ``math.isclose`` or ``in`` of a test is evaluated here on those
values, so nothing the candidate does in its process can make a test pass except returning the
right values.

* Objects that are not plain values (instances of the candidate's classes, iterators) stay in
  the sandbox; the tests get a :class:`Remote` handle whose attribute reads, calls, iteration,
  ``len``, ``str`` and indexing are requests too. A handle is equal only to itself.
* Arguments a call mutates (lists, dicts, sets, bytearrays) come back and are updated in
  place, so a test that sorts a list through the candidate sees the result.
* Names: a test reads the candidate's names only where it does not define them itself. A
  builtin (``abs``) is always the real builtin; a standard-library module name (``math``) is
  always the real module, imported here (a candidate's own ``math`` object is never used).
* Time: each test has ``per_test_s`` for its requests together; the server stops a call at its
  share with SIGALRM; if it does not answer within a second more, the candidate is declared
  stuck and every later request fails.

Wire format, JSON both ways. A value is a tagged list: ``["n"]``, ``["b", true]``,
``["i", "123"]``, ``["f", "0.5"]``, ``["c", "1.0", "2.0"]``, ``["s", "text"]``,
``["y"|"Y", base64]`` (bytes, bytearray), ``["q", "1", "3"]`` (Fraction), ``["D", "0.1"]``
(Decimal), ``["r", "0", "9", "1"]`` (range), ``["B", "int"]`` (a builtin type or function, by
name), ``["l"|"t"|"S"|"F", [values]]``,
``["d", [[key, value], ...]]``, ``["h", n]`` (handle). Requests: ``{"op": "load", "code",
"names"}``, ``{"op": "call", "target", "args", "kwargs", "timeout"}``, ``{"op": "getattr" |
"setattr" | "getitem" | "contains" | "iter" | "next" | "len" | "bool" | "str" | "repr",
"target", ...}``, ``{"op": "exit"}``. Replies: ``{"ok": value, "mutated": [...]}``,
``{"raised": [name, message]}`` or ``{"timeout": true}``.
"""

from __future__ import annotations

import ast
import base64
import binascii
import builtins
import contextlib
import importlib
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sandbox.channel import Channel, ChannelClosed

__all__ = ["CallTimeout", "CandidateError", "CandidateGone", "Remote", "Session",
           "Outcome", "decode", "encode", "run_call_tests"]

#: Nodes one decoded value may have; more is refused (the candidate is flooding the host).
MAX_NODES = 1_000_000
#: Seconds the host waits beyond a call's own timeout before it declares the candidate stuck.
STUCK_GRACE_S = 1.0
_DIGITS = 4000  # int() refuses more than 4300 digits by default
# Never imported on the candidate's behalf: modules with side effects on import.
_NO_IMPORT = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo",
                        "webbrowser", "pydoc", "lib2to3", "ensurepip", "venv"})
# Builtins a candidate may not hand to the tests (a test that calls what it got back would run
# them here, outside the sandbox).
_UNSAFE_BUILTINS = frozenset({
    "eval", "exec", "compile", "open", "input", "breakpoint", "globals", "locals", "vars",
    "getattr", "setattr", "delattr", "help", "exit", "quit", "copyright", "credits", "license"})
# Exceptions the tests may see by their own class when the candidate raises them.
_EXITS = frozenset({"SystemExit", "KeyboardInterrupt", "GeneratorExit"})


class CandidateError(RuntimeError):
    """The candidate raised an exception that is not a builtin one (its name is in the text)."""


class CallTimeout(BaseException):
    """A request ran past the test's time.

    Not an Exception: ``except Exception`` in a test must not turn a hung candidate into a pass.
    """


class CandidateGone(BaseException):
    """The candidate's process ended, is stuck after a timeout, or broke the protocol."""


# -- the strict encoding ------------------------------------------------------------------------


def encode(value: Any) -> list[Any]:
    """A trusted value as sent to the sandbox: plain values and :class:`Remote` handles only.

    >>> encode((1, [2.5, "a"]))
    ['t', [['i', '1'], ['l', [['f', '2.5'], ['s', 'a']]]]]
    """
    kind = type(value)
    if value is None:
        return ["n"]
    if kind is bool:
        return ["b", value]
    if kind is int:
        return ["i", str(value)]
    if kind is float:
        return ["f", repr(value)]
    if kind is complex:
        return ["c", repr(value.real), repr(value.imag)]
    if kind is str:
        return ["s", value]
    if kind in (bytes, bytearray):
        return ["y" if kind is bytes else "Y", base64.b64encode(value).decode("ascii")]
    tags = {list: "l", tuple: "t", set: "S", frozenset: "F"}
    if kind in tags:
        return [tags[kind], [encode(item) for item in value]]
    if kind is dict:
        return ["d", [[encode(k), encode(v)] for k, v in value.items()]]
    if kind is range:
        return ["r", str(value.start), str(value.stop), str(value.step)]
    if kind is Fraction:
        return ["q", str(value.numerator), str(value.denominator)]
    if kind is Decimal:
        return ["D", str(value)]
    if kind is Remote:
        return ["h", object.__getattribute__(value, "_key")]
    name = getattr(value, "__name__", None)
    if type(name) is str and vars(builtins).get(name) is value:
        return ["B", name]  # a builtin type or function, passed by name: int, len
    raise TypeError(f"a test passed a {kind.__name__} to the candidate; only plain values and "
                    "the candidate's own objects can cross into the sandbox")


def decode(node: Any, session: Session | None = None, budget: list[int] | None = None) -> Any:
    """The value a candidate returned, rebuilt from plain builtins (raises ``ValueError``).

    >>> decode(["l", [["i", "7"], ["s", "x"], ["t", [["n"]]]]])
    [7, 'x', (None,)]
    >>> decode(["i", "12abc"])
    Traceback (most recent call last):
    ValueError: malformed value from the candidate: ['i', '12abc']
    """
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("the candidate returned a value too large to check")
    try:
        return _decode(node, session, budget)
    except (TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError, InvalidOperation,
            binascii.Error) as exc:
        raise ValueError(f"malformed value from the candidate: {str(node)[:80]}") from exc


def _decode(node: Any, session: Session | None, budget: list[int]) -> Any:
    tag = node[0] if type(node) is list and node and type(node[0]) is str else None
    if tag == "n" and len(node) == 1:
        return None
    if tag == "b" and type(node[1]) is bool:
        return node[1]
    if tag == "i" and type(node[1]) is str and _is_integer(node[1]):
        return int(node[1])
    if tag == "f" and type(node[1]) is str and len(node[1]) < 40:
        return float(node[1])
    if tag == "c" and all(type(x) is str and len(x) < 40 for x in node[1:3]):
        return complex(float(node[1]), float(node[2]))
    if tag == "s" and type(node[1]) is str:
        return node[1]
    if tag == "r" and len(node) == 4 and all(type(x) is str and _is_integer(x)
                                             for x in node[1:4]):
        return range(int(node[1]), int(node[2]), int(node[3]))
    if tag == "q" and all(type(x) is str and _is_integer(x) for x in node[1:3]):
        return Fraction(int(node[1]), int(node[2]))
    if tag == "D" and type(node[1]) is str and len(node[1]) <= _DIGITS:
        return Decimal(node[1])
    if tag in ("y", "Y") and type(node[1]) is str:
        data = base64.b64decode(node[1], validate=True)
        return data if tag == "y" else bytearray(data)
    if tag in ("l", "t", "S", "F") and type(node[1]) is list:
        items = [decode(item, session, budget) for item in node[1]]
        return {"l": list, "t": tuple, "S": set, "F": frozenset}[tag](items)
    if tag == "d" and type(node[1]) is list:
        return {decode(k, session, budget): decode(v, session, budget) for k, v in node[1]}
    if tag == "B" and type(node[1]) is str and not node[1].startswith("_") and \
            node[1] not in _UNSAFE_BUILTINS and callable(vars(builtins).get(node[1])):
        return vars(builtins)[node[1]]
    if tag == "h" and type(node[1]) is int and session is not None:
        return Remote(session, node[1])
    raise ValueError(f"malformed value from the candidate: {str(node)[:80]}")


def _is_integer(text: str) -> bool:
    digits = text[1:] if text[:1] == "-" else text
    if not (digits.isascii() and digits.isdigit()):
        return False
    if len(digits) > _DIGITS:
        raise ValueError("the candidate returned an integer too long to check")
    return True


# -- the session with the sandboxed candidate ------------------------------------------------


class Session:
    """Requests to the candidate's server over ``channel``, each within the current budget."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.deadline = float("inf")  # when the current test's time runs out
        self.dead: str | None = None
        self.incident: BaseException | None = None  # the current test's timeout or loss

    def request(self, op: str, target: int | None = None, **fields: Any) -> Any:
        """Send one request; the decoded result (or the candidate's exception, raised)."""
        if self.dead is not None:
            raise self._incident(CandidateGone(self.dead))
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise self._incident(CallTimeout("the test ran out of time"))
        message = {"op": op, "target": target, "timeout": left, **fields}
        try:
            self.channel.send(json.dumps(message).encode(), timeout=left + STUCK_GRACE_S)
            raw = self.channel.receive(timeout=left + STUCK_GRACE_S)
        except TimeoutError:
            self.dead = "the candidate is stuck (it did not stop at its timeout)"
            raise self._incident(CallTimeout(self.dead)) from None
        except ChannelClosed as exc:
            self.dead = f"the candidate's process ended ({exc})"
            raise self._incident(CandidateGone(self.dead)) from None
        return self._result(raw, op)

    def _result(self, raw: bytes, op: str) -> Any:
        try:
            reply = json.loads(raw)
        except (ValueError, RecursionError):
            reply = None
        if type(reply) is not dict:
            self.dead = "the candidate's server sent a malformed reply"
            raise self._incident(CandidateGone(self.dead))
        if reply.get("timeout") is True:
            raise self._incident(CallTimeout(f"{op} timed out"))
        if "raised" in reply:
            raise _exception(reply["raised"], op)
        if op == "load":  # descriptions of names, their values decoded one by one later
            return reply.get("ok")
        try:
            value = decode(reply.get("ok"), self)
            mutated = [(k, decode(v, self)) for k, v in reply.get("mutated", [])]
        except RecursionError:
            raise ValueError("the candidate returned a value nested too deeply") from None
        return (value, mutated) if op == "call" else value

    def _incident(self, exc: BaseException) -> BaseException:
        """Remember a timeout or a lost candidate: the test fails even if it catches it."""
        if self.incident is None:
            self.incident = exc
        return exc

    def call(self, target: int, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        """Call the candidate's ``target``; arguments it mutated are updated in place."""
        value, mutated = self.request("call", target, args=[encode(a) for a in args],
                                      kwargs=[[k, encode(v)] for k, v in kwargs.items()])
        for key, new in mutated:
            original = args[key] if type(key) is int and 0 <= key < len(args) else \
                kwargs.get(key) if type(key) is str else None
            _update(original, new)
        return value

    def close(self) -> None:
        """Tell the server to exit; one that cannot hear it (stuck, flooding) is cancelled."""
        told = False
        if self.dead is None:
            with contextlib.suppress(ChannelClosed):
                self.channel.send(json.dumps({"op": "exit"}).encode(), timeout=1.0)
                told = True
            self.dead = "the session is closed"
        if not told:
            self.channel.cancel()

    def load(self, code: str, names: Sequence[str]) -> dict[str, Any]:
        """Run the candidate's program in the sandbox; its definitions of ``names``."""
        found = self.request("load", None, code=code, names=list(names))
        return found if type(found) is dict else {}


def _update(original: Any, new: Any) -> None:
    """Put the candidate's mutation of an argument into the test's own object."""
    if type(original) is not type(new):
        return
    if type(original) in (list, bytearray):
        original[:] = new
    elif type(original) in (dict, set):
        original.clear()
        original.update(new)


def _exception(raised: Any, op: str) -> BaseException:
    """The exception a test sees when the candidate raised ``[name, message]`` during ``op``.

    Builtin exceptions keep their class, except that only ``next`` may end an iteration: a
    StopIteration out of a call would silently end ``map(candidate, cases)`` in a test.
    """
    name, message = (raised + ["", ""])[:2] if type(raised) is list else ("Exception", "")
    name, message = str(name)[:80], str(message)[:300]
    kind = getattr(builtins, name, None)
    ends_iteration = name in ("StopIteration", "StopAsyncIteration")
    if isinstance(kind, type) and issubclass(kind, Exception) and name not in _EXITS and (
            op == "next" or not ends_iteration):
        return kind(message)
    return CandidateError(f"{name}: {message}" if message else name)


class Remote:
    """A candidate object that stays in the sandbox; operations on it are requests.

    Only attribute reads and writes, calls, iteration, ``len``, ``bool``, ``str``, ``repr``,
    indexing and ``in`` are forwarded; comparison is identity (a handle equals no value).
    """

    __slots__ = ("_key", "_session")

    def __init__(self, session: Session, key: int) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_key", key)

    def _ask(self, op: str, **fields: Any) -> Any:
        session = object.__getattribute__(self, "_session")
        return session.request(op, object.__getattribute__(self, "_key"), **fields)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the candidate's function or class in the sandbox."""
        session = object.__getattribute__(self, "_session")
        return session.call(object.__getattribute__(self, "_key"), args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._ask("getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._ask("setattr", name=name, value=encode(value))

    def __iter__(self) -> Any:
        return self._ask("iter")

    def __next__(self) -> Any:
        return self._ask("next")

    def __len__(self) -> int:
        return self._ask("len")  # type: ignore[no-any-return]  # len() checks the type

    def __bool__(self) -> bool:
        value = self._ask("bool")
        if type(value) is not bool:
            raise TypeError("__bool__ should return bool")
        return value  # type: ignore[no-any-return]

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", key=encode(key))

    def __contains__(self, key: Any) -> bool:
        return bool(self._ask("contains", key=encode(key)) is True)

    def __str__(self) -> str:
        return _text(self._ask("str"))

    def __repr__(self) -> str:
        return _text(self._ask("repr"))


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("__str__ returned non-string")
    return value  # type: ignore[no-any-return]


# -- running the tests ----------------------------------------------------------------------


@dataclass
class Outcome:
    """How one test ended: passed, or why not (and whether it ran out of time)."""

    passed: bool = False
    problem: str = ""
    timed_out: bool = False


@dataclass
class CallTests:
    """What the trusted side runs: setup code, then each test (source, optional entry point)."""

    setup: str
    tests: Sequence[tuple[str, str | None]]
    per_test_s: float
    all_tests: bool = True  # False: stop at the first failure (its verdict is 0 anyway)
    entry_points: frozenset[str] = frozenset()  # the candidate's even where a builtin is named
    outcomes: list[Outcome] = field(default_factory=list)
    early: str = ""  # why the candidate failed before any test ran


def run_call_tests(session: Session, program: str, plan: CallTests) -> CallTests:
    """Load ``program`` in the sandbox, then run the plan's setup and tests here.

    Fills ``plan.outcomes`` (one per test) or ``plan.early``; returns ``plan``.
    """
    sources = [plan.setup, *(src for src, _ in plan.tests)]
    entries = {entry for _, entry in plan.tests if entry} | plan.entry_points
    session.deadline = time.monotonic() + plan.per_test_s
    try:
        found = session.load(program, sorted(set(_free_names(sources)) | set(entries)))
    except CallTimeout:
        plan.early = "candidate timed out at import"
        return plan
    except (CandidateGone, Exception) as exc:  # noqa: BLE001 - any failure to load
        plan.early = f"candidate raised {_describe(exc)} at import"
        return plan
    namespace: dict[str, Any] = {"__name__": "__tests__", "__builtins__": builtins}
    namespace.update(_names(session, found, entries))
    if plan.setup.strip():
        session.deadline = time.monotonic() + plan.per_test_s
        try:
            exec(compile(plan.setup, "<setup>", "exec"), namespace)  # noqa: S102 - trusted
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
            plan.early = f"setup code raised {_describe(exc)}"
            return plan
    for source, entry in plan.tests:
        outcome = _run_test(session, namespace, source, entry, found, plan.per_test_s)
        plan.outcomes.append(outcome)
        if not (outcome.passed or plan.all_tests):
            break
    return plan


def _run_test(session: Session, namespace: dict[str, Any], source: str, entry: str | None,
              found: Mapping[str, Any], per_test_s: float) -> Outcome:
    session.deadline = time.monotonic() + per_test_s
    session.incident = None
    try:
        namespace[_EQUAL] = _assert_equal
        exec(_compile_test(source), namespace)  # noqa: S102 - trusted test code
        if entry is not None:
            if entry not in found or found[entry][0] != "value":
                raise NameError(f"{entry} is not defined")
            namespace["check"](decode(found[entry][1], session))  # the entry point's proxy
    except CallTimeout:
        return Outcome(problem="timed out", timed_out=True)
    except BaseException as exc:  # noqa: BLE001 - the test failed; say how
        return Outcome(problem=_describe(exc))
    if session.incident is not None:  # the test caught it (a bare except): it still fails
        timed_out = isinstance(session.incident, CallTimeout)
        return Outcome(problem="timed out" if timed_out else _describe(session.incident),
                       timed_out=timed_out)
    return Outcome(passed=True)


_EQUAL = "_guide_rl_assert_equal"


class _ExplainEquality(ast.NodeTransformer):
    """``assert got == expected`` (no message) fails saying both values."""

    def visit_Assert(self, node: ast.Assert) -> ast.AST:
        test = node.test
        if node.msg is not None or not (isinstance(test, ast.Compare) and len(test.ops) == 1
                                        and isinstance(test.ops[0], ast.Eq)):
            return node
        got, expected = test.left, test.comparators[0]
        if _is_literal(got) and not _is_literal(expected):
            got, expected = expected, got  # "5 == f(x)": f(x) is what was got
        call = ast.Call(ast.Name(_EQUAL, ast.Load()), [got, expected], [])
        return ast.copy_location(ast.Expr(call), node)


def _is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _compile_test(source: str) -> Any:
    """The test's code, its top-level and nested ``assert a == b`` explaining themselves."""
    tree = ast.fix_missing_locations(_ExplainEquality().visit(ast.parse(source)))
    return compile(tree, "<test>", "exec")


def _assert_equal(got: Any, expected: Any) -> None:
    if not got == expected:
        raise AssertionError(f"got {_short(got)}, expected {_short(expected)}")


def _short(value: Any) -> str:
    if type(value) is Remote:
        return "a candidate object"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _names(session: Session, found: Mapping[str, Any],
           entries: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """The candidate's definitions the tests may read.

    A builtin name is never replaced, unless the problem names it as its entry point (MBPP 126
    asks for a function called ``sum``). A standard-library module name is the real module,
    imported here, unless the candidate defines it as a function or class (an entry point
    that happens to share a module's name): a candidate's own ``math`` object never stands in
    for ``math``.
    """
    names: dict[str, Any] = {}
    for name, description in found.items():
        if type(description) is not list or not description or (
                hasattr(builtins, name) and name not in entries):
            continue
        kind, value, is_callable = (description + [None, None])[:3]
        if kind == "module" or (name in sys.stdlib_module_names and is_callable is not True):
            module = _stdlib_module(str(value) if kind == "module" else name)
            if module is not None:
                names[name] = module
        elif kind == "value":
            try:
                names[name] = decode(value, session)
            except ValueError:
                continue
    return names


def _stdlib_module(name: str) -> Any:
    """The real standard-library module ``name`` (a dotted one too), or None."""
    if name.partition(".")[0] not in sys.stdlib_module_names or name.partition(".")[0] in \
            _NO_IMPORT:
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _free_names(sources: Sequence[str]) -> list[str]:
    """Every name the sources read (the candidate is asked for those it defines)."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        names.update(node.id for node in ast.walk(tree)
                     if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load))
    return sorted(names)


def _describe(exc: BaseException) -> str:
    name = type(exc).__name__
    if isinstance(exc, (CandidateError, CandidateGone, CallTimeout, ValueError)) and str(exc):
        return f"{name} ({str(exc)[:150]})"
    if isinstance(exc, AssertionError):
        return f"AssertionError ({str(exc)[:150]})" if str(exc) else "AssertionError"
    return name
