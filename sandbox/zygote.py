r"""The warm sandbox's PID 1 (:mod:`sandbox.warm`): serves runs inside bubblewrap (stdlib only).

This file is sent whole into the sandbox and run there as ``/.zygote.py <fds-socket>``; the
package is not importable there, so it imports nothing but the standard library, and the few
constants it shares with the host are repeated below (tests/sandbox/test_zygote.py checks them).

It serves requests from fd 0 until EOF: each is a length-prefixed ``repr`` literal. Per run it
wipes ``/work``, ``/tmp`` and ``/dev/shm``, writes the files, forks a child that applies the
rlimits and ``exec``\ s the code (with a channel's two descriptors, received over the Unix
socket, as fds 3 and 4), feeds stdin, reads the capped output until the child exits or the wall
deadline, then ``kill(-1, SIGKILL)`` removes every other process of the PID namespace, reaps
them all, collects the asked-for files, wipes again (files, System V IPC objects, the user's
keyrings) and replies with a length-prefixed ``repr`` literal. It is not dumpable (no
``ptrace``, no ``/proc/1/mem``), ignores every signal from inside (it is the namespace's init),
and never runs candidate code itself.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import importlib
import os
import platform
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from typing import Any

#: Modules imported once, so runs start with them already loaded.
PRELOAD = ("abc", "array", "bisect", "collections", "copy", "dataclasses", "datetime",
           "decimal", "enum", "fractions", "functools", "hashlib", "heapq", "itertools", "json",
           "math", "operator", "random", "re", "statistics", "string", "textwrap", "typing")
WORKDIR = "/work"  # sandbox.bwrap.WORKDIR
CHANNEL_ENV = "SANDBOX_CHANNEL"  # sandbox.channel.CHANNEL_ENV
HEADER = 8  # bytes of a message's length prefix
_CHUNK = 1 << 16
# keyctl(2) operations and special keyring ids (linux/keyctl.h)
_KEYCTL_JOIN_SESSION_KEYRING, _KEYCTL_CLEAR = 1, 7
_KEY_SPEC_USER, _KEY_SPEC_USER_SESSION = -4, -5
KEEP = (sys.stdin, sys.stdout, sys.stderr)  # the zygote's own streams outlive a child's
# Resolved at import: a child that dropped privileges may no longer read the stdlib's files.
_LIBC = ctypes.CDLL(None, use_errno=True)
_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())  # the syscall's number


def main() -> None:
    """Serve requests from fd 0 until EOF; never runs candidate code itself."""
    _LIBC.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for name in PRELOAD:
        importlib.import_module(name)
    fds_socket = socket.socket(fileno=int(sys.argv[1]))  # channels' fds; a byte cancels a run
    while (request := read_message(0)) is not None:
        try:
            if request["channel"]:
                request["channel_fds"] = receive_fds(fds_socket)
                request["cancel_fd"] = fds_socket.fileno()
            reply = serve(request)
        except Exception as exc:  # noqa: BLE001 - the zygote must keep serving
            reap()
            reply = {"error": f"zygote: {exc!r}"}
        write_message(1, reply)
    os._exit(0)


def receive_fds(fds_socket: socket.socket) -> list[int]:
    """A run's channel descriptors, sent with the byte ``c``.

    A ``k`` that cancelled an earlier run after it had already ended is still ahead of them
    (the socket keeps order): it is skipped.
    """
    while True:
        data, fds, _, _ = socket.recv_fds(fds_socket, 1, 2)
        if not data:
            raise EOFError("the host closed the socket")
        if data == b"c":
            return fds
        for fd in fds:
            os.close(fd)


def read_message(fd: int) -> dict[str, Any] | None:
    """One length-prefixed literal from ``fd``, or None at EOF."""
    header = read_exact(fd, HEADER)
    if header is None:
        return None
    body = read_exact(fd, int.from_bytes(header, "big"))
    return None if body is None else ast.literal_eval(body.decode())


def read_exact(fd: int, size: int) -> bytes | None:
    """Exactly ``size`` bytes from ``fd``, or None at EOF."""
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, min(size - len(data), 1 << 20))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def write_message(fd: int, message: dict[str, Any]) -> None:
    """Write ``message`` to ``fd`` as a length-prefixed ``repr`` literal."""
    body = repr(message).encode()
    view = memoryview(len(body).to_bytes(HEADER, "big") + body)
    while view:
        view = view[os.write(fd, view):]


def serve(request: dict[str, Any]) -> dict[str, Any]:
    """Wipe, write the files, run the child, collect, wipe: the reply."""
    wipe_all()
    for name, content in request["files"].items():
        path = os.path.join(WORKDIR, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    reply = supervise(request)
    reply["files"] = collect(request["collect"], request["fsize"])
    wipe_all()
    return reply


def wipe_all() -> None:
    """Leave nothing of a run for the next: files, System V IPC objects, keys."""
    for root in (WORKDIR, "/tmp", "/dev/shm"):
        if os.path.isdir(root):
            wipe(root)
    remove_ipc()
    clear_keyrings()


def remove_ipc(uid: int | None = None) -> None:
    """Remove the System V shared memory segments, semaphore sets and message queues.

    All of them, or only those ``uid`` owns (removing another uid's takes root).
    """
    libc = _LIBC
    # /proc/sysvipc/<kind>: a header line, then the id in column 2 and the owner's uid
    for kind, uid_column, remove in (("shm", 7, lambda i: libc.shmctl(i, 0, None)),  # IPC_RMID
                                     ("sem", 4, lambda i: libc.semctl(i, 0, 0)),
                                     ("msg", 7, lambda i: libc.msgctl(i, 0, None))):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                rows = [line.split() for line in table.readlines()[1:] if line.strip()]
        except OSError:
            continue
        for row in rows:
            if uid is None or int(row[uid_column]) == uid:
                remove(int(row[1]))


def clear_keyrings() -> None:
    """Empty this uid's user keyrings (they outlive a run) and join a new session keyring."""
    for keyring in (_KEY_SPEC_USER, _KEY_SPEC_USER_SESSION):
        keyctl(_KEYCTL_CLEAR, keyring)
    keyctl(_KEYCTL_JOIN_SESSION_KEYRING, 0)


def keyctl(operation: int, argument: int) -> int:
    """The kernel key-management system call (no keyutils in the sandbox); -1 if missing."""
    if _KEYCTL is None:
        return -1
    return int(_LIBC.syscall(_KEYCTL, operation, ctypes.c_long(argument)))


def wipe(root: str) -> None:
    """Remove everything under ``root``; chmod-and-find if the program made that hard."""
    try:
        for entry in os.scandir(root):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    except (OSError, RecursionError):
        subprocess.run(["/bin/chmod", "-R", "u+rwX", root], capture_output=True, check=False)
        subprocess.run(["/usr/bin/find", root, "-mindepth", "1", "-delete"],
                       capture_output=True, check=False)


def collect(names: list[str], cap: int) -> dict[str, bytes]:
    """The regular files among ``names`` in the work dir (no final symlink), each <= ``cap``."""
    found: dict[str, bytes] = {}
    for name in names:
        try:
            fd = os.open(os.path.join(WORKDIR, name), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if stat.S_ISREG(info.st_mode) and info.st_size <= cap:
                found[name] = handle.read(cap + 1)[:cap]
    return found


def supervise(request: dict[str, Any]) -> dict[str, Any]:
    """Fork the child, pump its pipes under the deadline and cap, then kill and reap all."""
    stdin_r, stdin_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child(request, stdin_r, out_w, err_w)
    for fd in (stdin_r, out_w, err_w, *request.get("channel_fds", ())):
        os.close(fd)
    pump = Pump(request, stdin_w, out_r, err_r)
    killed = pump.run(pid, start + request["wall"], request.get("cancel_fd"))
    os.kill(-1, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    reap()
    pump.drain()
    killed = killed or ("output" if pump.overflow else None)
    return {"returncode": os.waitstatus_to_exitcode(status), "stdout": bytes(pump.data[out_r]),
            "stderr": bytes(pump.data[err_r]), "killed": killed,
            "cpu_s": usage.ru_utime + usage.ru_stime, "elapsed_s": time.monotonic() - start}


def reap() -> None:
    """SIGKILL every other process of the namespace until none is left, reaping each."""
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


class Pump:
    """Feeds the child's stdin and reads its stdout and stderr with a byte cap (one poll loop)."""

    def __init__(self, request: dict[str, Any], stdin_w: int, out_r: int, err_r: int) -> None:
        self.cap: int = request["cap"]
        self.data = {out_r: bytearray(), err_r: bytearray()}
        self.overflow = False
        self.poller = select.poll()
        for fd in self.data:
            self.poller.register(fd, select.POLLIN)
        self.stdin_w = stdin_w
        self.pending = memoryview(request["stdin"])
        if self.pending:
            os.set_blocking(stdin_w, False)
            self.poller.register(stdin_w, select.POLLOUT)
        else:
            self._close_stdin()

    def run(self, pid: int, deadline: float, cancel_fd: int | None = None) -> str | None:
        """Pump until the child exits (None), the deadline or the output cap is passed.

        A byte on ``cancel_fd`` (the host cancelled the run) ends it too.
        """
        pidfd = os.pidfd_open(pid)
        self.poller.register(pidfd, select.POLLIN)
        if cancel_fd is not None:
            self.poller.register(cancel_fd, select.POLLIN)
        try:
            while not self.overflow:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "deadline"
                events = self.poller.poll(max(1, int(left * 1000) + 1))
                if cancel_fd is not None and any(fd == cancel_fd for fd, _ in events):
                    os.read(cancel_fd, 1)
                    return "cancelled"
                if self._handle(events, pidfd):
                    return None
            return "output"
        finally:
            self.poller.unregister(pidfd)
            os.close(pidfd)
            if cancel_fd is not None:
                self.poller.unregister(cancel_fd)

    def _handle(self, events: list[tuple[int, int]], pidfd: int) -> bool:
        exited = False
        for fd, _ in events:
            if fd == pidfd:
                exited = True
            elif fd == self.stdin_w:
                self._write()
            elif fd in self.data:
                self._read(fd)
        return exited

    def _write(self) -> None:
        try:
            sent = os.write(self.stdin_w, self.pending[:_CHUNK])
        except BlockingIOError:
            return
        except OSError:
            sent = len(self.pending)
        self.pending = self.pending[sent:]
        if not self.pending:
            self.poller.unregister(self.stdin_w)
            self._close_stdin()

    def _close_stdin(self) -> None:
        if self.stdin_w >= 0:
            os.close(self.stdin_w)
            self.stdin_w = -1

    def _read(self, fd: int) -> bool:
        """Read one chunk into ``fd``'s buffer; False at EOF (and stop watching it)."""
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            self.poller.unregister(fd)
            return False
        room = self.cap - len(self.data[fd])
        self.data[fd] += chunk[:room]
        self.overflow = self.overflow or len(chunk) > room
        return True

    def drain(self) -> None:
        """Read what the (now dead) writers left in the pipes, then close every end."""
        self._close_stdin()
        for fd in self.data:
            os.set_blocking(fd, True)
            with contextlib.suppress(KeyError, ValueError):
                while self._read(fd) and not self.overflow:
                    pass
            os.close(fd)


def child(request: dict[str, Any], stdin_r: int, out_w: int, err_w: int) -> None:
    """The forked child: its own session, only fds 0-2, rlimits, then the code; never returns."""
    code = 70
    try:
        os.setsid()
        channel = request.get("channel_fds", ())
        for target, fd in enumerate((stdin_r, out_w, err_w, *channel)):
            os.dup2(fd, target)  # a channel's two fds become 3 and 4
        os.closerange(3 + len(channel), 1 << 20)
        if channel:
            os.environ[CHANNEL_ENV] = "3,4"
        keyctl(_KEYCTL_JOIN_SESSION_KEYRING, 0)  # its own, empty session keyring
        _LIBC.prctl(4, 1, 0, 0, 0)  # dumpable: /proc/self works
        limits(request)
        os.chdir(WORKDIR)
        stdio()
        code = execute(request["code"])
        finish()
    finally:
        os._exit(code)


def limits(request: dict[str, Any]) -> None:
    """Apply the run's rlimits to this (child) process."""
    import resource
    cpu = request["cpu"]
    for limit, soft, hard in ((resource.RLIMIT_AS, request["memory"], request["memory"]),
                              (resource.RLIMIT_CPU, cpu, cpu + 1),
                              (resource.RLIMIT_NPROC, request["nproc"], request["nproc"]),
                              (resource.RLIMIT_NOFILE, request["nofile"], request["nofile"]),
                              (resource.RLIMIT_FSIZE, request["fsize"], request["fsize"]),
                              (resource.RLIMIT_CORE, 0, 0)):
        resource.setrlimit(limit, (soft, hard))


def stdio() -> None:
    """Fresh text streams on fds 0-2 (the zygote's own objects stay referenced in KEEP)."""
    import io

    def stream(fd: int, mode: str, errors: str) -> io.TextIOWrapper:
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding="utf-8", errors=errors,  # type: ignore[arg-type]
                                line_buffering=fd == 2)

    sys.stdin = sys.__stdin__ = stream(0, "r", "surrogateescape")
    sys.stdout = sys.__stdout__ = stream(1, "w", "surrogateescape")
    sys.stderr = sys.__stderr__ = stream(2, "w", "backslashreplace")
    signal.signal(signal.SIGINT, signal.default_int_handler)


def execute(code: str) -> int:
    """Run ``code`` as ``__main__`` from main.py; its exit code (tracebacks as Python prints)."""
    import atexit
    import builtins
    import traceback
    import types
    atexit._clear()
    module = types.ModuleType("__main__")
    module.__file__ = os.path.join(WORKDIR, "main.py")
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    sys.modules["__main__"] = module
    sys.argv = ["main.py"]
    sys.path[0] = WORKDIR
    try:
        exec(compile(code, "main.py", "exec"), module.__dict__)  # noqa: S102 - the sandboxed run
    except SystemExit as exc:
        return exit_code(exc.code)
    except BaseException as exc:  # noqa: BLE001 - report like the interpreter does
        try:
            tb = exc.__traceback__.tb_next if exc.__traceback__ else None
            traceback.print_exception(type(exc), exc, tb)
        except BaseException:  # noqa: BLE001 - e.g. MemoryError while formatting
            os.write(2, f"\n{type(exc).__name__}\n".encode())
        return 1
    return 0


def exit_code(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives, as the interpreter computes it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(BaseException):
        print(code, file=sys.stderr)
    return 1


def finish() -> None:
    """What interpreter shutdown does: join threads, run atexit handlers, flush the streams."""
    import atexit
    with contextlib.suppress(BaseException):
        threading._shutdown()  # type: ignore[attr-defined]
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()


if __name__ == "__main__":
    main()
