"""Sandboxes made of host processes: :class:`ProcessSandbox`, and the shared :class:`HostRunner`.

:class:`ProcessSandbox` is for use *inside* a container that already isolates the filesystem
and the network: each run gets a fresh temporary directory, its own unprivileged uid (claimed
from :data:`UID_POOL` under a file lock, so concurrent runs in any process never share one),
rlimits, and, when it ends, every process of that uid is killed, wherever it moved. The
unisolated :class:`sandbox.local.LocalSandbox` reuses :class:`HostRunner` as the current user.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from sandbox._exec import execute, kill_group, to_result
from sandbox.base import Isolation
from sandbox.bwrap import check_relative
from sandbox.channel import Channel
from sandbox.limits import Limits
from sandbox.result import ExecResult
from sandbox.zygote import clear_keyrings, remove_ipc

__all__ = ["TEMP_PREFIX", "UID_POOL", "HostRunner", "ProcessSandbox"]

#: Prefix of every per-run temporary directory (so leftovers are easy to find).
TEMP_PREFIX = "guide-rl-sandbox-"
_IPCRM = shutil.which("ipcrm") or "/usr/bin/ipcrm"
#: Directories every uid may write that outlive a run: wiped of a pool uid's files after it.
SHARED_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue")
#: Uids handed to runs of :class:`ProcessSandbox`, one per concurrent run.
UID_POOL = range(64000, 64512)
_LOCK_DIR = Path(tempfile.gettempdir()) / "guide-rl-uid-locks"
#: Language -> (file name of the program, interpreter argv before the file name).
_LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": ("main.py", ("-s", "-B")),
    "bash": ("main.sh", ()),
}


def default_python() -> str:
    """The interpreter for sandboxed Python: the system one if present, else this one."""
    return "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def _user_tasks(uid: int) -> int:
    """How many tasks (threads) ``uid`` runs now, as RLIMIT_NPROC counts them."""
    count = 0
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
    return count


def _limit_child(limits: Limits, nproc: int, pool_uid: bool) -> Callable[[], None]:
    """A ``preexec_fn`` that applies ``limits`` in the child (after it dropped privileges).

    A pool uid's keyrings are emptied first: kernel keys outlive a run, and the next run with
    that uid must not find them.
    """
    assert limits.cpu_s is not None
    cpu = max(1, -(-int(limits.cpu_s * 1000) // 1000))
    pairs = {resource.RLIMIT_AS: limits.memory_mb << 20, resource.RLIMIT_NPROC: nproc,
             resource.RLIMIT_NOFILE: limits.open_files, resource.RLIMIT_CORE: 0,
             resource.RLIMIT_FSIZE: limits.file_size_mb << 20}

    def apply() -> None:
        if pool_uid:
            clear_keyrings()
        os.umask(0o077)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        for kind, value in pairs.items():
            resource.setrlimit(kind, (value, value))

    return apply


def wipe_user(uid: int) -> None:
    """Remove what ``uid`` left where a later run could find it.

    That is its files in the shared scratch directories (:data:`SHARED_SCRATCH`) and its
    System V IPC objects; its processes are already dead (``execute`` kills them).
    """
    for root in SHARED_SCRATCH:
        with contextlib.suppress(OSError):
            for entry in list(os.scandir(root)):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_uid != uid:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, onerror=_force_remove)
                    else:
                        os.unlink(entry.path)
    remove_ipc(uid)  # as root where root may (CAP_SYS_ADMIN); then as the uid itself, which
    with contextlib.suppress(OSError, subprocess.SubprocessError):  # works in any container
        subprocess.run([_IPCRM, "--all"], user=uid, group=uid, extra_groups=[], cwd="/", env={},
                       capture_output=True, timeout=5)


def kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` (``kill -9 -1`` run as that uid; atomic in the kernel)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(["/bin/sh", "-c", "kill -9 -1"], user=uid, group=uid, extra_groups=[],
                       cwd="/", env={}, capture_output=True, timeout=5)


@contextlib.contextmanager
def claim_uid() -> Iterator[int]:
    """A uid from :data:`UID_POOL` no other run holds, locked with ``flock`` while in use."""
    _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    start = random.randrange(len(UID_POOL))
    for offset in range(len(UID_POOL)):
        uid = UID_POOL[(start + offset) % len(UID_POOL)]
        fd = os.open(_LOCK_DIR / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            kill_user(uid)  # whatever a crashed earlier holder left behind
            wipe_user(uid)
            yield uid
        finally:
            wipe_user(uid)
            os.close(fd)
        return
    raise RuntimeError(f"all {len(UID_POOL)} sandbox uids are in use")


def _force_remove(function: Callable[[str], object], path: str, _: object) -> None:
    """Error handler for rmtree: make the parent writable and retry (the program may chmod 0)."""
    with contextlib.suppress(OSError):
        os.chmod(os.path.dirname(path), 0o700)
        function(path)


@contextlib.contextmanager
def workdir(uid: int | None) -> Iterator[str]:
    """A fresh temporary directory owned by ``uid``, removed afterwards whatever happened."""
    path = tempfile.mkdtemp(prefix=TEMP_PREFIX)
    try:
        if uid is not None:
            os.chown(path, uid, uid)
        yield path
    finally:
        shutil.rmtree(path, onerror=_force_remove)


def _write_inputs(root: str, inputs: Mapping[str, bytes], uid: int | None) -> None:
    for name, content in inputs.items():
        target = Path(root, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        for path in (target, *target.parents):
            if str(path) == root:
                break
            if uid is not None:
                os.chown(path, uid, uid)


def read_inside(root: str, name: str, cap: int) -> bytes | None:
    """The regular file ``root/name`` (at most ``cap`` bytes), never following a link."""
    *dirs, leaf = name.split("/")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in dirs:
            inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open(leaf, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd),
                  "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
                return None
            return handle.read(cap + 1)[:cap]
    except OSError:
        return None
    finally:
        os.close(fd)


class HostRunner:
    """Runs programs as host processes in a temporary directory, under rlimits.

    Subclasses choose the uid (:meth:`_user`) and how to end everything left (:meth:`_kill`).
    """

    isolation: Isolation

    def __init__(self, *, python: str | None = None) -> None:
        self.python = python or default_python()
        self._closed = False

    def _user(self) -> contextlib.AbstractContextManager[int | None]:
        raise NotImplementedError

    def _kill(self, uid: int | None, pgid: int) -> None:
        kill_group(pgid)

    def run(self, code: str, *, stdin: str = "", files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(),  # noqa: B008 - frozen, safe to share
            language: str = "python", collect: tuple[str, ...] = (),
            channel: Channel | None = None) -> ExecResult:
        """Run ``code`` in a fresh directory; never raises on the program's behaviour.

        With a ``channel`` the program gets its two descriptors (:mod:`sandbox.channel`).

        Raises:
            ValueError: unknown ``language``, or a file name that leaves the work dir.
            RuntimeError: the sandbox was closed.
        """
        if self._closed:
            raise RuntimeError(f"this {type(self).__name__} is closed")
        if language not in _LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose from {sorted(_LANGUAGES)}")
        program, flags = _LANGUAGES[language]
        inputs = {check_relative(k): v.encode() if isinstance(v, str) else bytes(v)
                  for k, v in (files or {}).items()}
        inputs[program] = code.encode()
        wanted = tuple(check_relative(name) for name in collect)
        interpreter = [self.python, *flags] if language == "python" else ["/bin/bash"]
        with self._user() as uid, workdir(uid) as root:
            _write_inputs(root, inputs, uid)
            fds = channel.program_fds() if channel is not None else ()
            env = {**_env(root), **(channel.environment(fds) if channel is not None else {})}
            outcome = execute([*interpreter, program], stdin=stdin.encode(), limits=limits,
                              cwd=root, env=env, user=uid, pass_fds=fds,
                              preexec_fn=_limit_child(limits, self._nproc(uid, limits),
                                                      pool_uid=uid is not None),
                              kill=lambda pgid: self._kill(uid, pgid),
                              on_start=channel.program_started if channel is not None else None,
                              cancel_fd=channel.cancel_fd if channel is not None else None)
            cap = limits.file_size_mb << 20
            found = {name: read_inside(root, name, cap) for name in wanted}
        return to_result(outcome, limits, {k: v for k, v in found.items() if v is not None})

    @staticmethod
    def _nproc(uid: int | None, limits: Limits) -> int:
        """RLIMIT_NPROC for the child: per uid, so the current user's tasks count too."""
        if uid is not None or os.geteuid() == 0:
            return limits.processes
        return _user_tasks(os.getuid()) + limits.processes

    def close(self) -> None:
        """Refuse further runs (each run already released everything it used)."""
        self._closed = True

    def __enter__(self) -> HostRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _env(root: str) -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": root, "TMPDIR": root,
            "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
            "PYTHONUNBUFFERED": "1"}


class ProcessSandbox(HostRunner):
    """Rlimits and a per-run unprivileged uid, for use inside an isolating container.

    Example:
        >>> with ProcessSandbox() as box:
        ...     result = box.run("import os; print(os.getuid() != 0)")
        >>> result.stdout
        'True\\n'
    """

    isolation = Isolation("process", True, "rlimits and an unprivileged user; relies on an "
                          "outer container for filesystem and network isolation",
                          own_network=False, own_filesystem=False)

    @classmethod
    def unavailable(cls) -> str | None:
        """None: root can drop to a pool uid, and anyone else already is unprivileged."""
        return None

    def _user(self) -> contextlib.AbstractContextManager[int | None]:
        return claim_uid() if os.geteuid() == 0 else contextlib.nullcontext(None)

    def _kill(self, uid: int | None, pgid: int) -> None:
        kill_group(pgid)
        if uid is not None:
            kill_user(uid)
