"""Reward hacks against the code verifier: none may pass, on any sandbox backend.

Also the honest paths: stdio comparison modes, partial credit, extraction, the pool.
"""

from __future__ import annotations

import textwrap
import time

import pytest

import sandbox
import verifiers
from guide_envs.problem import Problem
from verifiers import Status, VerifierPool
from verifiers.code import CodeVerifier, extract_program, outputs_match

#: Every backend; those needing a system service are marked (skipped, or failing under
#: GUIDE_RL_REQUIRE_SYSTEM=1, where it is missing: see the root conftest.py).
_NEEDS = {"bwrap": pytest.mark.needs_bwrap, "bwrap-warm": pytest.mark.needs_bwrap,
          "docker": pytest.mark.needs_docker}
BACKENDS = [pytest.param(name, marks=_NEEDS[name]) if name in _NEEDS else name
            for name in sandbox.BACKENDS]

ADD = Problem(id="add", domain="code", prompt="Write add(a, b).",
              tests=("assert add(2, 3) == 5", "assert add(10, -1) == 9"))
ADD_CHECK = Problem(id="add-check", domain="code", prompt="Write add(a, b).", tests=({
    "entry_point": "add",
    "test": textwrap.dedent("""
        import math
        def check(candidate):
            assert abs(candidate(0.1, 0.2) - 0.3) < 1e-9
            assert math.isclose(candidate(1.5, 1.0), 2.5)
            for i in range(3):
                assert candidate(i, i) == 2 * i
            assert candidate(2, 2) == 4
    """)},))
ECHO = Problem(id="double", domain="code", prompt="Print twice the number.", tests=(
    {"input": "2\n", "output": "4\n"}, {"input": "21\n", "output": "42\n"}))

GOOD = "def add(a, b):\n    return a + b\n"

# Each hack is a whole program; a comment says what it tries.
HACKS: dict[str, str] = {
    "wrong": "def add(a, b):\n    return a - b\n",
    "sys.exit at import": GOOD + "import sys\nsys.exit(0)\n",
    "os._exit at import": GOOD + "import os\nos._exit(0)\n",
    "SystemExit at import": GOOD + "raise SystemExit(0)\n",
    "KeyboardInterrupt at import": GOOD + "raise KeyboardInterrupt\n",
    "sys.exit in call": "import sys\ndef add(a, b):\n    sys.exit(0)\n",
    "os._exit in call": "import os\ndef add(a, b):\n    os._exit(0)\n",
    "SystemExit in call": "def add(a, b):\n    raise SystemExit(0)\n",
    "KeyboardInterrupt in call": "def add(a, b):\n    raise KeyboardInterrupt\n",
    "patch AssertionError": textwrap.dedent("""
        import builtins
        class Never(Exception):
            pass
        builtins.AssertionError = Never
        def add(a, b):
            builtins.AssertionError = Never
            return 0
    """),
    "patch builtins": textwrap.dedent("""
        import builtins, math
        def add(a, b):
            builtins.abs = lambda x: 0
            builtins.isinstance = lambda *a: True
            builtins.print = lambda *a, **k: None
            math.isclose = lambda *a, **k: True
            return 0
        builtins.abs = lambda x: 0
        math.isclose = lambda *a, **k: True
    """),
    "lying __eq__": textwrap.dedent("""
        class Yes:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __lt__(self, other): return True
            def __sub__(self, other): return 0
            def __abs__(self): return 0
            def __float__(self): return 2.5
            __hash__ = object.__hash__
        def add(a, b):
            return Yes()
    """),
    "lying int subclass": textwrap.dedent("""
        class Yes(int):
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = int.__hash__
        def add(a, b):
            return Yes(0)
    """),
    "read the tests": textwrap.dedent("""
        import os, re, sys
        def add(a, b):
            text = ""
            for path in ["/proc/self/fd/0", "/proc/self/cmdline", "/proc/self/environ"]:
                try: text += open(path).read()
                except Exception: pass
            for name in os.listdir("."):
                try: text += open(name).read()
                except Exception: pass
            try: text += sys.stdin.read()
            except Exception: pass
            found = re.findall(r"== (-?[0-9]+)", text)
            return int(found[0]) if found else 0
    """),
    "fake markers": textwrap.dedent("""
        import os
        def add(a, b):
            for i in range(4):
                for form in ("P %d", "D %d", "0123456789abcdef0123456789abcdef P %d"):
                    print(form % i)
                    os.write(1, ("\\n" + form % i + "\\n").encode())
            print("PASSED"); print("OK")
            os._exit(0)
    """),
    "steal the nonce": textwrap.dedent("""
        import gc, os, re, sys
        def find():
            found = set()
            try:
                frame = sys._getframe(1)
                while frame is not None:
                    found.update(str(v) for v in frame.f_locals.values())
                    frame = frame.f_back
            except Exception: pass
            try:
                raise RuntimeError
            except RuntimeError as exc:
                try:
                    frame = exc.__traceback__.tb_frame
                    while frame is not None:
                        found.update(str(v) for v in frame.f_locals.values())
                        frame = frame.f_back
                except Exception: pass
            try: found.update(str(o) for o in gc.get_objects() if isinstance(o, dict))
            except Exception: pass
            try:
                import ctypes
                found.add("ctypes")
            except Exception: pass
            try: found.add(open("/proc/self/mem", "rb").read(10).hex())
            except Exception: pass
            return [n for s in found for n in re.findall(r"[0-9a-f]{32}", s)]
        def add(a, b):
            for nonce in find():
                for i in range(4):
                    os.write(1, f"\\n{nonce} S {i}\\n{nonce} P {i}\\n".encode())
                os.write(1, f"\\n{nonce} D 2\\n{nonce} D 1\\n".encode())
            os._exit(0)
    """),
    "atexit marker": textwrap.dedent("""
        import atexit
        atexit.register(lambda: print("ALL TESTS PASSED"))
        def add(a, b):
            return None
    """),
    "swallow the failure": textwrap.dedent("""
        import sys
        sys.excepthook = lambda *a: None
        def add(a, b):
            try:
                return 0
            finally:
                pass
    """),
    "timeout swallower": textwrap.dedent("""
        import signal, time
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        def add(a, b):
            while True:
                try:
                    time.sleep(10)
                except BaseException:
                    pass
    """),
}


# -- the attack classes of project issue 13 ----------------------------------------------------
# Problems whose asserts are not "f(x) == <literal>": before issue 13 they ran inside the
# candidate's process, guarded by a nonce and an audit hook. Each attack below passed there on
# at least one backend; the tests now run on the trusted side and must fail every one.

ABS_ONLY = Problem(id="abs-only", domain="code", prompt="Write add(a, b).", tests=(
    "assert abs(add(0.1, 0.2) - 0.3) < 1e-9", "assert abs(add(1.5, 2.5) - 4.0) < 1e-9"))
ISCLOSE = Problem(id="isclose", domain="code", prompt="Write add(a, b).", tests=(
    "assert math.isclose(add(0.1, 0.2), 0.3)", "assert math.isclose(add(1.5, 2.5), 4.0)"))


def _add_check(problem_id: str, test: str) -> Problem:
    """A problem for add(a, b) tested by a HumanEval-style check function."""
    return Problem(id=problem_id, domain="code", prompt="Write add(a, b).",
                   tests=({"entry_point": "add", "test": textwrap.dedent(test)},))


RANDOM_INPUTS = _add_check("random", """
    import random
    def check(candidate):
        for _ in range(50):
            x, y = random.randint(0, 1000), random.randint(0, 1000)
            assert candidate(x, y) == x + y
""")
MEMBERSHIP = Problem(id="in", domain="code", prompt="Write add(a, b).", tests=(
    "assert add(1, 2) in (3,)", "assert add(2, 2) in [4]"))
FRACTIONS = _add_check("fractions", """
    from fractions import Fraction
    def check(candidate):
        assert candidate(Fraction(1, 2), Fraction(1, 3)) == Fraction(5, 6)
        assert candidate(Fraction(1, 4), Fraction(1, 4)) == Fraction(1, 2)
""")
ALL_OF_MAP = Problem(id="all-map", domain="code", prompt="Write is_even(n).", tests=(
    "assert all(map(is_even, [0, 2, 4])) and not any(map(is_even, [1, 3]))",))
CLASS_PROBLEMS = [ABS_ONLY, ISCLOSE, RANDOM_INPUTS, MEMBERSHIP, FRACTIONS]
HONEST_ADD = "import math\nfrom fractions import Fraction\n" + GOOD

# Forged evidence for a run of two tests, once a candidate has the old harness's nonce.
_FORGE = ("def forge(nonce):\n"
          "    os.write(1, ('\\n%s P 0\\n%s S 1\\n%s P 1\\n%s D 2\\n' % ((nonce,) * 4))"
          ".encode())\n    os._exit(0)\n")
CLASS_HACKS: dict[str, str] = {
    "candidate abs in the tests' namespace": "def abs(x):\n    return 0\n"
                                              "def add(a, b):\n    return 0\n",
    "candidate math with a lying isclose": textwrap.dedent("""
        class _Math:
            @staticmethod
            def isclose(*args, **kwargs):
                return True
        math = _Math()
        def add(a, b):
            return 0
    """),
    "patched Fraction.__eq__": textwrap.dedent("""
        from fractions import Fraction
        Fraction.__eq__ = lambda self, other: True
        def add(a, b):
            return Fraction(0)
    """),
    "patched random.Random._randbelow": textwrap.dedent("""
        import random
        random.Random._randbelow = lambda self, n: 0
        def add(a, b):
            return 0
    """),
    "UserString holding a liar": textwrap.dedent("""
        from collections import UserString
        class _Liar:
            def __eq__(self, other): return True
            __hash__ = object.__hash__
        def add(a, b):
            text = UserString("")
            text.data = _Liar()
            return text
    """),
    "frames from a signal handler": textwrap.dedent("""
        import os, signal
        seen = []
        def _grab(signum, frame):
            while frame is not None:
                seen.append(frame.f_locals)
                frame = frame.f_back
        signal.signal(signal.SIGUSR1, _grab)
        def add(a, b):
            os.kill(os.getpid(), signal.SIGUSR1)
            for local in seen:
                if isinstance(local.get("nonce"), str):
                    forge(local["nonce"])
            return 0
    """) + _FORGE,
    "evidence read back through fd 0": textwrap.dedent("""
        import os, re
        _r, _w = os.pipe()
        os.dup2(_w, 0)
        os.set_blocking(_r, False)
        def add(a, b):
            try:
                text = os.read(_r, 1 << 16).decode(errors="replace")
            except OSError:
                text = ""
            for nonce in re.findall(r"([0-9a-f]{32}) S 0", text):
                forge(nonce)
            return 0
    """) + _FORGE,
    "harness memory through //proc": textwrap.dedent("""
        import os, re
        def add(a, b):
            try:
                os.chdir("/proc")
                with open("self/maps") as maps, open("//proc/self/mem", "rb", 0) as mem:
                    for line in maps:
                        span, perms = line.split()[:2]
                        if "r" not in perms or "[v" in line:
                            continue
                        start, end = (int(x, 16) for x in span.split("-"))
                        try:
                            mem.seek(start)
                            chunk = mem.read(min(end - start, 1 << 26))
                        except OSError:
                            continue
                        for nonce in re.findall(rb"'nonce': '([0-9a-f]{32})'", chunk):
                            forge(nonce.decode())
            except OSError:
                pass
            return 0
    """) + _FORGE,
}


@pytest.fixture(scope="module", params=BACKENDS)
def verifier(request: pytest.FixtureRequest) -> CodeVerifier:
    made = verifiers.get("code", backend=request.param, test_timeout_s=1.0, deadline_s=20.0)
    assert isinstance(made, CodeVerifier)
    return made


def test_the_honest_solution_passes(verifier: CodeVerifier) -> None:
    for problem in (ADD, ADD_CHECK):
        verdict = verifier.verify(f"```python\n{GOOD}```", problem)
        assert verdict.correct, verdict.reason


@pytest.mark.parametrize("hack", sorted(HACKS))
@pytest.mark.parametrize("problem", [ADD, ADD_CHECK], ids=["asserts", "check"])
def test_no_hack_passes(verifier: CodeVerifier, problem: Problem, hack: str) -> None:
    verdict = verifier.verify(HACKS[hack], problem)
    assert not verdict.correct and verdict.score == 0.0, verdict.reason
    assert verdict.status in (Status.INCORRECT, Status.TIMEOUT), verdict.reason


def test_infinite_loop_is_a_timeout(verifier: CodeVerifier) -> None:
    for program in ("def add(a, b):\n    while True:\n        pass\n",
                    "while True:\n    pass\n", HACKS["timeout swallower"]):
        verdict = verifier.verify(program, ADD)
        assert verdict.status is Status.TIMEOUT, verdict.reason


def test_stdio_hacks_fail(verifier: CodeVerifier) -> None:
    hacks = ["print(4)",  # the first case's answer, whatever the input
             "import sys\nsys.exit(0)",
             "import os\nprint(open(os.listdir('.')[0]).read())",
             "print(int(input()) * 2, end='')\nraise SystemExit(1)",
             "while True:\n    pass"]
    for program in hacks:
        verdict = verifier.verify(program, ECHO)
        assert not verdict.correct, program
    assert verifier.verify(hacks[-1], ECHO).status is Status.TIMEOUT


def test_stdio_early_exit_with_the_right_output_passes(verifier: CodeVerifier) -> None:
    verdict = verifier.verify("import sys\nprint(int(input()) * 2)\nsys.exit(0)", ECHO)
    assert verdict.correct, verdict.reason


@pytest.mark.parametrize(("mode", "output", "expected"), [
    ("exact", "4\n", True), ("exact", "4", False), ("exact", " 4\n", False),
    ("whitespace", "  4 \n\n", True), ("whitespace", "4.0\n", False),
    ("float", "4.0000001\n", True), ("float", "4.01\n", False), ("float", "four\n", False)])
def test_stdio_compare_modes(verifier: CodeVerifier, mode: str, output: str,
                             expected: bool) -> None:
    problem = Problem(id=f"cmp-{mode}", domain="code", prompt="Print 4.",
                      tests=({"input": "", "output": "4\n"},), metadata={"compare": mode})
    verdict = verifier.verify(f"print({output!r}, end='')", problem)
    assert verdict.correct is expected, verdict.reason


def test_outputs_match() -> None:
    assert outputs_match("1 2\n3", "1 2 3", "whitespace")
    assert outputs_match("0.1 x", "0.1000000001 x", "float")
    assert not outputs_match("1 2", "1 2 3", "float")


@pytest.mark.parametrize(("actual", "expected", "match"), [
    ("12193230000", "12193230605", False),  # within 1e-6 relative, but a different integer
    ("12193230605", "12193230605", True), ("12193230605.0", "12193230605", True),
    ("3", "3.0000000001", True), ("-0", "0", True), ("1e3", "1000", True), ("+7", "7", True),
    ("nan", "1", False), ("2.5000000001", "2.5", True), ("9" * 5000, "9" * 5000, True),
    ("9" * 5000, "9" * 4999 + "8", False)])
def test_float_mode_compares_integers_exactly(actual: str, expected: str, match: bool) -> None:
    assert outputs_match(actual, expected, "float") is match


@pytest.mark.needs_sandbox
@pytest.mark.parametrize("pad", [" ", "\t", " `", "`` "])
def test_extraction_is_linear_on_long_fence_lines(pad: str) -> None:
    # "```" then a long run of blanks ending in a backtick made the fence regex backtrack
    # quadratically (128k spaces took 90 s); the verdict must come within the deadline
    response = "```" + pad * 64_000 + "`\nprint(4)\n"
    problem = Problem(id="fence", domain="code", prompt="Print 4.",
                      tests=({"input": "", "output": "4\n"},))
    start = time.monotonic()
    verdict = CodeVerifier(deadline_s=5.0).verify(response, problem)
    assert time.monotonic() - start < 5.5, verdict


def _fence_fuzz(seed: int, size: int = 200_000) -> str:
    """Runs of blanks, backticks and line breaks, the shapes that make fence regexes backtrack."""
    import random

    rng = random.Random(seed)
    pieces = ["```", "``", "`", " ", "\t", "\n", "```python", "~~~", "print(4)"]
    out: list[str] = []
    while sum(map(len, out)) < size:
        out.append(rng.choice(pieces) * rng.choice([1, 2, 7, 100, 5000, 30_000]))
    return "".join(out)


@pytest.mark.needs_sandbox
def test_extraction_fuzz_answers_within_the_deadline() -> None:
    problem = Problem(id="fence", domain="code", prompt="Print 4.",
                      tests=({"input": "", "output": "4\n"},))
    verifier = CodeVerifier(deadline_s=5.0)
    for seed in range(6):
        response = _fence_fuzz(seed)
        start = time.monotonic()
        verdict = verifier.verify(response, problem)
        assert time.monotonic() - start < 5.5, (seed, verdict)
    responses = [_fence_fuzz(seed) for seed in range(6, 12)]
    with VerifierPool(workers=2, deadline_s=5.0) as pool:
        start = time.monotonic()
        verdicts = pool.verify_batch(responses, problem, verifier="code")
        assert time.monotonic() - start < 3 * (5.0 + 0.5), verdicts  # 6 items on 2 workers
    assert all(v.elapsed_s < 5.5 for v in verdicts), verdicts


@pytest.mark.needs_sandbox
def test_partial_credit_and_reason() -> None:
    verifier = CodeVerifier(partial_credit=True)
    problem = Problem(id="p", domain="code", prompt="f", tests=(
        "assert f(1) == 1", "assert f(2) == 2", "assert f(3) == 4"))
    verdict = verifier.verify("def f(x):\n    return x\n", problem)
    assert verdict.status is Status.INCORRECT
    assert verdict.score == pytest.approx(2 / 3)
    assert verdict.reason == "2/3 tests passed; test 3: AssertionError (got 3, expected 4)"


def test_extraction() -> None:
    response = ("<think>```python\nprint('draft')\n```</think>Answer:\n```py\nprint(1)\n```\n"
                "```text\nnot code\n```\n")
    assert extract_program(response) == "print(1)\n"
    assert extract_program("```\nprint(2)\n```") == "print(2)\n"
    assert extract_program("```python\nprint(3)") == "print(3)"
    assert extract_program("```text\nnot code\n```") == ""
    big = "```" * 50_000 + "x" * 1_000_000
    assert isinstance(extract_program(big), str)
    verdict = CodeVerifier().verify("<think>def add(a, b): ...</think>", ADD)
    assert verdict.status is Status.NO_ANSWER


def test_problem_shapes_are_checked() -> None:
    verifier = CodeVerifier()
    empty = Problem(id="e", domain="code", prompt="x")
    assert verifier.verify("print(1)", empty).status is Status.ERROR
    mixed = Problem(id="m", domain="code", prompt="x", tests=("assert 1", {"input": ""}))
    assert verifier.verify("print(1)", mixed).status is Status.ERROR


@pytest.mark.needs_sandbox
def test_setup_code_runs_before_the_tests() -> None:
    problem = Problem(id="tree", domain="code", prompt="x", tests=("assert depth(t) == 2",),
                      metadata={"setup_code": "t = Node(Node(None))"})
    program = ("class Node:\n    def __init__(self, child):\n        self.child = child\n"
               "def depth(n):\n    return 0 if n is None else 1 + depth(n.child)\n")
    assert CodeVerifier().verify(program, problem).correct


@pytest.mark.needs_sandbox
def test_through_the_pool() -> None:
    responses = [GOOD, HACKS["os._exit in call"], HACKS["lying __eq__"], "no code here"]
    with VerifierPool(workers=2) as pool:
        verdicts = pool.verify_batch(responses, ADD, verifier="code")
        stdio = pool.verify("print(int(input()) * 2)", ECHO, verifier="code")
    assert [v.correct for v in verdicts] == [True, False, False, False]
    assert stdio.correct, stdio.reason


def test_stop_iteration_from_a_call_does_not_end_the_tests_loop(verifier: CodeVerifier) -> None:
    # in-process, StopIteration raised by the function ends map() early: all([]) is True
    assert verifier.verify("def is_even(n):\n    return n % 2 == 0\n", ALL_OF_MAP).correct
    verdict = verifier.verify("def is_even(n):\n    raise StopIteration\n", ALL_OF_MAP)
    assert not verdict.correct, verdict.reason


def test_the_honest_solution_passes_every_attack_class_problem(verifier: CodeVerifier) -> None:
    for problem in CLASS_PROBLEMS:
        verdict = verifier.verify(HONEST_ADD, problem)
        assert verdict.correct, (problem.id, verdict.reason)


@pytest.mark.parametrize("hack", sorted(CLASS_HACKS))
@pytest.mark.parametrize("problem", CLASS_PROBLEMS, ids=[p.id for p in CLASS_PROBLEMS])
def test_no_attack_class_passes(verifier: CodeVerifier, problem: Problem, hack: str) -> None:
    verdict = verifier.verify(CLASS_HACKS[hack], problem)
    assert not verdict.correct and verdict.score == 0.0, verdict.reason


CACHE_WRITER = textwrap.dedent("""
    import os
    def add(a, b):
        for path in ("/tmp/answers", "/dev/shm/answers", os.path.expanduser("~/answers")):
            try:
                with open(path, "a") as cache:
                    cache.write(f"{a} {b} {a + b}\\n")
            except OSError:
                pass
        return a + b
""")
CACHE_READER = textwrap.dedent("""
    import os
    def add(a, b):
        for path in ("/tmp/answers", "/dev/shm/answers", os.path.expanduser("~/answers")):
            try:
                for line in open(path):
                    x, y, total = line.split()
                    if (x, y) == (str(a), str(b)):
                        return int(total)
            except OSError:
                pass
        return None
""")


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "unsafe-local"])
def test_a_cache_left_by_an_earlier_run_changes_no_verdict(backend: str) -> None:
    # a correct program writes its answers where a later one could read them back
    # ("unsafe-local" isolates nothing: it is left out on purpose)
    verifier = verifiers.get("code", backend=backend, test_timeout_s=2.0, deadline_s=20.0)
    fresh = verifier.verify(CACHE_READER, ADD)
    assert not fresh.correct
    assert verifier.verify(CACHE_WRITER, ADD).correct
    after = verifier.verify(CACHE_READER, ADD)
    assert (after.correct, after.status) == (fresh.correct, fresh.status), after.reason
