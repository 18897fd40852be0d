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
import importlib
import inspect
import os
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from sandbox._exec import Outcome, to_result
from sandbox.base import Isolation
from sandbox.bwrap import (
    _ENV,
    _ETC,
    _GROUP,
    _PASSWD,
    SANDBOX_UID,
    WORKDIR,
    BwrapSandbox,
    _as_bytes,
    _Fds,
    _host_user,
    _probe,
    _system_links,
    check_relative,
)
from sandbox.channel import CHANNEL_ENV, Channel
from sandbox.limits import Limits
from sandbox.result import ExecResult

__all__ = ["PRELOAD", "WarmBwrapSandbox"]

#: Modules the zygote imports once, so runs start with them already loaded.
PRELOAD = ("abc", "array", "bisect", "collections", "copy", "dataclasses", "datetime",
           "decimal", "enum", "fractions", "functools", "hashlib", "heapq", "itertools", "json",
           "math", "operator", "random", "re", "statistics", "string", "textwrap", "typing")
#: Seconds the host waits beyond the wall limit before it declares the zygote hung.
HOST_GRACE_S = 2.0
#: Size of the sandbox's /work and /tmp tmpfs (pages are only used when written).
TMPFS_BYTES = 1 << 30
_ZYGOTE_PATH = "/.zygote.py"
_HEADER = 8
_CHUNK = 1 << 16


# --- The zygote: these functions run inside the sandbox, as its PID 1 (stdlib only). ---------

def _z_main() -> None:
    """Serve requests from fd 0 until EOF; never runs candidate code itself."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    for name in PRELOAD:
        importlib.import_module(name)
    fds_socket = socket.socket(fileno=int(sys.argv[1]))  # the host passes channel fds here
    while (request := _z_read_message(0)) is not None:
        try:
            if request["channel"]:
                request["channel_fds"] = socket.recv_fds(fds_socket, 1, 2)[1]
            reply = _z_serve(request)
        except Exception as exc:  # noqa: BLE001 - the zygote must keep serving
            _z_reap()
            reply = {"error": f"zygote: {exc!r}"}
        _z_write_message(1, reply)
    os._exit(0)


def _z_read_message(fd: int) -> dict[str, Any] | None:
    """One length-prefixed literal from ``fd``, or None at EOF."""
    header = _z_read_exact(fd, _HEADER)
    if header is None:
        return None
    body = _z_read_exact(fd, int.from_bytes(header, "big"))
    return None if body is None else ast.literal_eval(body.decode())


def _z_read_exact(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, min(size - len(data), 1 << 20))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _z_write_message(fd: int, message: dict[str, Any]) -> None:
    body = repr(message).encode()
    view = memoryview(len(body).to_bytes(_HEADER, "big") + body)
    while view:
        view = view[os.write(fd, view):]


def _z_serve(request: dict[str, Any]) -> dict[str, Any]:
    """Wipe, write the files, run the child, collect, wipe: the reply."""
    _z_wipe_all()
    for name, content in request["files"].items():
        path = os.path.join(WORKDIR, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    reply = _z_supervise(request)
    reply["files"] = _z_collect(request["collect"], request["fsize"])
    _z_wipe_all()
    return reply


def _z_wipe_all() -> None:
    for root in (WORKDIR, "/tmp", "/dev/shm"):
        if os.path.isdir(root):
            _z_wipe(root)


def _z_wipe(root: str) -> None:
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


def _z_collect(names: list[str], cap: int) -> dict[str, bytes]:
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


def _z_supervise(request: dict[str, Any]) -> dict[str, Any]:
    """Fork the child, pump its pipes under the deadline and cap, then kill and reap all."""
    stdin_r, stdin_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _z_child(request, stdin_r, out_w, err_w)
    for fd in (stdin_r, out_w, err_w, *request.get("channel_fds", ())):
        os.close(fd)
    pump = _ZPump(request, stdin_w, out_r, err_r)
    killed = pump.run(pid, start + request["wall"])
    os.kill(-1, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    _z_reap()
    pump.drain()
    killed = killed or ("output" if pump.overflow else None)
    return {"returncode": os.waitstatus_to_exitcode(status), "stdout": bytes(pump.data[out_r]),
            "stderr": bytes(pump.data[err_r]), "killed": killed,
            "cpu_s": usage.ru_utime + usage.ru_stime, "elapsed_s": time.monotonic() - start}


def _z_reap() -> None:
    """SIGKILL every other process of the namespace until none is left, reaping each."""
    while True:
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


class _ZPump:
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

    def run(self, pid: int, deadline: float) -> str | None:
        """Pump until the child exits (None), the deadline passes or output overflows."""
        pidfd = os.pidfd_open(pid)
        self.poller.register(pidfd, select.POLLIN)
        try:
            while not self.overflow:
                left = deadline - time.monotonic()
                if left <= 0:
                    return "deadline"
                events = self.poller.poll(max(1, int(left * 1000) + 1))
                if self._handle(events, pidfd):
                    return None
            return "output"
        finally:
            self.poller.unregister(pidfd)
            os.close(pidfd)

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


def _z_child(request: dict[str, Any], stdin_r: int, out_w: int, err_w: int) -> None:
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
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 1, 0, 0, 0)  # dumpable: /proc/self works
        _z_limits(request)
        os.chdir(WORKDIR)
        _z_stdio()
        code = _z_execute(request["code"])
        _z_finish()
    finally:
        os._exit(code)


def _z_limits(request: dict[str, Any]) -> None:
    import resource
    cpu = request["cpu"]
    for limit, soft, hard in ((resource.RLIMIT_AS, request["memory"], request["memory"]),
                              (resource.RLIMIT_CPU, cpu, cpu + 1),
                              (resource.RLIMIT_NPROC, request["nproc"], request["nproc"]),
                              (resource.RLIMIT_NOFILE, request["nofile"], request["nofile"]),
                              (resource.RLIMIT_FSIZE, request["fsize"], request["fsize"]),
                              (resource.RLIMIT_CORE, 0, 0)):
        resource.setrlimit(limit, (soft, hard))


def _z_stdio() -> None:
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


def _z_execute(code: str) -> int:
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
        return _z_exit_code(exc.code)
    except BaseException as exc:  # noqa: BLE001 - report like the interpreter does
        try:
            tb = exc.__traceback__.tb_next if exc.__traceback__ else None
            traceback.print_exception(type(exc), exc, tb)
        except BaseException:  # noqa: BLE001 - e.g. MemoryError while formatting
            os.write(2, f"\n{type(exc).__name__}\n".encode())
        return 1
    return 0


def _z_exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(BaseException):
        print(code, file=sys.stderr)
    return 1


def _z_finish() -> None:
    """What interpreter shutdown does: join threads, run atexit handlers, flush the streams."""
    import atexit
    with contextlib.suppress(BaseException):
        threading._shutdown()  # type: ignore[attr-defined]
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()


_ZYGOTE_FUNCTIONS = (_z_main, _z_read_message, _z_read_exact, _z_write_message, _z_serve,
                     _z_wipe_all, _z_wipe, _z_collect, _z_supervise, _z_reap, _ZPump, _z_child,
                     _z_limits, _z_stdio, _z_execute, _z_exit_code, _z_finish)


def zygote_source() -> str:
    """The zygote script: stdlib imports, constants, the ``_z_*`` functions, then ``_z_main()``."""
    header = ("from __future__ import annotations\n"
              "import ast, contextlib, importlib, os, select, shutil, signal, stat, subprocess\n"
              "import socket, sys, threading, time\nfrom typing import Any\n"
              "KEEP = (sys.stdin, sys.stdout, sys.stderr)\n"
              f"PRELOAD = {PRELOAD!r}\nWORKDIR = {WORKDIR!r}\n_HEADER = {_HEADER!r}\n"
              f"CHANNEL_ENV = {CHANNEL_ENV!r}\n"
              f"_CHUNK = {_CHUNK!r}\n")
    body = "\n\n".join(inspect.getsource(fn) for fn in _ZYGOTE_FUNCTIONS)
    return header + "\n\n" + body + "\n\n_z_main()\n"


# --- The host side. ---------------------------------------------------------------------------

def _bwrap_argv(fds: _Fds, fds_socket: int) -> tuple[list[str], list[int]]:
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
            "--ro-bind", "/usr", "/usr", *_system_links(), "--proc", "/proc", "--dev", "/dev",
            "--size", size, "--tmpfs", "/tmp", "--size", size, "--perms", "0755",
            "--tmpfs", WORKDIR]
    for path in _ETC:
        argv += ["--ro-bind-try", path, path]
    argv += data(_PASSWD, "/etc/passwd") + data(_GROUP, "/etc/group")
    argv += data(zygote_source().encode(), _ZYGOTE_PATH)
    argv += ["--remount-ro", "/", "--chdir", "/", "--clearenv"]
    for key, value in _ENV.items():
        argv += ["--setenv", key, value]
    argv += ["--", "/usr/bin/python3", "-s", "-B", _ZYGOTE_PATH, str(fds_socket)]
    return argv, [*passed, fds_socket]


def _request(code: str, stdin: str, files: Mapping[str, str | bytes] | None, limits: Limits,
             collect: tuple[str, ...], channel: bool = False) -> bytes:
    """The length-prefixed request literal for one run (file names checked here)."""
    inputs = {check_relative(k): _as_bytes(v) for k, v in (files or {}).items()}
    inputs["main.py"] = code.encode()
    assert limits.cpu_s is not None
    message = {"code": code, "stdin": stdin.encode(), "files": inputs, "channel": channel,
               "collect": [check_relative(name) for name in collect], "wall": limits.wall_s,
               "cpu": max(1, -(-int(limits.cpu_s * 1000) // 1000)),
               "memory": limits.memory_mb << 20, "nproc": limits.processes + 1,
               "nofile": limits.open_files, "fsize": limits.file_size_mb << 20,
               "cap": limits.output_bytes}
    body = repr(message).encode()
    return len(body).to_bytes(_HEADER, "big") + body


def _receive(fd: int, deadline: float) -> dict[str, Any] | str:
    """The zygote's reply, or ``"timeout"`` / ``"eof"``."""
    data = bytearray()
    need = _HEADER
    while len(data) < need:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return "timeout"
        chunk = os.read(fd, max(need - len(data), _CHUNK))
        if not chunk:
            return "eof"
        data += chunk
        if need == _HEADER and len(data) >= _HEADER:
            need = _HEADER + int.from_bytes(data[:_HEADER], "big")
    reply = ast.literal_eval(data[_HEADER:].decode())
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
        return _probe()

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
            reply: dict[str, Any] | str = _receive(proc.stdout.fileno(), deadline)
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
        with _Fds() as fds, zygote_end:
            argv, passed = _bwrap_argv(fds, zygote_end.fileno())
            user = _host_user()
            try:
                self._proc = subprocess.Popen(
                    argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, bufsize=0, cwd="/", env=_ENV,
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
