"""Run functions in a child process under a hard wall-clock deadline: :class:`DeadlineWorker`.

Why not ``signal.alarm`` (what math-verify uses): it works only in the main thread, and it cannot
interrupt C code such as a huge integer power. A child process can always be killed.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

__all__ = [
    "BATCH",
    "DeadlineExceeded",
    "DeadlineWorker",
    "WorkerCrashed",
    "import_modules",
    "in_worker",
    "run_with_deadline",
    "shared_worker",
]

_STARTUP_TIMEOUT_S = 120.0
#: Message tag for a batch of calls (the worker replies once per call, as each finishes).
BATCH = "__batch__"


class DeadlineExceeded(TimeoutError):
    """The call ran past its deadline; the worker was killed (and will be replaced)."""


class WorkerCrashed(RuntimeError):
    """The worker process died during the call (for example killed by the OOM killer)."""


def import_modules(names: Sequence[str]) -> list[str]:
    """Import each of ``names``; the ones that failed (a preload only saves time later).

    >>> import_modules(["json", "no_such_module_here"])
    ['no_such_module_here']
    """
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the call that needs it will report the error
            failed.append(name)
    return failed


class _Child:
    """One worker process: its pipes, its lifeline, and whether it said it is ready."""

    def __init__(self, preload: tuple[str, ...]) -> None:
        parent_end, child_end = _pipe_pair()
        lifeline_r, self.lifeline_w = os.pipe()
        cmd = [sys.executable, "-m", "verifiers._worker_main",
               str(child_end[0]), str(child_end[1]), str(lifeline_r), str(os.getpid()),
               "1" if threading.current_thread() is threading.main_thread() else "0",
               *preload]
        self.proc = subprocess.Popen(
            cmd, pass_fds=(*child_end, lifeline_r), stdin=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONUNBUFFERED="1"), close_fds=True)
        for fd in (*child_end, lifeline_r):
            os.close(fd)
        self.conn: Connection = parent_end
        self.ready = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, timeout: float) -> bool:
        """Wait at most ``timeout`` s for the child to import its modules; whether it has."""
        if self.ready:
            return True
        if not self.conn.poll(timeout):
            return False
        try:
            self.conn.recv()
        except (EOFError, OSError):
            raise WorkerCrashed("worker died while starting") from None
        self.ready = True
        return True

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.conn.close()
        os.close(self.lifeline_w)


class DeadlineWorker:
    """A persistent child process that runs picklable callables with a hard deadline.

    The child imports ``preload`` once, so a call costs a pipe round trip, not an interpreter
    start. A call that overruns its deadline gets the child killed; a spare child, started in
    advance, takes over at once, so the next call does not wait for a replacement to start (after
    back-to-back overruns it may have to: that wait counts against its own deadline).
    The children exit when this process dies, from any thread, so nothing is orphaned.
    Calls from several threads are serialised.

    Example:
        >>> w = DeadlineWorker()
        >>> w.call(pow, 2, 10, timeout=5.0)
        1024
        >>> w.call(pow, 9, 9**9, timeout=0.5)
        Traceback (most recent call last):
        ...
        verifiers.deadline.DeadlineExceeded: call exceeded its 0.5 s deadline
        >>> w.close()
    """

    def __init__(self, preload: Sequence[str] = (), *, spare: bool = True) -> None:
        self._preload = tuple(preload)
        self._keep_spare = spare
        self._lock = threading.Lock()
        self._children: dict[str, _Child | None] = {"current": None, "spare": None}
        self._closed = False
        self._started = False  # whether a child of this worker has ever been ready
        self.restarts = 0
        weakref.finalize(self, DeadlineWorker._kill_all, self._children)

    @property
    def pids(self) -> list[int]:
        """Process ids of the live children (the current one and the spare)."""
        return [c.proc.pid for c in self._children.values() if c is not None and c.alive()]

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        """Return ``fn(*args)`` computed in the child, or raise within ``timeout`` seconds.

        Raises:
            DeadlineExceeded: ``fn`` ran past ``timeout``.
            WorkerCrashed: the child died.
            Exception: whatever ``fn`` raised, re-raised here with the child's message.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("DeadlineWorker is closed")
            child, timeout_left = self._ready_child(timeout)
            conn = child.conn
            conn.send((fn, args))
            if not conn.poll(timeout_left):
                self._replace()
                raise DeadlineExceeded(f"call exceeded its {timeout:g} s deadline")
            try:
                ok, value = conn.recv()
            except (EOFError, OSError) as exc:
                self._replace()
                raise WorkerCrashed(f"worker died during the call: {exc!r}") from None
        if not ok:
            raise value
        return value

    def call_many(self, calls: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]],
                  timeouts: Sequence[float]) -> list[tuple[bool, Any]]:
        """Run ``fn(*args)`` for each call, in order, each under its own deadline.

        One message carries the whole batch and the child answers each call as it finishes,
        so a batch costs one message out instead of one per call, and the deadline of call
        ``k`` runs from the moment call ``k - 1`` answered (when the child started on ``k``). A
        call that overruns gets the child killed and its result is a
        :class:`DeadlineExceeded`; the rest of the batch goes on in the replacement. Results are
        ``(True, value)`` or ``(False, exception)``; a child that dies gives a
        :class:`WorkerCrashed`.

        >>> with DeadlineWorker() as w:
        ...     [ok for ok, _ in w.call_many([(int, ("1",)), (int, ("x",))], [5.0, 5.0])]
        [True, False]
        """
        if len(calls) != len(timeouts):
            raise ValueError(f"got {len(calls)} calls but {len(timeouts)} timeouts")
        results: list[tuple[bool, Any]] = []
        with self._lock:
            if self._closed:
                raise RuntimeError("DeadlineWorker is closed")
            while len(results) < len(calls):
                results.extend(self._stream(calls[len(results):], timeouts[len(results):]))
        return results

    def _stream(self, calls: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]],
                timeouts: Sequence[float]) -> list[tuple[bool, Any]]:
        """Send ``calls`` as one batch; collect replies until done or one call fails hard."""
        try:
            child, first_left = self._ready_child(timeouts[0])
        except DeadlineExceeded as exc:
            return [(False, exc)]
        conn = child.conn
        conn.send((BATCH, list(calls)))
        results: list[tuple[bool, Any]] = []
        for timeout in (first_left, *timeouts[1:]):
            if not conn.poll(timeout):
                self._replace()
                results.append((False, DeadlineExceeded(f"call exceeded its {timeout:g} s "
                                                        "deadline")))
                return results
            try:
                results.append(conn.recv())
            except (EOFError, OSError) as exc:
                self._replace()
                results.append((False, WorkerCrashed(f"worker died during the call: {exc!r}")))
                return results
        return results

    def preload(self, modules: Sequence[str], timeout: float = _STARTUP_TIMEOUT_S) -> None:
        """Import ``modules`` in the running child now, and in every child started later.

        The imports happen outside any call's deadline, so no call pays for them. A child
        started before (the spare) is started again with the longer list; one not started yet
        imports them at start. A module that cannot be imported is skipped (the call that
        needs it reports the error); an import that overruns ``timeout`` gets the child
        replaced by one that imports the whole list at start.
        """
        with self._lock:
            new = tuple(m for m in dict.fromkeys(modules) if m not in self._preload)
            if self._closed or not new:
                return
            self._preload += new
            spare = self._children["spare"]
            if spare is not None:
                spare.kill()
                self._children["spare"] = _Child(self._preload)
            current = self._children["current"]
            if current is not None and current.alive():
                # a child that dies is replaced at the next call by one importing the whole list
                with contextlib.suppress(WorkerCrashed):
                    self._stream([(import_modules, (new,))], [timeout])

    def close(self) -> None:
        """Stop the children. Safe to call twice."""
        with self._lock:
            self._closed = True
            DeadlineWorker._kill_all(self._children)

    def __enter__(self) -> DeadlineWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _ready_child(self, timeout: float) -> tuple[_Child, float]:
        """The current child once it is ready, and the part of ``timeout`` left for the call.

        Waiting for a replacement to finish starting (after back-to-back overruns the spare may
        still be importing) counts against the call's deadline, so a verdict still comes within
        it; the child is left to finish starting for the next call. Only this worker's very
        first start is not counted: it is a one-time cost, like an import.

        Raises:
            DeadlineExceeded: the replacement was not ready within ``timeout``.
            WorkerCrashed: the child died while starting, or the first start took too long.
        """
        child = self._children["current"]
        if child is None or not child.alive():
            if child is not None:
                self._replace()
            else:
                self._children["current"] = _Child(self._preload)
            child = self._children["current"]
        assert child is not None
        counted = self._started
        began = time.monotonic()
        try:
            ready = child.wait_ready(timeout if counted else _STARTUP_TIMEOUT_S)
        except WorkerCrashed:
            self._replace()
            raise
        if not ready and not counted:
            self._replace()
            raise WorkerCrashed(f"worker did not start within {_STARTUP_TIMEOUT_S:g} s")
        left = timeout - (time.monotonic() - began) if counted else timeout
        if not ready or left <= 0:
            raise DeadlineExceeded(f"call exceeded its {timeout:g} s deadline while a "
                                   "replacement worker was starting")
        self._started = True
        return child, left

    def _replace(self) -> None:
        """Kill the current child; the spare (or a new child) takes over; a new spare starts."""
        current = self._children["current"]
        if current is not None:
            current.kill()
            self.restarts += 1
        spare = self._children["spare"]
        self._children["current"] = spare if spare is not None and spare.alive() else _Child(
            self._preload)
        self._children["spare"] = _Child(self._preload) if self._keep_spare else None

    @staticmethod
    def _kill_all(children: dict[str, _Child | None]) -> None:
        for name, child in children.items():
            if child is not None:
                child.kill()
            children[name] = None


def _pipe_pair() -> tuple[Connection, tuple[int, int]]:
    """A duplex connection: the parent's end and the child's (read fd, write fd)."""
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    parent = _FdConnection(to_parent_r, to_child_w)
    return parent, (to_child_r, to_parent_w)


class _FdConnection(Connection):
    """A :class:`Connection` reading one fd and writing another (two one-way pipes)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        super().__init__(read_fd)
        self._write_fd = write_fd

    def _send(self, buf: bytes, write: Callable[[int, bytes], int] = os.write) -> None:
        view = memoryview(buf)
        while view:
            n = write(self._write_fd, view)
            view = view[n:]

    def _close(self, _close: Callable[[int], None] = os.close) -> None:
        super()._close()
        _close(self._write_fd)


_shared: dict[tuple[int, tuple[str, ...]], DeadlineWorker] = {}
_shared_lock = threading.Lock()


def shared_worker(preload: Sequence[str] = ()) -> DeadlineWorker:
    """The process-wide worker for ``preload`` (a new one after ``fork``)."""
    key = (os.getpid(), tuple(preload))
    with _shared_lock:
        worker = _shared.get(key)
        if worker is None:
            worker = _shared[key] = DeadlineWorker(preload)
        return worker


_in_worker = False


def in_worker() -> bool:
    """Whether this process is a deadline worker (whose caller already enforces the deadline)."""
    return _in_worker


def mark_worker_process() -> None:
    """Called once by the worker entry point: nested deadline calls then run inline."""
    global _in_worker
    _in_worker = True


def run_with_deadline(fn: Callable[..., Any], *args: Any, timeout: float,
                      preload: Sequence[str] = ()) -> Any:
    """``fn(*args)`` under a hard deadline, on the process-wide worker for ``preload``.

    Inside a worker process (a :class:`~verifiers.pool.VerifierPool` worker, say) the call runs
    inline: the parent already kills the whole worker at the deadline, and a worker per worker
    would only add a process hop.

    >>> run_with_deadline(max, 2, 5, timeout=5.0)
    5
    """
    if _in_worker:
        return fn(*args)
    return shared_worker(preload).call(fn, *args, timeout=timeout)

