"""The supervisor :mod:`sandbox.docker` runs in a container for each run (stdlib only).

This file is sent whole as ``python3 -I -S -c <source>`` with ``docker exec``; the package is
not installed in the container, so it imports nothing but the standard library. It reads the
job (program, stdin, files, limits, as a length-prefixed ``marshal`` dump) from fd 0, runs the
program in a new session under rlimits and the wall-clock deadline, and answers with records on
stdout: ``C`` (bytes of the run's channel, relayed from the program's fd 4; the host's bytes,
which follow the job on fd 0, go to the program's fd 3) and one final ``R``, the JSON report.
It is not dumpable, so the program (same uid) can neither ptrace it nor open its descriptors.
After the program it SIGKILLs every other process of the container, then empties every place
uid 10001 can write and System V IPC, and reports whether all of it is empty.
"""

import _signal
import binascii
import contextlib
import ctypes
import marshal
import os
import resource
import select
import stat
import time

_LIBC = ctypes.CDLL(None)
WORK, SCRATCH = "/work", ("/work", "/tmp", "/dev/shm", "/dev/mqueue")
IPC = ("/proc/sysvipc/shm", "/proc/sysvipc/sem", "/proc/sysvipc/msg")
SIGKILL = _signal.SIGKILL

def read_exact(n):
    """Exactly ``n`` bytes of the job from fd 0."""
    parts = []
    while n:
        part = os.read(0, min(n, 1 << 20))
        if not part:
            raise EOFError("job truncated")
        parts.append(part)
        n -= len(part)
    return b"".join(parts)

def oom_kills():
    """How many times the container's cgroup killed a process for memory."""
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
    """Write the job's files into the work dir; stdin as an unlinked temporary file."""
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
    """Set an rlimit, never above the hard limit the container already has."""
    hard = soft if hard is None else hard
    ceiling = resource.getrlimit(kind)[1]
    if ceiling != resource.RLIM_INFINITY:
        soft, hard = min(soft, ceiling), min(hard, ceiling)
    resource.setrlimit(kind, (soft, hard))

def child(job, stdin_fd, out_w, err_w, channel):
    """The forked child: its own session, fds 0-2 (and a channel's 3, 4), rlimits, exec."""
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
    """Read one chunk of ``fd`` into its buffer; False once over the cap."""
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
        """Move the bytes ``fd`` is ready with; False if ``fd`` is not the relay's."""
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
        """Write what the host sent to the program, as far as its pipe takes it."""
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
    """Pump the program's output (and channel) until it exits, overflows or times out."""
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
    """SIGKILL every other process of the container until none is left; the status."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    for _ in range(1000):
        try:
            os.kill(-1, SIGKILL)
        except ProcessLookupError:
            return status, usage, True
        time.sleep(0.002)
    return status, usage, False

def drain(open_bufs, poll, cap):
    """Read what the dead program left in its pipes (for at most a second)."""
    end = time.monotonic() + 1.0
    while open_bufs and time.monotonic() < end:
        for fd, _ in poll.poll(100):
            if fd in open_bufs:
                pump(fd, open_bufs, cap, poll)

def collect(names, cap):
    """The regular files among ``names`` in the work dir (no symlinks), or None each."""
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
    """Remove ``path``, a directory recursively, chmod-ing what the program locked."""
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
    """Whether no System V IPC object is left."""
    for path in IPC:
        try:
            with open(path) as f:
                if len(f.read().splitlines()) > 1:
                    return False
        except FileNotFoundError:
            pass
    return True

def wipe():
    """Empty every place the program could write; whether all of it is empty now."""
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
    """``data`` as a JSON string of base64."""
    return '"' + binascii.b2a_base64(data, newline=False).decode() + '"'

def main():
    """Run one job: place, fork, watch, kill, collect, wipe, report."""
    _LIBC.prctl(4, 0, 0, 0, 0)  # non-dumpable: the program cannot ptrace us
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


if __name__ == "__main__":
    main()
