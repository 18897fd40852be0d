"""The Docker backend: :class:`DockerSandbox`, a warm pool of locked-down containers.

Each container has no network, a read-only root, tmpfs ``/work`` and ``/tmp``, memory, pids and
CPU cgroup limits, runs as uid 10001 with no capabilities and ``no-new-privileges``, and carries
the labels of :mod:`sandbox.cleanup` so leftovers of a crashed run are removed later.

A run is one ``docker exec`` of a small supervisor (:mod:`sandbox.docker_supervisor`) that
reads the job (program, stdin, files, limits) from its stdin, runs the program in a new session
under rlimits and the wall-clock deadline, relays the run's channel if it has one, and answers
with one JSON report. The program cannot forge that
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
from pathlib import Path
from typing import Any

from sandbox import docker_supervisor
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

# The supervisor each run execs in its container: a real module, sent as source.
_SUPERVISOR = Path(docker_supervisor.__file__).read_text()


class _Deadline(Exception):
    """The host-side deadline passed before the supervisor answered."""


class _Cancelled(Exception):
    """The host cancelled the run (:meth:`sandbox.channel.Channel.cancel`)."""


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
        except _Cancelled:
            return _error(ExecStatus.CANCELLED, "the host cancelled the run", start)
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
    watched: list[Any] = [sock] + ([from_host, channel.cancel_fd] if channel is not None else [])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Deadline
        ready = select.select(watched, [], [], left)[0]
        if channel is not None and channel.cancel_fd in ready:
            raise _Cancelled  # the container is replaced: that ends everything in it
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
