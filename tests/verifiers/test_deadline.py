"""DeadlineWorker: hard deadlines, replacement after overrun, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from _pool_helpers import process_alive

from verifiers.deadline import DeadlineExceeded, DeadlineWorker, WorkerCrashed


def test_result_and_exceptions_come_back() -> None:
    with DeadlineWorker() as w:
        assert w.call(sorted, [3, 1, 2], timeout=5) == [1, 2, 3]
        with pytest.raises(ValueError, match="invalid literal"):
            w.call(int, "x", timeout=5)


def test_overrun_is_killed_within_the_deadline_and_replaced() -> None:
    with DeadlineWorker() as w:
        w.call(int, "1", timeout=30)
        first_pid = w.pids[0]
        started = time.perf_counter()
        with pytest.raises(DeadlineExceeded):
            w.call(pow, 9, 9**9, timeout=0.3)  # C code holding the GIL: signals could not stop it
        assert time.perf_counter() - started < 0.3 + 5.0  # hang guard: pow would run for minutes
        assert not process_alive(first_pid)
        assert w.call(int, "7", timeout=30) == 7
        assert w.restarts == 1


def test_waiting_for_a_starting_replacement_counts_against_the_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Children that take 3 s to start: after an overrun, the replacement is still importing.
    (tmp_path / "slow_to_import.py").write_text("import time\ntime.sleep(3)\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    with DeadlineWorker(["slow_to_import"]) as w:
        assert w.call(pow, 2, 3, timeout=0.5) == 8  # the first start is not counted
        with pytest.raises(DeadlineExceeded):
            w.call(time.sleep, 60, timeout=0.5)
        with pytest.raises(DeadlineExceeded, match="while a replacement worker was starting"):
            w.call(pow, 2, 3, timeout=0.5)  # answered at its deadline, not after the start
        assert w.call(pow, 2, 3, timeout=30) == 8  # the replacement was left to finish starting
        for _ in range(2):  # the spare takes over, then the spare's own replacement (starting)
            with pytest.raises(DeadlineExceeded):
                w.call(time.sleep, 60, timeout=0.5)
        (first_ok, first), second = w.call_many([(pow, (2, 3)), (pow, (2, 4))], [0.5, 30])
        assert not first_ok and isinstance(first, DeadlineExceeded)  # the batch's first call too
        assert second == (True, 16)


def test_an_unpicklable_result_is_an_error_not_a_dead_worker() -> None:
    with DeadlineWorker() as w:
        with pytest.raises(RuntimeError, match="result could not be sent back"):
            w.call(threading.Lock, timeout=30)
        assert w.call_many([(threading.Lock, ()), (int, ("3",))], [30, 30])[1] == (True, 3)
        assert w.restarts == 0


def test_crash_is_reported_not_raised_as_hang() -> None:
    with DeadlineWorker() as w:
        with pytest.raises(WorkerCrashed):
            w.call(os._exit, 3, timeout=10)
        assert w.call(int, "2", timeout=30) == 2


def test_calls_from_many_threads() -> None:
    results: list[int] = []
    with DeadlineWorker() as w:
        threads = [threading.Thread(target=lambda i=i: results.append(w.call(abs, -i, timeout=30)))
                   for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results) == list(range(16))


def test_close_leaves_no_process() -> None:
    w = DeadlineWorker()
    w.call(int, "1", timeout=30)
    pids = w.pids
    w.close()
    w.close()
    assert pids and not any(process_alive(pid) for pid in pids)
    with pytest.raises(RuntimeError, match="closed"):
        w.call(int, "1", timeout=1)


@pytest.mark.parametrize("from_thread", [False, True])
def test_worker_dies_with_a_killed_parent(from_thread: bool) -> None:
    code = f"""
import threading, time
from verifiers.deadline import DeadlineWorker
w = DeadlineWorker()
def go():
    w.call(int, "1", timeout=60)
    try:
        w.call(pow, 9, 9**9, timeout=0.2)  # an overrun: now a spare child exists too
    except Exception:
        pass
    w.call(int, "1", timeout=60)
    print(*w.pids, flush=True)
if {from_thread}:
    t = threading.Thread(target=go); t.start(); t.join()
else:
    go()

try:
    w.call(time.sleep, 600, timeout=600)
except BaseException:
    pass
"""
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(children) == 2 and all(process_alive(c) for c in children)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(process_alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(process_alive(c) for c in children), "a worker outlived its killed parent"


def test_a_batch_keeps_each_calls_deadline_and_goes_on_after_an_overrun() -> None:
    with DeadlineWorker() as w:
        calls = [(int, ("1",)), (pow, (9, 9**9)), (int, ("x",)), (int, ("3",))]
        started = time.perf_counter()
        results = w.call_many(calls, [30.0, 0.3, 30.0, 30.0])
        assert time.perf_counter() - started < 0.3 + 5.0  # hang guard: pow would run for minutes
        assert results[0] == (True, 1) and results[3] == (True, 3)
        assert not results[1][0] and isinstance(results[1][1], DeadlineExceeded)
        assert not results[2][0] and isinstance(results[2][1], ValueError)
        assert w.restarts == 1


def test_a_batch_needs_one_timeout_per_call() -> None:
    with DeadlineWorker() as w, pytest.raises(ValueError, match="2 calls but 1 timeouts"):
        w.call_many([(int, ("1",)), (int, ("2",))], [1.0])
