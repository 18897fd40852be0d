"""A faster bubblewrap backend for Python: :class:`WarmBwrapSandbox`.

:class:`~sandbox.bwrap.BwrapSandbox` starts ``bwrap`` and a fresh interpreter for every run.
This backend keeps ONE long-lived bubblewrap sandbox (the same namespaces, mounts, ``/etc``
handling and uid 65534) whose PID 1 is a trusted "zygote" Python script that has already
imported the common stdlib. Per run the host sends a length-prefixed ``repr`` literal request on
the zygote's stdin; the zygote wipes ``/work``, ``/tmp`` and ``/dev/shm``, writes the files,
forks a child that applies the rlimits and ``exec``\\ s the code, feeds stdin, reads the capped
output until the child exits or the wall deadline, then ``kill(-1, SIGKILL)`` removes every other
process of the PID namespace, reaps them all, collects the asked-for files, wipes again and
replies with a length-prefixed ``repr`` literal. The zygote is not dumpable (no ``ptrace``, no
``/proc/1/mem``), ignores every signal from inside (it is the namespace's init), and never runs
candidate code itself. The host enforces its own deadline (wall + 2 s): a zygote that does not
answer is killed with its ``bwrap`` and a fresh sandbox starts on the next run.

Runs with ``Limits(network=True)`` cannot share the network-less sandbox: they go to a plain
:class:`~sandbox.bwrap.BwrapSandbox`.
"""

from __future__ import annotations

import ast
import contextlib
import os
import select
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sandbox import zygote
from sandbox._exec import Outcome, to_result
from sandbox.base import Isolation
from sandbox.bwrap import (
    DEV_SHM_ARGS,
    ETC_PATHS,
    GROUP_FILE,
    PASSWD_FILE,
    SANDBOX_ENV,
    SANDBOX_UID,
    WORKDIR,
    BwrapSandbox,
    Fds,
    as_bytes,
    check_relative,
    host_user,
    probe,
    system_links,
)
from sandbox.channel import Channel
from sandbox.limits import Limits
from sandbox.result import ExecResult
from sandbox.zygote import HEADER, PRELOAD

__all__ = ["PRELOAD", "WarmBwrapSandbox"]  # PRELOAD: re-exported from sandbox.zygote

#: Seconds the host waits beyond the wall limit before it declares the zygote hung.
HOST_GRACE_S = 2.0
#: Size of the sandbox's /work and /tmp tmpfs (pages are only used when written).
TMPFS_BYTES = 1 << 30
_ZYGOTE_PATH = "/.zygote.py"
_CHUNK = 1 << 16


def zygote_source() -> str:
    """The zygote script sent into the sandbox: the source of :mod:`sandbox.zygote`."""
    return Path(zygote.__file__).read_text()


def _bwrap_argv(fds: Fds, fds_socket: int) -> tuple[list[str], list[int]]:
    """The bwrap command line starting the zygote, and the descriptors it inherits.

    ``fds_socket`` is the zygote's end of the socket over which runs' channels arrive.
    """
    passed: list[int] = []

    def data(content: bytes, dest: str) -> list[str]:
        passed.append(fds.memfd(content))
        return ["--ro-bind-data", str(passed[-1]), dest]

    size = str(TMPFS_BYTES)
    argv = ["bwrap", "--unshare-all", "--as-pid-1", "--die-with-parent", "--new-session",
            "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr", *system_links(), "--proc", "/proc", "--dev", "/dev",
            *DEV_SHM_ARGS,
            "--size", size, "--tmpfs", "/tmp", "--size", size, "--perms", "0755",
            "--tmpfs", WORKDIR]
    for path in ETC_PATHS:
        argv += ["--ro-bind-try", path, path]
    argv += data(PASSWD_FILE, "/etc/passwd") + data(GROUP_FILE, "/etc/group")
    argv += data(zygote_source().encode(), _ZYGOTE_PATH)
    argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/", "--clearenv"]
    for key, value in SANDBOX_ENV.items():
        argv += ["--setenv", key, value]
    argv += ["--", "/usr/bin/python3", "-s", "-B", _ZYGOTE_PATH, str(fds_socket)]
    return argv, [*passed, fds_socket]


def _request(code: str, stdin: str, files: Mapping[str, str | bytes] | None, limits: Limits,
             collect: tuple[str, ...], channel: bool = False) -> bytes:
    """The length-prefixed request literal for one run (file names checked here)."""
    inputs = {check_relative(k): as_bytes(v) for k, v in (files or {}).items()}
    inputs["main.py"] = code.encode()
    assert limits.cpu_s is not None
    message = {"code": code, "stdin": stdin.encode(), "files": inputs, "channel": channel,
               "collect": [check_relative(name) for name in collect], "wall": limits.wall_s,
               "cpu": max(1, -(-int(limits.cpu_s * 1000) // 1000)),
               "memory": limits.memory_mb << 20, "nproc": limits.processes + 1,
               "nofile": limits.open_files, "fsize": limits.file_size_mb << 20,
               "cap": limits.output_bytes}
    body = repr(message).encode()
    return len(body).to_bytes(HEADER, "big") + body


def _receive(fd: int, deadline: float, cancel_fd: int | None = None,
             on_cancel: Callable[[], None] | None = None) -> dict[str, Any] | str:
    """The zygote's reply, or ``"timeout"`` / ``"eof"``; ``on_cancel`` once ``cancel_fd`` fires."""
    data = bytearray()
    need = HEADER
    watched = [fd] if cancel_fd is None else [fd, cancel_fd]
    while len(data) < need:
        left = deadline - time.monotonic()
        ready = select.select(watched, [], [], left)[0] if left > 0 else []
        if cancel_fd in ready and on_cancel is not None:
            on_cancel()  # the zygote ends the run and replies as usual
            watched = [fd]
        if fd not in ready:
            if ready:
                continue
            return "timeout"
        chunk = os.read(fd, max(need - len(data), _CHUNK))
        if not chunk:
            return "eof"
        data += chunk
        if need == HEADER and len(data) >= HEADER:
            need = HEADER + int.from_bytes(data[:HEADER], "big")
    reply = ast.literal_eval(data[HEADER:].decode())
    return reply if isinstance(reply, dict) else "eof"


def _outcome(reply: dict[str, Any]) -> Outcome:
    if "error" in reply:
        return Outcome(error=str(reply["error"]))
    return Outcome(returncode=reply["returncode"], stdout=reply["stdout"],
                   stderr=reply["stderr"], elapsed_s=reply["elapsed_s"], cpu_s=reply["cpu_s"],
                   killed=reply["killed"])


class WarmBwrapSandbox:
    """One reused bubblewrap sandbox whose pre-imported Python zygote forks each run.

    Same API as :class:`~sandbox.bwrap.BwrapSandbox`, Python only. ``run`` is thread-safe (one
    run at a time per instance); ``close`` kills the sandbox.

    Example:
        >>> from sandbox.limits import Limits
        >>> with WarmBwrapSandbox() as box:
        ...     ok = box.run("print(sum(map(int, input().split())))", stdin="2 3")
        ...     slow = box.run("while True: pass", limits=Limits(wall_s=0.5))
        >>> ok.stdout, slow.status.value
        ('5\\n', 'timeout')
    """

    isolation = Isolation("bwrap-warm", True, "one bubblewrap sandbox reused (new user, PID, "
                          "network, IPC, mount, UTS and cgroup namespaces; read-only /usr; "
                          "uid 65534; rlimits; no network): a pre-imported Python zygote forks "
                          "each run; everything is killed and /work, /tmp wiped between runs",
                          own_network=True, own_filesystem=True)

    def __init__(self) -> None:
        problem = self.unavailable()
        if problem is not None:
            raise RuntimeError(f"the bwrap-warm sandbox is unavailable: {problem}")
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._fds_socket: socket.socket | None = None  # the host's end; channels go over it
        self._networked: BwrapSandbox | None = None
        self._closed = False
        with self._lock:
            self._ensure()

    @classmethod
    def unavailable(cls) -> str | None:
        """None if bubblewrap works here, else the reason (probed once, then cached)."""
        return probe()

    def run(self, code: str, *, stdin: str = "", files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(),  # noqa: B008 - frozen, safe to share
            language: str = "python", collect: tuple[str, ...] = (),
            channel: Channel | None = None) -> ExecResult:
        """Run Python ``code`` in the warm sandbox; never raises on the program's behaviour.

        With a ``channel`` the program gets its two descriptors (:mod:`sandbox.channel`),
        passed to the zygote over a Unix socket for this run only.

        Raises:
            ValueError: a language other than Python, or a file name that leaves the work dir.
            RuntimeError: the sandbox was closed.
        """
        if self._closed:
            raise RuntimeError("this WarmBwrapSandbox is closed")
        if language != "python":
            raise ValueError(f"unknown language {language!r}; bwrap-warm runs only 'python'")
        if limits.network:
            return self._network_box().run(code, stdin=stdin, files=files, limits=limits,
                                           collect=collect, channel=channel)
        request = _request(code, stdin, files, limits, collect, channel is not None)
        with self._lock:
            start = time.monotonic()
            reply = self._exchange(request, start + limits.wall_s + HOST_GRACE_S, channel)
        if isinstance(reply, str):
            outcome = Outcome(killed="deadline", returncode=-signal.SIGKILL) \
                if reply == "timeout" else Outcome(error=f"bwrap-warm: {reply}")
            outcome.elapsed_s = time.monotonic() - start
            return to_result(outcome, limits)
        return to_result(_outcome(reply), limits, reply.get("files"))

    def _exchange(self, request: bytes, deadline: float,
                  channel: Channel | None = None) -> dict[str, Any] | str:
        """Send ``request`` and await the reply; on any failure the sandbox is discarded."""
        proc = self._ensure()
        if isinstance(proc, str):
            if channel is not None:
                channel.program_started()  # there will be no program: the host reads EOF
            return proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(request)
            if channel is not None:
                assert self._fds_socket is not None
                try:
                    socket.send_fds(self._fds_socket, [b"c"], list(channel.program_fds()))
                finally:
                    channel.program_started()
            fds_socket = self._fds_socket
            reply: dict[str, Any] | str = _receive(
                proc.stdout.fileno(), deadline, channel.cancel_fd if channel else None,
                lambda: fds_socket.send(b"k") if fds_socket is not None else None)
        except (OSError, ValueError, SyntaxError) as exc:
            reply = f"the sandbox failed: {exc!r}"
        if isinstance(reply, str):
            self._stop()
            if reply == "eof":
                reply = "the sandbox died"
        return reply

    def _ensure(self) -> subprocess.Popen[bytes] | str:
        """The running sandbox, starting one if needed, or why it could not start."""
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._stop()
        host_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._fds_socket = host_end
        with Fds() as fds, zygote_end:
            argv, passed = _bwrap_argv(fds, zygote_end.fileno())
            user = host_user()
            try:
                self._proc = subprocess.Popen(
                    argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, bufsize=0, cwd="/", env=SANDBOX_ENV,
                    start_new_session=True, pass_fds=passed, user=user, group=user,
                    extra_groups=None if user is None else [])
            except (OSError, subprocess.SubprocessError) as exc:
                return f"could not start bwrap: {exc}"
        return self._proc

    def _stop(self) -> None:
        """Kill the sandbox (bwrap's death kills its PID 1, and so the namespace), and reap."""
        proc, self._proc = self._proc, None
        fds_socket, self._fds_socket = self._fds_socket, None
        if fds_socket is not None:
            fds_socket.close()
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pipe in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        proc.wait()

    def _network_box(self) -> BwrapSandbox:
        if self._networked is None:
            self._networked = BwrapSandbox()
        return self._networked

    def close(self) -> None:
        """Kill the sandbox and refuse further runs."""
        self._closed = True
        with self._lock:
            self._stop()
        if self._networked is not None:
            self._networked.close()

    def __enter__(self) -> WarmBwrapSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
