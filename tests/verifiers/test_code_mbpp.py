"""MBPP (tests/data/mbpp.jsonl): every reference solution passes its own tests but the
known-broken."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from guide_envs.sources.code_datasets import load_mbpp
from verifiers.code import CodeVerifier

pytestmark = pytest.mark.needs_sandbox

#: Records whose own tests fail upstream (tests/data/README.md): set iteration order (341, 642)
#: and a ``sys.getsizeof`` value from another Python build (596). The sample keeps all three.
#: 341 asserts the order of ``tuple(a_set)``, which is the set's hash-table layout: the set now
#: crosses into the sandbox by value and is rebuilt there in another layout, where that order
#: happens to be the one the test wants. It is allowed to pass or fail; the other two fail.
BROKEN = {341, 596, 642}
MUST_FAIL = {596, 642}


def test_reference_solutions_pass(reference_data: Path) -> None:
    problems = list(load_mbpp(reference_data / "mbpp.jsonl"))
    assert len(problems) == 35
    # The sample has the two tasks with setup code and the 11 with challenge tests: both ride
    # along with the reference solution here.
    assert {p.metadata["task_id"] for p in problems if p.metadata["setup_code"]} == {367, 927}
    assert sum(len(p.tests) > 3 for p in problems) == 11
    # Generous per-test time: this checks grading, not speed (a loaded CI host may be slow).
    verifier = CodeVerifier(deadline_s=120.0, test_timeout_s=30.0)
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as executor:
        verdicts = list(executor.map(lambda p: verifier.verify(p.solution or "", p), problems))
    failed = {p.metadata["task_id"]: v.reason for p, v in zip(problems, verdicts, strict=True)
              if not v.correct}
    print(f"\nMBPP: {len(problems)} in {time.perf_counter() - started:.1f} s; broken: {failed}")
    assert MUST_FAIL <= set(failed) <= BROKEN
