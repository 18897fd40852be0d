"""The bubblewrap backend: :class:`BwrapSandbox`, and the :data:`LANGUAGES` it runs.

Each run is one ``bwrap`` process started as the unprivileged host user ``nobody`` (65534) when
the caller is root, with new user, PID, network, IPC, mount, UTS and cgroup namespaces. Inside:
``/usr`` (and the ``/bin``, ``/lib*`` links) read-only, a synthetic ``/etc/passwd`` and only the
``/etc`` files a runtime needs, a fresh size-capped tmpfs as the working directory and as
``/tmp``, a minimal environment, and rlimits set by util-linux ``prlimit`` *inside* the user
namespace (so ``RLIMIT_NPROC`` counts this sandbox's processes only). Program and files reach
the tmpfs through memfds (``--file``), so nothing is written to the host disk. When the run ends
(or the runner kills ``bwrap`` at the deadline) the PID namespace's init dies and the kernel
kills every process left in it.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import subprocess
import tarfile
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from sandbox._exec import Outcome, execute, to_result
from sandbox.base import Isolation
from sandbox.channel import CHANNEL_ENV, Channel
from sandbox.limits import Limits
from sandbox.result import ExecResult

__all__ = ["DEV_SHM_ARGS", "ETC_PATHS", "GROUP_FILE", "LANGUAGES", "PASSWD_FILE", "SANDBOX_ENV",
           "SANDBOX_UID", "WORKDIR", "BwrapSandbox", "Fds", "as_bytes", "check_relative",
           "host_user", "probe", "system_links"]

SANDBOX_UID = 65534
WORKDIR = "/work"
#: Size of the sandbox's /dev/shm, a tmpfs of its own; the rest of /dev is read-only.
DEV_SHM_BYTES = 64 << 20
DEV_SHM_ARGS = ("--perms", "1777", "--size", str(DEV_SHM_BYTES), "--tmpfs", "/dev/shm")
#: Language -> (file name of the program, command that runs it, relative to the work dir).
LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": ("main.py", ("/usr/bin/python3", "-s", "-B", "main.py")),
    "bash": ("main.sh", ("/bin/bash", "main.sh")),
}
#: The program's whole environment.
SANDBOX_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
               "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1"}
#: Host files bound read-only into the sandbox.
ETC_PATHS = ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives")
_NET_ETC = ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/ssl",
            "/etc/ca-certificates", "/etc/gai.conf")
#: The sandbox's /etc/passwd and /etc/group: root and the sandbox user only.
PASSWD_FILE = (b"root:x:0:0:root:/root:/usr/sbin/nologin\n"
               b"nobody:x:65534:65534:nobody:/tmp:/bin/sh\n")
GROUP_FILE = b"root:x:0:\nnogroup:x:65534:\n"
#: PID 1 of the sandbox: runs the program (not as init, so signals behave), reaps orphans, and
#: exits with its status; when it exits the kernel kills everything left in the namespace.
_INIT_SH = '"$@"; exit $?'
#: The same, then tar the files named in /.collect onto the collect pipe (hidden from the program).
_COLLECT_SH = ('"$@" {fd}>&-; rc=$?; tar -c --no-recursion --null --verbatim-files-from '
               '-T /.collect -f - 2>/dev/null >&{fd}; exit $rc')


def check_relative(name: str) -> str:
    """``name`` if it is a plain relative path inside the work dir, else ValueError."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or name.startswith("-"):
        raise ValueError(f"file name must be relative and stay in the work dir, got {name!r}")
    return str(path)


def host_user() -> int | None:
    """The host uid to run ``bwrap`` as: nobody when we are root, else ourselves (None)."""
    return SANDBOX_UID if os.geteuid() == 0 else None


def system_links() -> list[str]:
    """Flags recreating /bin, /sbin, /lib* as the host has them (links or read-only binds)."""
    flags: list[str] = []
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            flags += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            flags += ["--ro-bind", name, name]
    return flags


@functools.cache
def probe() -> str | None:
    """Why bubblewrap cannot run a sandbox here, or None (probed once per process)."""
    for tool in ("bwrap", "prlimit"):
        if shutil.which(tool) is None:
            return f"{tool} not found (apt-get install bubblewrap util-linux)"
    if not os.access("/usr/bin/python3", os.X_OK):
        return "/usr/bin/python3 not found (the sandbox runs the system Python)"
    argv = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr",
            *system_links(), "--proc", "/proc", "--dev", "/dev", "--as-pid-1", "/bin/bash",
            "-c", "/usr/bin/prlimit --nproc=2 /usr/bin/true"]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=10, cwd="/", env=SANDBOX_ENV,
                              user=host_user(), group=host_user(),
                              extra_groups=None if host_user() is None else [])
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not start: {exc}"
    if done.returncode != 0:
        return f"bwrap cannot create namespaces here: {done.stderr.decode(errors='replace')}"
    return None


class BwrapSandbox:
    """Runs programs in bubblewrap namespaces as an unprivileged user (see the module doc).

    ``run`` is thread-safe and keeps no state between runs; ``close`` only refuses later runs.

    Example:
        >>> from sandbox.limits import Limits
        >>> with BwrapSandbox() as box:
        ...     ok = box.run("print(sum(map(int, input().split())))", stdin="2 3")
        ...     slow = box.run("while True: pass", limits=Limits(wall_s=0.5))
        >>> ok.stdout, slow.status.value
        ('5\\n', 'timeout')
    """

    isolation = Isolation("bwrap", True, "bubblewrap: new user, PID, network, IPC, mount, UTS "
                          "and cgroup namespaces; read-only /usr; private tmpfs work dir and "
                          "/tmp; unprivileged uid 65534; rlimits; no network")

    def __init__(self) -> None:
        problem = self.unavailable()
        if problem is not None:
            raise RuntimeError(f"the bwrap sandbox is unavailable: {problem}")
        self._closed = False

    @classmethod
    def unavailable(cls) -> str | None:
        """None if bubblewrap works here, else the reason (probed once, then cached)."""
        return probe()

    def run(self, code: str, *, stdin: str = "", files: Mapping[str, str | bytes] | None = None,
            limits: Limits = Limits(),  # noqa: B008 - frozen, safe to share
            language: str = "python", collect: tuple[str, ...] = (),
            channel: Channel | None = None) -> ExecResult:
        """Run ``code`` in a fresh sandbox; never raises on the program's behaviour.

        With a ``channel`` the program gets its two descriptors (:mod:`sandbox.channel`).

        Raises:
            ValueError: unknown ``language``, or a file name that leaves the work dir.
            RuntimeError: the sandbox was closed.
        """
        if self._closed:
            raise RuntimeError("this BwrapSandbox is closed")
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose from {sorted(LANGUAGES)}")
        program, command = LANGUAGES[language]
        inputs = {check_relative(k): as_bytes(v) for k, v in (files or {}).items()}
        inputs[program] = code.encode()
        wanted = tuple(check_relative(name) for name in collect)
        with Fds() as fds:
            outcome = _run_bwrap(inputs, wanted, limits, command, stdin.encode(), fds, channel)
        return to_result(outcome, limits, _untar(outcome.extra, wanted, limits))

    def close(self) -> None:
        """Refuse further runs (each run already released everything it used)."""
        self._closed = True

    def __enter__(self) -> BwrapSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def as_bytes(content: str | bytes) -> bytes:
    """``content`` as bytes (text is UTF-8)."""
    return content.encode() if isinstance(content, str) else bytes(content)


class Fds:
    """The file descriptors one run owns; each is closed exactly once, at the latest on exit."""

    def __init__(self) -> None:
        self.owned: set[int] = set()

    def memfd(self, data: bytes) -> int:
        """An in-memory file holding ``data``, positioned at its start."""
        fd = self._own(os.memfd_create("guide-rl-sandbox-input"))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.lseek(fd, 0, os.SEEK_SET)
        return fd

    def pipe(self) -> tuple[int, int]:
        """A (read, write) pipe."""
        read, write = os.pipe()
        return self._own(read), self._own(write)

    def _own(self, fd: int) -> int:
        self.owned.add(fd)
        return fd

    def close(self, fds: Iterable[int]) -> None:
        """Close those of ``fds`` still open."""
        for fd in set(fds) & self.owned:
            self.owned.discard(fd)
            os.close(fd)

    def __enter__(self) -> Fds:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(set(self.owned))


def _run_bwrap(inputs: Mapping[str, bytes], wanted: tuple[str, ...], limits: Limits,
               command: tuple[str, ...], stdin: bytes, fds: Fds,
               channel: Channel | None = None) -> Outcome:
    """Start bwrap, supervise it, and translate its exit status into the program's."""
    status_read, status_write = fds.pipe()
    collect_read, collect_write = fds.pipe() if wanted else (-1, -1)
    argv, child_fds = _command(inputs, wanted, limits, command, fds, collect_write)
    argv[1:1] = ["--json-status-fd", str(status_write)]
    child_fds += [status_write] + ([collect_write] if wanted else [])
    if channel is not None:  # inherited through bwrap and the init script by the program
        channel_fds = channel.program_fds()
        child_fds += channel_fds
        env_at = argv.index("--clearenv") + 1
        argv[env_at:env_at] = ["--setenv", CHANNEL_ENV, channel.environment(channel_fds)[
            CHANNEL_ENV]]
    extra = {collect_read: len(wanted) * (limits.file_size_mb << 20) + (1 << 16)} \
        if wanted else None

    def started() -> None:
        fds.close(child_fds)
        if channel is not None:
            channel.program_started()

    outcome = execute(argv, stdin=stdin, limits=limits, cwd="/", env=SANDBOX_ENV, user=host_user(),
                      pass_fds=child_fds, extra_reads=extra, on_start=started,
                      cancel_fd=channel.cancel_fd if channel is not None else None)
    if outcome.killed is None and outcome.error is None and not _program_exited(status_read):
        outcome.error = "bwrap failed: " + outcome.stderr.decode(errors="replace").strip()
    elif outcome.returncode is not None and outcome.returncode > 128 and not outcome.killed:
        outcome.returncode = 128 - outcome.returncode  # bwrap reports signal N as 128 + N
    outcome.extra = {0: outcome.extra.get(collect_read, b"")}
    return outcome


def _tmpfs_bytes(inputs: Mapping[str, bytes], limits: Limits) -> int:
    """Size of each tmpfs: four maximal files plus the inputs."""
    return 4 * (limits.file_size_mb << 20) + sum(len(v) for v in inputs.values())


def _dirs(names: Iterable[str]) -> list[str]:
    """Every parent directory of ``names`` (relative), parents first."""
    parents = {str(p) for name in names for p in PurePosixPath(name).parents if str(p) != "."}
    return sorted(parents, key=lambda p: p.count("/"))


def _command(inputs: Mapping[str, bytes], collect: tuple[str, ...], limits: Limits,
             command: tuple[str, ...], owner: Fds,
             collect_fd: int) -> tuple[list[str], list[int]]:
    """The bwrap argv and the file descriptors it must inherit."""
    fds: list[int] = []

    def data(flag: str, content: bytes, dest: str) -> list[str]:
        fds.append(owner.memfd(content))
        return [flag, str(fds[-1]), dest]

    size = str(_tmpfs_bytes(inputs, limits))
    argv = ["bwrap", "--unshare-all", *(["--share-net"] if limits.network else []),
            "--as-pid-1", "--die-with-parent", "--new-session", "--uid", str(SANDBOX_UID), "--gid",
            str(SANDBOX_UID), "--hostname", "sandbox", "--ro-bind", "/usr", "/usr",
            *system_links(), "--proc", "/proc", "--dev", "/dev", *DEV_SHM_ARGS, "--size", size,
            "--tmpfs", "/tmp", "--size", size, "--perms", "0755", "--tmpfs", WORKDIR]
    for path in (*ETC_PATHS, *(_NET_ETC if limits.network else ())):
        argv += ["--ro-bind-try", path, path]
    argv += data("--ro-bind-data", PASSWD_FILE, "/etc/passwd")
    argv += data("--ro-bind-data", GROUP_FILE, "/etc/group")
    for parent in _dirs(list(inputs)):
        argv += ["--dir", f"{WORKDIR}/{parent}"]
    for name, content in inputs.items():
        argv += data("--file", content, f"{WORKDIR}/{name}")
    if collect:
        argv += data("--ro-bind-data", b"".join(n.encode() + b"\0" for n in collect),
                     "/.collect")
    argv += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]
    for key, value in SANDBOX_ENV.items():
        argv += ["--setenv", key, value]
    script = _COLLECT_SH.format(fd=collect_fd) if collect else _INIT_SH
    argv += ["--", "/bin/bash", "-c", script, "init", *_prlimit(limits), *command]
    return argv, fds


def _prlimit(limits: Limits) -> list[str]:
    """``prlimit`` arguments applying ``limits`` to the program (set inside the namespace)."""
    assert limits.cpu_s is not None
    cpu = max(1, -(-int(limits.cpu_s * 1000) // 1000))
    return ["/usr/bin/prlimit", f"--as={limits.memory_mb << 20}", f"--cpu={cpu}:{cpu + 1}",
            f"--nproc={limits.processes + 1}", f"--nofile={limits.open_files}",
            f"--fsize={limits.file_size_mb << 20}", "--core=0", "--"]


def _program_exited(status_read: int) -> bool:
    """Whether bwrap's JSON status stream reports the program's exit (so setup worked)."""
    os.set_blocking(status_read, False)
    text = b""
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(status_read, 1 << 16):
            text += chunk
    return b'"exit-code"' in text


def _untar(extra: Mapping[int, bytes], wanted: tuple[str, ...],
           limits: Limits) -> dict[str, bytes]:
    """The regular files among ``wanted`` in the tar stream the collect step wrote."""
    if not extra.get(0):
        return {}
    found: dict[str, bytes] = {}
    cap = limits.file_size_mb << 20
    with contextlib.suppress(tarfile.TarError, OSError, EOFError), \
            tarfile.open(fileobj=io.BytesIO(extra[0]), mode="r:") as tar:
        for member in tar:
            name = member.name.removeprefix("./")
            handle = tar.extractfile(member) if member.isreg() and member.size <= cap else None
            if name in wanted and handle is not None:
                found[name] = handle.read()
    return found
