"""The Docker backend: :class:`DockerSandbox`, a warm pool of locked-down containers.

Each container has no network, a read-only root, tmpfs ``/work`` and ``/tmp``, memory, pids and
CPU cgroup limits, runs as uid 10001 with no capabilities and ``no-new-privileges``, and carries
the labels of :mod:`sandbox.cleanup` so leftovers of a crashed run are removed later.

A run is one ``docker exec`` of a small supervisor (:data:`_SUPERVISOR`) that reads the job
(program, stdin, files, limits) from its stdin, runs the program in a new session under rlimits
and the wall-clock deadline, and answers with one JSON report. The program cannot forge that
report: the supervisor is non-dumpable, so the program (same uid) can neither ptrace it nor
open its file descriptors; the host also enforces its own deadline.

Reuse, and why it is safe: after the program ends, the supervisor SIGKILLs every other process
of the container with ``kill(-1)`` until none is left (all processes share uid 10001 and cannot
change it; pid 1, a non-dumpable reaper, is immune), then empties every place uid 10001 can
write (``/work``, ``/tmp``, ``/dev/shm``, ``/dev/mqueue``) and System V IPC, and checks that all
of it is empty. Only a container whose check passed goes back to the pool; after a timeout,
an out-of-memory kill, a failed check, a missing report or :data:`MAX_USES` runs it is removed
and replaced in the background. Replacing after every run would cost a container start
(~200 ms) per run, too slow for a warm pool.
"""

from __future__ import annotations

import base64
import contextlib
import json
import marshal
import os
import posixpath
import queue
import select
import signal
import socket
import struct
import threading
import time
import uuid
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sandbox._exec import MEMORY_MARKERS
from sandbox.base import Isolation
from sandbox.channel import Channel
from sandbox.cleanup import cleanup_leftovers, owner_labels, remove_instance
from sandbox.images import SANDBOX_IMAGE, ensure_image, image_present
from sandbox.limits import Limits
from sandbox.result import ExecResult, ExecStatus

__all__ = ["MAX_USES", "DockerSandbox"]

#: Runs after which a container is replaced even though every check passed.
MAX_USES = 100
_USER = "10001:10001"
_DEFAULT_LIMITS = Limits()
_ACQUIRE_S = 120.0  # how long a run waits for a warm container
_GRACE_S = 5.0  # host-side slack over the wall-clock limit for exec setup and cleaning
_OVERHEAD_MB = 256  # container memory beyond the program's: tmpfs, supervisor, pid 1
_OVERHEAD_PIDS = 8
_COMMANDS = {"python": ["python3", "-s", "-B", "main.py"], "bash": ["bash", "main.sh"]}
_PROGRAM_FILE = {"python": "main.py", "bash": "main.sh"}
_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/work",
        "LANG": "C.UTF-8", "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"}

# pid 1 of every container: non-dumpable, ignores SIGCHLD so orphans are reaped, sleeps forever.
_IDLE = ("import ctypes, signal\nctypes.CDLL(None).prctl(4, 0, 0, 0, 0)\n"
         "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\nwhile True:\n    signal.pause()\n")

_SUPERVISOR = r'''
import _signal, binascii, contextlib, ctypes, marshal, os, resource, select, stat, sys, time
ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # non-dumpable: the program cannot ptrace us
WORK, SCRATCH = "/work", ("/work", "/tmp", "/dev/shm", "/dev/mqueue")
IPC = ("/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg")
SIGKILL = _signal.SIGKILL

def read_exact(n):
    parts = []
    while n:
        part = os.read(0, min(n, 1 << 20))
        if not part:
            raise EOFError("job truncated")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)

def oom_kills():
    for path in ("/sys/fs/cgroup/memory/memory.oom_control", "/sys/fs/cgroup/memory.events"):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith("oom_kill "):
                        return int(line.split()[1])
        except OSError:
            pass
    return 0

def place(job):
    for name, data in job["files"].items():
        path = os.path.join(WORK, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    fd = os.open("/tmp", os.O_TMPFILE | os.O_RDWR, 0o600)
    with open(fd, "wb", closefd=False) as f:
        f.write(job["stdin"])
    os.lseek(fd, 0, os.SEEK_SET)
    return fd

def limit(kind, soft, hard=None):
    hard = soft if hard is None else hard
    ceiling = resource.getrlimit(kind)[1]
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))

def child(job, stdin_fd, out_w, err_w, channel):
    try:
        os.setsid()
        for sig in (_signal.SIGPIPE, _signal.SIGXFSZ, _signal.SIGCHLD):
            _signal.signal(sig, _signal.SIG_DFL)
        os.dup2(stdin_fd, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        if channel:  # the program's ends of the channel become fds 3 and 4
            os.dup2(channel[0], 3)
            os.dup2(channel[3], 4)
        os.closerange(5 if channel else 3, 1 << 16)
        os.chdir(WORK)
        cpu = max(1, -int(-job["cpu_s"] // 1))
        limit(resource.RLIMIT_CPU, cpu, cpu + 1)
        limit(resource.RLIMIT_AS, job["memory_mb"] << 20)
        limit(resource.RLIMIT_NPROC, job["processes"])
        limit(resource.RLIMIT_NOFILE, job["open_files"])
        limit(resource.RLIMIT_FSIZE, job["file_size_mb"] << 20)
        limit(resource.RLIMIT_CORE, 0)
        env = dict(job["env"], **({"SANDBOX_CHANNEL": "3,4"} if channel else {}))
        os.execvpe(job["argv"][0], job["argv"], env)
    except BaseException as error:
        os.write(2, f"sandbox: cannot start the program: {error!r}\n".encode())
    finally:
        os._exit(127)

def pump(fd, bufs, cap, poll):
    data = os.read(fd, 1 << 16)
    if not data:
        poll.unregister(fd)
        del bufs[fd]
        return True
    buf = bufs[fd]
    buf += data[: max(cap + 1 - len(buf), 0)]
    return len(buf) <= cap

class Relay:
    """Moves channel bytes: host (our fd 0) -> program (to_w), program (from_r) -> host."""

    def __init__(self, poll, to_w, from_r):
        self.poll, self.to_w, self.from_r, self.pending = poll, to_w, from_r, b""
        self.ending = False  # the host stopped sending: close to_w once pending is out
        os.set_blocking(to_w, False)
        poll.register(0, select.POLLIN)
        poll.register(from_r, select.POLLIN)

    def handle(self, fd, event):
        if fd == 0:
            data = os.read(0, 1 << 16)
            if not data:
                self.poll.unregister(0)
                self.ending = True
            self.pending += data
            self.flush()
        elif fd == self.to_w:
            self.flush()
        elif fd == self.from_r:
            data = os.read(self.from_r, 1 << 16)
            if not data:
                self.poll.unregister(self.from_r)
            else:
                record(b"C", data)
        else:
            return False
        return True

    def flush(self):
        try:
            sent = os.write(self.to_w, self.pending[: 1 << 16]) if self.pending else 0
        except BlockingIOError:
            sent = 0
        except OSError:
            sent = len(self.pending)  # the program closed its end: drop what it will not read
        self.pending = self.pending[sent:]
        with contextlib.suppress(KeyError, ValueError):
            self.poll.unregister(self.to_w)
        if self.pending:
            self.poll.register(self.to_w, select.POLLOUT)
        elif self.ending and self.to_w >= 0:
            os.close(self.to_w)
            self.to_w = -1

def record(kind, data):
    """One framed record on stdout: b"C" channel bytes, b"R" the final report."""
    view = memoryview(kind + len(data).to_bytes(4, "big") + data)
    while view:
        view = view[os.write(1, view):]

def watch(job, pid, pipes, channel):
    cap, deadline = job["output_bytes"], time.monotonic() + job["wall_s"]
    bufs, open_bufs = {}, {}
    for fd in pipes:
        bufs[fd] = open_bufs[fd] = bytearray()
    poll, pidfd = select.poll(), os.pidfd_open(pid)
    for fd in (*pipes, pidfd):
        poll.register(fd, select.POLLIN)
    relay = Relay(poll, channel[1], channel[2]) if channel else None
    exited = overflow = timed_out = False
    while not (exited or overflow or timed_out):
        left = deadline - time.monotonic()
        timed_out = left <= 0
        for fd, event in poll.poll(max(left, 0) * 1000):
            if fd == pidfd:
                exited = True
            elif relay is not None and relay.handle(fd, event):
                continue
            elif not pump(fd, open_bufs, cap, poll):
                overflow = True
    return bufs, open_bufs, poll, overflow, timed_out and not exited

def kill_all(pid):
    try:
        os.kill(-1, SIGKILL)
    except ProcessLookupError:
        pass
    _, status, usage = os.wait4(pid, 0)
    for _ in range(1000):
        try:
            os.kill(-1, SIGKILL)
        except ProcessLookupError:
            return status, usage, True
        time.sleep(0.002)
    return status, usage, False

def drain(open_bufs, poll, cap):
    end = time.monotonic() + 1.0
    while open_bufs and time.monotonic() < end:
        for fd, _ in poll.poll(100):
            if fd in open_bufs:
                pump(fd, open_bufs, cap, poll)

def collect(names, cap):
    found = []
    for name in names:
        try:
            fd = os.open(os.path.join(WORK, name), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError:
            found.append(None)
            continue
        with open(fd, "rb") as f:
            found.append(f.read(cap) if stat.S_ISREG(os.fstat(fd).st_mode) else None)
    return found

def remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
            for entry in os.scandir(path):
                remove(entry.path)
            os.rmdir(path)
        else:
            os.unlink(path)
    except OSError:
        pass

def ipc_empty():
    for path in IPC:
        try:
            with open(path) as f:
                if len(f.read().splitlines()) > 1:
                    return False
        except FileNotFoundError:
            pass
    return True

def wipe():
    for top in SCRATCH:
        if os.path.isdir(top):
            for entry in os.scandir(top):
                remove(entry.path)
    if not ipc_empty():
        pid = os.fork()
        if pid == 0:
            os.execv("/usr/bin/ipcrm", ["ipcrm", "--all"])
        os.waitpid(pid, 0)
    return ipc_empty() and not any(os.path.isdir(t) and os.listdir(t) for t in SCRATCH)

def b64(data):
    return '"' + binascii.b2a_base64(data, newline=False).decode() + '"'

def main():
    job = marshal.loads(read_exact(int.from_bytes(read_exact(8), "big")))
    stdin_fd = place(job)
    oom_before = oom_kills()
    (out_r, out_w), (err_r, err_w) = os.pipe(), os.pipe()
    channel = (*os.pipe(), *os.pipe()) if job["channel"] else ()  # to_r, to_w, from_r, from_w
    pid = os.fork()
    if pid == 0:
        child(job, stdin_fd, out_w, err_w, channel)
    for fd in (out_w, err_w, stdin_fd, *channel[0:1], *channel[3:4]):
        os.close(fd)
    bufs, open_bufs, poll, overflow, timed_out = watch(job, pid, (out_r, err_r), channel)
    status, usage, alone = kill_all(pid)
    drain(open_bufs, poll, job["output_bytes"])
    if channel:  # what the program wrote before it ended still goes to the host
        os.set_blocking(channel[2], False)
        with contextlib.suppress(OSError):
            while data := os.read(channel[2], 1 << 16):
                record(b"C", data)
    files = collect(job["collect"], job["file_size_mb"] << 20)
    clean = alone and wipe()
    flags = {"timed_out": timed_out, "overflow": overflow, "oom": oom_kills() > oom_before,
             "clean": clean}
    fields = [f'"exit_code": {os.waitstatus_to_exitcode(status)}',
              f'"cpu_s": {usage.ru_utime + usage.ru_stime}',
              *(f'"{k}": {str(v).lower()}' for k, v in flags.items()),
              f'"stdout": {b64(bufs[out_r])}', f'"stderr": {b64(bufs[err_r])}',
              '"files": [' + ", ".join("null" if f is None else b64(f) for f in files) + "]"]
    record(b"R", ("{" + ", ".join(fields) + "}").encode())

main()
'''


class _Deadline(Exception):
    """The host-side deadline passed before the supervisor answered."""


@dataclass
class _Warm:
    """A pooled container and how many runs it has served."""

    container: Any
    uses: int = 0


def _import_docker() -> Any:
    try:
        import docker
    except ImportError as error:
        raise RuntimeError("the Docker backend needs the docker SDK: pip install docker") from error
    return docker


class DockerSandbox:
    """Runs programs in a warm pool of locked-down Docker containers.

    Args:
        pool_size: Containers kept started and ready.
        image: The image; default :data:`sandbox.images.SANDBOX_IMAGE`, built on first use.
        memory_mb: The largest ``Limits.memory_mb`` a run may ask for (sets the cgroup limit).
        processes: The largest ``Limits.processes`` a run may ask for (sets the pids limit).
        cpus: CPUs each container may use.
        client: A ``docker.DockerClient``; default ``docker.from_env()``.

    Use it as a context manager, or call :meth:`close`; containers of an instance that was
    never closed are removed at interpreter exit, and those of a crashed process by the next
    ``DockerSandbox`` or ``python -m sandbox.cleanup``.
    """

    isolation = Isolation(
        backend="docker", isolated=True,
        description="Docker container: no network, read-only root, tmpfs /work, uid 10001, "
                    "no capabilities, memory/pids/CPU cgroup limits")

    def __init__(self, pool_size: int = 2, image: str | None = None, *, memory_mb: int = 2048,
                 processes: int = 256, cpus: float = 1.0, client: Any | None = None) -> None:
        if pool_size < 1:
            raise ValueError(f"pool_size must be at least 1, got {pool_size!r}")
        problem = None if client is not None else self.unavailable()
        if problem is not None:
            raise RuntimeError(f"the docker sandbox is unavailable: {problem}")
        self._client = client or _import_docker().from_env(version="auto")
        self._image = ensure_image(self._client, image or SANDBOX_IMAGE)
        cleanup_leftovers(self._client)
        self._pool_size, self._memory_mb, self._processes = pool_size, memory_mb, processes
        self._instance = uuid.uuid4().hex
        self._options = self._container_options(cpus)
        self._idle: queue.SimpleQueue[_Warm] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._owned = 0  # containers starting, idle or busy
        self._closed = False
        self._last_error = ""
        self._executor = ThreadPoolExecutor(max_workers=max(2, pool_size),
                                            thread_name_prefix="guide-rl-docker")
        self._finalizer = weakref.finalize(self, remove_instance, self._client, self._instance)
        self._replenish()

    @classmethod
    def unavailable(cls) -> str | None:
        """Why this backend cannot run here, or None (SDK, daemon and image or its build files)."""
        try:
            docker = _import_docker()
            client = docker.from_env(version="auto", timeout=5)
            client.ping()
        except Exception as error:  # noqa: BLE001 - any failure means "not available"
            return f"Docker daemon not reachable ({error})"
        from sandbox.images import DOCKER_DIR

        if image_present(client) or (DOCKER_DIR / "sandbox.Dockerfile").is_file():
            return None
        return f"image {SANDBOX_IMAGE} missing and no docker/ build files to build it"

    def __enter__(self) -> DockerSandbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _container_options(self, cpus: float) -> dict[str, Any]:
        megabytes = self._memory_mb + _OVERHEAD_MB
        return dict(
            command=["python3", "-I", "-S", "-c", _IDLE], detach=True, user=_USER,
            network_mode="none", read_only=True, ipc_mode="private", hostname="sandbox",
            tmpfs={"/work": "rw,size=64m,uid=10001,gid=10001,mode=0700",
                   "/tmp": "rw,size=64m,mode=1777"},
            mem_limit=f"{megabytes}m", memswap_limit=f"{megabytes}m", shm_size="64m",
            pids_limit=self._processes + _OVERHEAD_PIDS, nano_cpus=int(cpus * 1e9),
            cap_drop=["ALL"], security_opt=["no-new-privileges"],
            labels=owner_labels(self._instance))

    # -- the pool -------------------------------------------------------------------------

    def _replenish(self) -> None:
        with self._lock:
            missing = 0 if self._closed else self._pool_size - self._owned
            self._owned += max(missing, 0)
        for _ in range(missing):
            self._submit(self._spawn)

    def _submit(self, task: Any, *args: Any) -> None:
        try:
            self._executor.submit(task, *args)
        except RuntimeError:  # closed meanwhile: close() removes the instance's containers
            if task == self._spawn:
                with self._lock:
                    self._owned -= 1

    def _spawn(self) -> None:
        try:
            container = self._client.containers.run(self._image, **self._options)
        except Exception as error:  # noqa: BLE001 - recorded; the next run reports it
            with self._lock:
                self._owned -= 1
                self._last_error = str(error)
            return
        self._idle.put(_Warm(container))

    def _acquire(self) -> _Warm:
        end = time.monotonic() + _ACQUIRE_S
        while time.monotonic() < end:
            if self._closed:
                raise RuntimeError("this DockerSandbox is closed")
            self._replenish()
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue
        raise RuntimeError(f"no warm container within {_ACQUIRE_S:.0f} s ({self._last_error})")

    def _release(self, warm: _Warm, reusable: bool) -> None:
        warm.uses += 1
        if reusable and warm.uses < MAX_USES and not self._closed:
            self._idle.put(warm)
            return
        with self._lock:
            self._owned -= 1
        self._submit(_remove_quietly, warm.container)
        self._replenish()

    def close(self) -> None:
        """Remove every container of this instance; later runs raise RuntimeError."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=True)
        self._finalizer()

    # -- one run --------------------------------------------------------------------------

    def run(self, code: str, *, stdin: str = "", files: Mapping[str, str | bytes] | None = None,
            limits: Limits = _DEFAULT_LIMITS, language: str = "python",
            collect: tuple[str, ...] = (), channel: Channel | None = None) -> ExecResult:
        """Run ``code`` in a warm container; see :class:`sandbox.base.Sandbox`.

        With a ``channel`` the program gets its two descriptors (:mod:`sandbox.channel`); the
        supervisor relays them over the exec stream, which also carries the job.

        Raises:
            ValueError: an unknown ``language``, a file name outside the working directory,
                limits above this pool's ceilings, or ``limits.network`` (never offered).
        """
        job = self._job(code, stdin, files or {}, limits, language, collect, channel is not None)
        start = time.monotonic()
        try:
            for _ in range(3):  # a container that died while idle is replaced, then retried
                warm = self._acquire()
                try:
                    return self._run_in(warm, job, limits, collect, start, channel)
                except _Stale:
                    continue  # _run_in released it as not reusable
            return _error(ExecStatus.SANDBOX_ERROR, "containers keep dying before the run",
                          start)
        finally:
            if channel is not None:
                channel.program_started()  # the relay is over: the host reads end of file

    def _job(self, code: str, stdin: str, files: Mapping[str, str | bytes], limits: Limits,
             language: str, collect: tuple[str, ...], channel: bool = False) -> bytes:
        if language not in _COMMANDS:
            raise ValueError(f"unknown language {language!r}; DockerSandbox runs "
                             f"{', '.join(_COMMANDS)}")
        self._check_limits(limits)
        placed = {_safe_name(name): _bytes(data) for name, data in files.items()}
        placed[_PROGRAM_FILE[language]] = _bytes(code)
        job = {"argv": _COMMANDS[language], "env": _ENV, "files": placed, "stdin": _bytes(stdin),
               "collect": [_safe_name(name) for name in collect], "wall_s": float(limits.wall_s),
               "cpu_s": float(limits.cpu_s or limits.wall_s), "memory_mb": limits.memory_mb,
               "processes": limits.processes, "open_files": limits.open_files,
               "output_bytes": limits.output_bytes, "file_size_mb": limits.file_size_mb,
               "channel": channel}
        return marshal.dumps(job, 4)  # host to supervisor only: plain types, format 4

    def _check_limits(self, limits: Limits) -> None:
        if limits.network:
            raise ValueError("Limits.network=True: DockerSandbox containers have no network")
        if limits.memory_mb > self._memory_mb:
            raise ValueError(f"Limits.memory_mb={limits.memory_mb} exceeds this pool's ceiling "
                             f"{self._memory_mb}; create DockerSandbox(memory_mb=...)")
        if limits.processes > self._processes:
            raise ValueError(f"Limits.processes={limits.processes} exceeds this pool's ceiling "
                             f"{self._processes}; create DockerSandbox(processes=...)")

    def _run_in(self, warm: _Warm, job: bytes, limits: Limits, collect: tuple[str, ...],
                start: float, channel: Channel | None = None) -> ExecResult:
        reusable = False
        try:
            stdout, stderr = self._exec(warm.container, job, start + limits.wall_s + _GRACE_S,
                                        channel)
            report = _parse(stdout)
            if report is None:
                return _error(ExecStatus.RUNTIME_ERROR, "the program killed the sandbox "
                              f"supervisor {stderr.decode(errors='replace')[-300:]}", start)
            reusable = bool(report["clean"]) and not report["timed_out"] and not report["oom"]
            return _result(report, limits, collect, time.monotonic() - start)
        except _Deadline:
            return _error(ExecStatus.TIMEOUT, f"no answer within {limits.wall_s} s", start)
        except (OSError, ConnectionError) as error:
            return _error(ExecStatus.SANDBOX_ERROR, f"docker exec failed: {error}", start)
        finally:
            self._release(warm, reusable)

    def _exec(self, container: Any, job: bytes, deadline: float,
              channel: Channel | None = None) -> tuple[bytes, bytes]:
        docker = _import_docker()
        try:
            exec_id = self._client.api.exec_create(
                container.id, ["python3", "-I", "-S", "-c", _SUPERVISOR], stdin=True,
                user=_USER, workdir="/", environment=_ENV)["Id"]
            stream = self._client.api.exec_start(exec_id, socket=True)
        except docker.errors.APIError as error:
            raise _Stale(str(error)) from error
        sock = getattr(stream, "_sock", stream)
        try:
            sock.sendall(struct.pack(">Q", len(job)) + job)
            return _relay(sock, channel, deadline)
        finally:
            sock.close()
            stream.close()


class _Stale(Exception):
    """The container is gone (its pid 1 died while idle); take another."""


def _remove_quietly(container: Any) -> None:
    with contextlib.suppress(Exception):  # already gone; close() removes by label anyway
        container.remove(force=True)


def _safe_name(name: str) -> str:
    normal = posixpath.normpath(name)
    if not name or normal.startswith(("/", "..")) or normal == ".":
        raise ValueError(f"file name {name!r} must be relative and inside the working directory")
    return normal


def _bytes(data: str | bytes) -> bytes:
    return data.encode() if isinstance(data, str) else bytes(data)


def _relay(sock: socket.socket, channel: Channel | None,
           deadline: float) -> tuple[bytes, bytes]:
    """Read the exec stream until it ends (carrying a channel); the report and stderr.

    The supervisor's stdout is records: ``C`` (channel bytes for the host) and one ``R``
    (the report). The host's channel messages go to the supervisor's stdin as they come.
    """
    from_host, to_host = channel.program_fds() if channel is not None else (-1, -1)
    frames, records = _Frames(), _Records()
    watched: list[Any] = [sock] + ([from_host] if channel is not None else [])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Deadline
        ready = select.select(watched, [], [], left)[0]
        if from_host in ready:
            data = os.read(from_host, 1 << 16)
            if not data:
                watched.remove(from_host)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_WR)  # the supervisor's stdin ends too
            else:
                sock.sendall(data)
        if sock in ready:
            data = sock.recv(1 << 16)
            if not data:
                return records.report, frames.stderr
            for kind, payload in records.feed(frames.feed(data)):
                if kind == b"C":
                    _write_all(to_host, payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except OSError:
            return  # the host closed its channel: nobody reads what is left


class _Frames:
    """Docker's multiplexed stream (8-byte headers) split into stdout bytes and stderr."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.stderr = b""

    def feed(self, data: bytes) -> bytes:
        """Add raw bytes; the stdout bytes of every complete frame."""
        self.buffer += data
        out = bytearray()
        while len(self.buffer) >= 8:
            size = struct.unpack(">I", self.buffer[4:8])[0]
            if len(self.buffer) < 8 + size:
                break
            payload = bytes(self.buffer[8:8 + size])
            if self.buffer[0] == 2:
                self.stderr += payload
            else:
                out += payload
            del self.buffer[:8 + size]
        return bytes(out)


class _Records:
    """The supervisor's stdout as records: a kind byte, a 4-byte length, the payload."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.report = b""

    def feed(self, data: bytes) -> list[tuple[bytes, bytes]]:
        """Add stdout bytes; every complete record (the report is also kept)."""
        self.buffer += data
        found = []
        while len(self.buffer) >= 5:
            size = int.from_bytes(self.buffer[1:5], "big")
            if len(self.buffer) < 5 + size:
                break
            kind, payload = bytes(self.buffer[:1]), bytes(self.buffer[5:5 + size])
            del self.buffer[:5 + size]
            if kind == b"R":
                self.report = payload
            found.append((kind, payload))
        return found


def _parse(stdout: bytes) -> dict[str, Any] | None:
    try:
        report = json.loads(stdout)
    except ValueError:
        return None
    return report if isinstance(report, dict) and "clean" in report else None


def _status(report: dict[str, Any], limits: Limits, stderr: bytes) -> ExecStatus:
    code = report["exit_code"]
    if report["overflow"]:
        return ExecStatus.OUTPUT_LIMIT
    cpu_used = report["cpu_s"] >= float(limits.cpu_s or 0) - 0.05
    cpu_killed = code == -signal.SIGXCPU or (code == -signal.SIGKILL and cpu_used)
    if report["timed_out"] or cpu_killed:
        return ExecStatus.TIMEOUT
    if report["oom"] or (code != 0 and any(m in stderr[-4096:] for m in MEMORY_MARKERS)):
        return ExecStatus.MEMORY
    return ExecStatus.OK if code == 0 else ExecStatus.RUNTIME_ERROR


def _result(report: dict[str, Any], limits: Limits, collect: tuple[str, ...],
            elapsed: float) -> ExecResult:
    stdout = base64.b64decode(report["stdout"])[: limits.output_bytes]
    stderr = base64.b64decode(report["stderr"])[: limits.output_bytes]
    return ExecResult(status=_status(report, limits, stderr), exit_code=report["exit_code"],
                      stdout=stdout.decode(errors="replace"),
                      stderr=stderr.decode(errors="replace"), elapsed_s=elapsed,
                      files=_files(report["files"], collect))


def _files(encoded: list[str | None], names: tuple[str, ...]) -> dict[str, bytes]:
    pairs = zip(names, encoded, strict=True)
    return {name: base64.b64decode(data) for name, data in pairs if data is not None}


def _error(status: ExecStatus, reason: str, start: float) -> ExecResult:
    return ExecResult(status=status, exit_code=None, stdout="", stderr=f"sandbox: {reason}",
                      elapsed_s=time.monotonic() - start)
