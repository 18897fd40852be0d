"""Run functions in a child process under a hard wall-clock deadline: :class:`DeadlineWorker`.

Why not ``signal.alarm`` (what math-verify uses): it works only in the main thread, and it cannot
interrupt C code such as a huge integer power. A child process can always be killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any

__all__ = [
    "DeadlineExceeded",
    "DeadlineWorker",
    "WorkerCrashed",
    "in_worker",
    "run_with_deadline",
    "shared_worker",
]

_STARTUP_TIMEOUT_S = 120.0


class DeadlineExceeded(TimeoutError):
    """The call ran past its deadline; the worker was killed (and will be replaced)."""


class WorkerCrashed(RuntimeError):
    """The worker process died during the call (for example killed by the OOM killer)."""


class DeadlineWorker:
    """A persistent child process that runs picklable callables with a hard deadline.

    The child imports ``preload`` once, so a call costs a pipe round trip, not an interpreter
    start. A call that overruns its deadline gets the child killed and a fresh one started at
    once, so the next call does not pay for the replacement's start-up inside its own deadline.
    The child exits when this process dies, from any thread, so nothing is orphaned.
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

    def __init__(self, preload: Sequence[str] = ()) -> None:
        self._preload = tuple(preload)
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._closed = False
        self.restarts = 0
        weakref.finalize(self, DeadlineWorker._kill, self.__dict__)

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
            conn = self._ensure_ready()
            conn.send((fn, args))
            if not conn.poll(timeout):
                self._restart()
                raise DeadlineExceeded(f"call exceeded its {timeout:g} s deadline")
            try:
                ok, value = conn.recv()
            except (EOFError, OSError) as exc:
                self._restart()
                raise WorkerCrashed(f"worker died during the call: {exc!r}") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child. Safe to call twice."""
        with self._lock:
            self._closed = True
            DeadlineWorker._kill(self.__dict__)

    def __enter__(self) -> DeadlineWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------------------------

    def _ensure_ready(self) -> Connection:
        if self._proc is None or self._proc.poll() is not None:
            self._start()
        assert self._conn is not None
        if not self._ready:
            if not self._conn.poll(_STARTUP_TIMEOUT_S):
                self._restart()
                raise WorkerCrashed(f"worker did not start within {_STARTUP_TIMEOUT_S:g} s")
            try:
                self._conn.recv()
            except (EOFError, OSError):
                self._restart()
                raise WorkerCrashed("worker died while starting") from None
            self._ready = True
        return self._conn

    def _start(self) -> None:
        parent_end, child_end = _pipe_pair()
        lifeline_r, lifeline_w = os.pipe()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        cmd = [sys.executable, "-m", "verifiers._worker_main",
               str(child_end[0]), str(child_end[1]), str(lifeline_r), str(os.getpid()),
               "1" if threading.current_thread() is threading.main_thread() else "0",
               *self._preload]
        self._proc = subprocess.Popen(
            cmd, pass_fds=(*child_end, lifeline_r), stdin=subprocess.DEVNULL, env=env,
            close_fds=True)
        for fd in (*child_end, lifeline_r):
            os.close(fd)
        self._lifeline_w = lifeline_w
        self._conn = parent_end
        self._ready = False

    def _restart(self) -> None:
        DeadlineWorker._kill(self.__dict__)
        self.restarts += 1
        if not self._closed:
            self._start()

    @staticmethod
    def _kill(state: dict[str, Any]) -> None:
        proc, conn = state.get("_proc"), state.get("_conn")
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if conn is not None:
            conn.close()
        lifeline = state.pop("_lifeline_w", None)
        if lifeline is not None:
            os.close(lifeline)
        state["_proc"] = state["_conn"] = None
        state["_ready"] = False


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

