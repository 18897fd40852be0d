"""MBPP (mbpp.jsonl): every reference solution passes its own tests but the known-broken."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import verifiers
from guide_envs.problem import Problem

#: Records whose own tests fail upstream (see shared/data/README.md): set iteration order (341,
#: 642) and a ``sys.getsizeof`` value from another Python build (596).
BROKEN = {341, 596, 642}


def _problem(record: dict[str, Any]) -> Problem:
    return Problem(id=f"mbpp/{record['task_id']}", domain="code", prompt=record["text"],
                   tests=(*record["test_list"], *record["challenge_test_list"]),
                   metadata={"setup_code": record["test_setup_code"]})


def test_reference_solutions_pass(shared_data: Path) -> None:
    records = [json.loads(line) for line in (shared_data / "mbpp.jsonl").open()]
    assert len(records) == 974
    verifier = verifiers.get("code")
    started = time.perf_counter()
    with ThreadPoolExecutor(4) as executor:
        verdicts = list(executor.map(lambda r: verifier.verify(r["code"], _problem(r)), records))
    failed = {r["task_id"]: v.reason for r, v in zip(records, verdicts, strict=True)
              if not v.correct}
    print(f"\nMBPP: {len(records)} in {time.perf_counter() - started:.1f} s; broken: {failed}")
    assert set(failed) == BROKEN
