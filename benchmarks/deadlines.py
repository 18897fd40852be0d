"""How close to its deadline the math verifier answers hostile responses, next to math-verify.

Run ``python benchmarks/deadlines.py`` (``--help`` for options). For every response in
:func:`verifiers.hostile.hostile_responses` (1 MB of text, braces nested 5000 deep, power towers,
a 2 MB box, null bytes, lone surrogates, ...) it grades the response against the gold ``42``:

* guide-rl: ``verifiers.math.verify_answer(response, gold, deadline_s=D)``, from the main thread
  and from a worker thread, and reports the wall time, the verdict's status, and whether it
  returned within ``D + 0.5`` seconds;
* math-verify with its defaults (``verify(parse(gold), parse(response))``, whose own timeouts
  are 5 s through ``signal.alarm``), from the main thread and from a worker thread, where
  ``signal.alarm`` raises ``ValueError``; and from a worker thread with its timeouts turned off
  (``parsing_timeout=None``, ``timeout_seconds=None``), which is how a threaded trainer has to
  call it. Each call runs in a child process (the interpreter and math-verify imported before
  the clock starts) that is killed after ``--cap`` seconds, because a call that hangs could not
  be stopped otherwise.

The table ends with the count of responses each tool answered within ``D + 0.5`` s. The unit
tests (tests/verifiers/math/test_verifier_hostile.py) check the same responses with a generous
hang guard only; this script is where the overshoot is measured, on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from verifiers.hostile import GOLD, hostile_responses  # noqa: E402
from verifiers.math import verify_answer  # noqa: E402

BUDGET_S = 0.5  # what the verifiers issue allows past the deadline

# The child that runs math-verify: imports first, says so, then times one call on stdin's text.
_MATH_VERIFY_CHILD = r"""
import json, sys, threading, time
from math_verify import parse, verify
mode, gold = sys.argv[1], sys.argv[2]
print("ready", flush=True)
sys.stdin.reconfigure(errors="surrogatepass")
response = sys.stdin.read()
outcome = {}
def call():
    try:
        if mode == "thread-untimed":  # what a threaded caller must do: signal.alarm needs main
            outcome["correct"] = bool(verify(parse(gold, parsing_timeout=None),
                                             parse(response, parsing_timeout=None),
                                             timeout_seconds=None))
        else:
            outcome["correct"] = bool(verify(parse(gold), parse(response)))
    except BaseException as exc:
        outcome["error"] = type(exc).__name__
started = time.perf_counter()
if mode == "main":
    call()
else:
    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
outcome["elapsed_s"] = time.perf_counter() - started
print(json.dumps(outcome), flush=True)
"""


@dataclass(frozen=True)
class Timing:
    """One graded response: wall seconds and what came back ("correct", a status, an error)."""

    elapsed_s: float
    outcome: str

    def cell(self) -> str:
        return f"{self.elapsed_s:.2f} {self.outcome}"


def in_thread(call: Callable[[], Timing], mode: str) -> Timing:
    """Run ``call`` from the main thread or from a fresh worker thread."""
    if mode == "main":
        return call()
    box: list[Timing] = []
    thread = threading.Thread(target=lambda: box.append(call()))
    thread.start()
    thread.join()
    return box[0]


def guide_rl(response: str, deadline_s: float, mode: str) -> Timing:
    """guide-rl's verify_answer on ``response``; ``mode`` is "main" or "thread"."""
    def call() -> Timing:
        started = time.perf_counter()
        try:
            verdict = verify_answer(response, GOLD, deadline_s=deadline_s)
        except BaseException as exc:  # noqa: BLE001 - a raise is a result to report here
            return Timing(time.perf_counter() - started, f"raised {type(exc).__name__}")
        return Timing(time.perf_counter() - started, verdict.status.value)
    return in_thread(call, mode)


def math_verify(response: str, mode: str, cap_s: float) -> Timing:
    """math-verify's defaults on ``response`` in a child process killed after ``cap_s``."""
    child = subprocess.Popen([sys.executable, "-c", _MATH_VERIFY_CHILD, mode, f"${GOLD}$"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                             errors="surrogatepass")
    try:
        assert child.stdin is not None and child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            return Timing(0.0, "child failed to start")
        started = time.perf_counter()
        try:
            out, _ = child.communicate(response, timeout=cap_s)
        except subprocess.TimeoutExpired:
            return Timing(time.perf_counter() - started, f"hung, killed at {cap_s:.0f} s")
        if not out.strip():
            return Timing(time.perf_counter() - started, f"crashed (exit {child.returncode})")
        result = json.loads(out.strip().splitlines()[-1])
        outcome = (f"raised {result['error']}" if "error" in result
                   else "correct" if result["correct"] else "incorrect")
        return Timing(result["elapsed_s"], outcome)
    finally:
        child.kill()
        child.wait()


def table(rows: list[tuple[str, list[Timing]]], limit_s: float) -> str:
    """A markdown table: one row per response, a column per (tool, thread)."""
    heads = ["guide-rl main", "guide-rl thread", "math-verify main", "math-verify thread",
             "math-verify thread, timeouts off"]
    lines = ["| response | " + " | ".join(heads) + " |",
             "|---|" + "---:|" * len(heads)]
    within = [0] * len(heads)
    for name, timings in rows:
        cells = []
        for i, timing in enumerate(timings):
            ok = timing.elapsed_s <= limit_s and not timing.outcome.startswith(("raised", "hung",
                                                                                "crashed"))
            within[i] += ok
            cells.append(timing.cell() if ok else f"**{timing.cell()}**")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append(f"| **a verdict within {limit_s:.1f} s** | "
                 + " | ".join(f"{n} / {len(rows)}" for n in within) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=2.0,
                        help="guide-rl's deadline_s per response (default 2.0)")
    parser.add_argument("--cap", type=float, default=20.0,
                        help="seconds after which a math-verify child is killed (default 20)")
    parser.add_argument("--only", nargs="*", help="names of responses to run (default: all)")
    args = parser.parse_args()
    responses = hostile_responses()
    names = args.only or list(responses)
    guide_rl("\\boxed{1}", args.deadline, "main")  # start the deadline worker before timing
    rows = []
    for name in names:
        response = responses[name]
        timings = [guide_rl(response, args.deadline, "main"),
                   guide_rl(response, args.deadline, "thread"),
                   math_verify(response, "main", args.cap),
                   math_verify(response, "thread", args.cap),
                   math_verify(response, "thread-untimed", args.cap)]
        print(f"{name}: " + ", ".join(t.cell() for t in timings), file=sys.stderr, flush=True)
        rows.append((name, timings))
    limit_s = args.deadline + BUDGET_S
    print(f"\nWall seconds and outcome per hostile response (gold {GOLD}); guide-rl deadline "
          f"{args.deadline:.1f} s; bold: no verdict within {limit_s:.1f} s.\n")
    print(table(rows, limit_s))


if __name__ == "__main__":
    main()
