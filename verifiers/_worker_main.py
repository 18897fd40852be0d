"""Entry point of a :class:`~verifiers.deadline.DeadlineWorker` child process."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from verifiers.deadline import BATCH, _FdConnection, import_modules, mark_worker_process

_PR_SET_PDEATHSIG = 1


def _die_with_parent(lifeline_fd: int, parent_pid: int, parent_thread_is_main: bool) -> None:
    """Exit as soon as the parent process dies, even while the main thread is busy."""
    if parent_thread_is_main and sys.platform.startswith("linux"):
        # PDEATHSIG fires when the creating *thread* exits, so use it only for the main thread;
        # it also covers C code that holds the GIL and would starve the watcher thread below.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(0)

    def watch() -> None:
        try:
            os.read(lifeline_fd, 1)  # returns b"" (EOF) once every copy of the write end is gone
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True, name="lifeline").start()


def _serve(conn: Connection) -> None:
    """Answer ``(fn, args)`` with one reply, and ``(BATCH, [(fn, args), ...])`` with one each."""
    conn.send(("ready", None))
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        calls = args if fn == BATCH else [(fn, args)]
        for one, one_args in calls:  # each reply goes out at once: the parent times each call
            _reply(conn, _run(one, one_args))


def _reply(conn: Connection, reply: tuple[bool, Any]) -> None:
    """Send ``reply``; a value that cannot be pickled goes back as an error, not a dead worker.

    ``send`` pickles the whole reply before writing a byte, so a failure leaves the pipe clean.
    """
    try:
        conn.send(reply)
    except Exception as exc:  # noqa: BLE001 - any pickling failure
        conn.send((False, RuntimeError(f"the worker's result could not be sent back: {exc!r}")))


def _run(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    try:
        return True, fn(*args)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
        return False, _picklable(exc)


def _picklable(exc: BaseException) -> Exception:
    import pickle

    try:
        pickle.dumps(exc)
        return exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
    except Exception:  # noqa: BLE001
        return RuntimeError(repr(exc))


def main(argv: list[str]) -> None:
    """Serve calls over the pipes named in ``argv`` until the parent goes away."""
    read_fd, write_fd, lifeline_fd, parent_pid, main_thread = (int(a) for a in argv[:5])
    _die_with_parent(lifeline_fd, parent_pid, bool(main_thread))
    mark_worker_process()
    import_modules(argv[5:])
    _serve(_FdConnection(read_fd, write_fd))


if __name__ == "__main__":
    main(sys.argv[1:])
