"""The host-side runner shared by the process-based backends: :func:`execute`, :func:`to_result`.

:func:`execute` starts a command in its own session and process group, feeds it stdin, reads
stdout and stderr (and any extra pipes) concurrently with byte caps, and kills the whole process
group with SIGKILL at the wall deadline or when an output cap is exceeded. It returns a raw
:class:`Outcome`; :func:`to_result` classifies that into an :class:`~sandbox.result.ExecResult`.
Nothing here raises on the program's behaviour.

Example:
    >>> import sys
    >>> from sandbox.limits import Limits
    >>> outcome = execute([sys.executable, "-c", "print(input() * 2)"], stdin=b"ab",
    ...                   limits=Limits(wall_s=5))
    >>> to_result(outcome, Limits(wall_s=5)).stdout
    'abab\\n'
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sandbox.limits import Limits
from sandbox.result import ExecResult, ExecStatus

__all__ = ["MEMORY_MARKERS", "Outcome", "execute", "kill_group", "to_result"]

#: Seconds to keep draining pipes after the program exited (a stray writer may hold them).
DRAIN_GRACE_S = 0.2
#: Substrings of stderr's tail that mean the program ran out of memory (Python, C, C++, bash).
MEMORY_MARKERS = (b"MemoryError", b"Cannot allocate memory", b"cannot allocate memory",
                  b"std::bad_alloc", b"out of memory")
_CHUNK = 1 << 16


@dataclass
class Outcome:
    """What happened to one process, before classification.

    Attributes:
        returncode: Exit code, or the negative signal number; None if it never started.
        stdout: The first ``output_bytes`` of standard output.
        stderr: The first ``output_bytes`` of standard error.
        extra: Bytes read from each extra pipe, by its read-end file descriptor.
        elapsed_s: Wall-clock seconds from start to reaping.
        cpu_s: User plus system CPU seconds of the process and its reaped descendants.
        killed: ``"deadline"``, ``"output"`` or ``"cancelled"`` when the runner killed it,
            else None.
        error: Why it could not be started, else None.
    """

    returncode: int | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    extra: dict[int, bytes] = field(default_factory=dict)
    elapsed_s: float = 0.0
    cpu_s: float = 0.0
    killed: str | None = None
    error: str | None = None


def kill_group(pgid: int) -> None:
    """SIGKILL every process in group ``pgid``; a group that is already gone is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


class _Streams:
    """Non-blocking stdin writer and capped readers driven by one selector."""

    def __init__(self, proc: subprocess.Popen[bytes], stdin: bytes,
                 caps: Mapping[int, int], cancel_fd: int | None = None) -> None:
        self.selector = selectors.DefaultSelector()
        self.cancel_fd = cancel_fd
        self.cancelled = False
        if cancel_fd is not None:
            self.selector.register(cancel_fd, selectors.EVENT_READ)
        self.caps = dict(caps)
        self.data: dict[int, bytearray] = {fd: bytearray() for fd in caps}
        self.overflow = False
        self.watched: int | None = None
        self.pending = memoryview(stdin)
        assert proc.stdin is not None
        self.stdin_file = proc.stdin
        self.stdin_fd = proc.stdin.fileno()
        for fd in caps:
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ)
        if stdin:
            os.set_blocking(self.stdin_fd, False)
            self.selector.register(self.stdin_fd, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
            self.stdin_fd = -1

    @property
    def open_readers(self) -> bool:
        return any(fd in self.caps for fd in self.selector.get_map())

    def pump(self, timeout: float) -> bool:
        """Move bytes for up to ``timeout`` seconds; whether the watched fd became readable."""
        fired = False
        for key, _ in self.selector.select(max(timeout, 0.0)):
            if key.fd == self.stdin_fd:
                self._write()
            elif key.fd == self.cancel_fd:
                self.cancelled = True
                self.selector.unregister(key.fd)
                self.cancel_fd = None
            elif key.fd == self.watched:
                fired = True
            else:
                self._read(key.fd)
        return fired

    def watch(self, fd: int | None) -> None:
        """Report readiness of ``fd`` (a pidfd) from :meth:`pump`; None stops watching."""
        if self.watched is not None:
            self.selector.unregister(self.watched)
        if fd is not None:
            self.selector.register(fd, selectors.EVENT_READ)
        self.watched = fd

    def _write(self) -> None:
        try:
            sent = os.write(self.stdin_fd, self.pending[:_CHUNK])
        except (BrokenPipeError, BlockingIOError) as exc:
            if isinstance(exc, BlockingIOError):
                return
            sent = len(self.pending)
        self.pending = self.pending[sent:]
        if not self.pending:
            self._forget(self.stdin_fd)

    def _read(self, fd: int) -> None:
        try:
            chunk = os.read(fd, _CHUNK)
        except BlockingIOError:
            return
        if not chunk:
            self._forget(fd)
            return
        room = self.caps[fd] - len(self.data[fd])
        self.data[fd] += chunk[:room]
        if len(chunk) > room:
            self.overflow = True

    def _forget(self, fd: int) -> None:
        self.selector.unregister(fd)
        if fd == self.stdin_fd:
            self.stdin_file.close()
            self.stdin_fd = -1

    def close(self) -> None:
        if self.cancel_fd is not None:
            self.selector.unregister(self.cancel_fd)
            self.cancel_fd = None
        for fd in list(self.selector.get_map()):
            self._forget(fd)
        self.selector.close()


def _stdin_pipe(user: int | None) -> tuple[int, int]:
    """``(read_end, write_end)`` of the child's stdin pipe, owned by ``user`` when given.

    A pipe made by root has mode 0600 for root: a child that dropped to ``user`` could read
    fd 0 but not reopen it, so ``open("/dev/stdin")`` (a link to /proc/self/fd/0) failed with
    EACCES and correct programs that read it failed.
    """
    read_end, write_end = os.pipe()
    if user is not None:
        try:
            os.fchown(read_end, user, user)
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
    return read_end, write_end


def _start(argv: Sequence[str], user: int | None,
           **popen: object) -> subprocess.Popen[bytes] | str:
    try:
        read_end, write_end = _stdin_pipe(user)
    except OSError as exc:
        return f"could not give the stdin pipe to uid {user}: {exc}"
    ids: dict[str, object] = {} if user is None else {"user": user, "group": user,
                                                      "extra_groups": []}
    try:
        proc = subprocess.Popen(list(argv), stdin=read_end, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True, **ids,
                                **popen)  # type: ignore[call-overload]  # kwargs pass through
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        os.close(write_end)
        return f"could not start {argv[0]!r}: {exc}"
    finally:
        os.close(read_end)
    proc.stdin = open(write_end, "wb", buffering=0)  # noqa: SIM115 - closed by _Streams
    return proc


def execute(argv: Sequence[str], *, stdin: bytes, limits: Limits, cwd: str | None = None,
            env: Mapping[str, str] | None = None, user: int | None = None,
            preexec_fn: Callable[[], None] | None = None, pass_fds: Sequence[int] = (),
            extra_reads: Mapping[int, int] | None = None,
            kill: Callable[[int], None] = kill_group,
            on_start: Callable[[], None] | None = None,
            cancel_fd: int | None = None) -> Outcome:
    """Run ``argv`` to completion under ``limits.wall_s`` and ``limits.output_bytes``.

    ``user`` switches the child to that uid and gid (with no supplementary groups).
    ``extra_reads`` maps read ends of extra pipes to byte caps; they are read like stdout (the
    caller closes its write ends after the call). ``kill(pgid)`` ends the program; backends
    pass a stronger one when processes can leave the group. ``on_start`` runs once the child
    exists (to close the parent's copies of ``pass_fds``), whether or not it started.
    ``cancel_fd`` becoming readable ends the program early (``killed="cancelled"``).
    """
    start = time.monotonic()
    proc = _start(argv, user, cwd=cwd, env=env, preexec_fn=preexec_fn,
                  pass_fds=tuple(pass_fds))
    if on_start is not None:
        on_start()
    if isinstance(proc, str):
        return Outcome(error=proc, elapsed_s=time.monotonic() - start)
    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    caps = {out_fd: limits.output_bytes, err_fd: limits.output_bytes, **(extra_reads or {})}
    streams = _Streams(proc, stdin, caps, cancel_fd)
    try:
        killed, status, cpu_s = _supervise(proc, streams, start + limits.wall_s, kill)
    finally:
        streams.close()
        proc.stdout.close()
        proc.stderr.close()
    data = streams.data
    return Outcome(returncode=status, stdout=bytes(data[out_fd]), stderr=bytes(data[err_fd]),
                   extra={fd: bytes(data[fd]) for fd in extra_reads or {}},
                   elapsed_s=time.monotonic() - start, cpu_s=cpu_s, killed=killed)


def _supervise(proc: subprocess.Popen[bytes], streams: _Streams, deadline: float,
               kill: Callable[[int], None]) -> tuple[str | None, int, float]:
    """Pump streams until the process exits, killing it on a breach; then drain and reap."""
    killed: str | None = None
    pidfd = os.pidfd_open(proc.pid)
    streams.watch(pidfd)
    try:
        exited = False
        while not exited:
            now = time.monotonic()
            if killed is None and (streams.overflow or streams.cancelled or now >= deadline):
                killed = "output" if streams.overflow else \
                    "cancelled" if streams.cancelled else "deadline"
                kill(proc.pid)
            exited = streams.pump(max(deadline - now, 0.0) if killed is None else 0.05)
    finally:
        streams.watch(None)
        os.close(pidfd)
    kill(proc.pid)
    grace = time.monotonic() + DRAIN_GRACE_S
    while streams.open_readers and time.monotonic() < grace:
        streams.pump(grace - time.monotonic())
    if killed is None and streams.overflow:
        killed = "output"
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return killed, proc.returncode, usage.ru_utime + usage.ru_stime


def _status(outcome: Outcome, limits: Limits) -> ExecStatus:
    if outcome.error is not None:
        return ExecStatus.SANDBOX_ERROR
    if outcome.killed == "output":
        return ExecStatus.OUTPUT_LIMIT
    if outcome.killed == "cancelled":
        return ExecStatus.CANCELLED
    if outcome.killed == "deadline":
        return ExecStatus.TIMEOUT
    code = outcome.returncode
    if code == 0:
        return ExecStatus.OK
    assert limits.cpu_s is not None
    if code == -signal.SIGXCPU or (code == -signal.SIGKILL and outcome.cpu_s >= limits.cpu_s):
        return ExecStatus.TIMEOUT
    if any(marker in outcome.stderr[-4096:] for marker in MEMORY_MARKERS):
        return ExecStatus.MEMORY
    return ExecStatus.RUNTIME_ERROR


def to_result(outcome: Outcome, limits: Limits,
              files: Mapping[str, bytes] | None = None) -> ExecResult:
    """Classify ``outcome`` (see the module docstring) into an :class:`ExecResult`."""
    stderr = outcome.stderr if outcome.error is None else outcome.error.encode()
    return ExecResult(status=_status(outcome, limits), exit_code=outcome.returncode,
                      stdout=outcome.stdout.decode("utf-8", errors="replace"),
                      stderr=stderr.decode("utf-8", errors="replace"),
                      elapsed_s=outcome.elapsed_s, files=dict(files or {}))
