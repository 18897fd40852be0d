"""Every run starts from a clean sandbox: what one program leaves, the next cannot see.

A correct program could cache its answers (in a file, a System V IPC object or a kernel key)
and a later program that computes nothing could read them back; a program could also break
later ones (remove ``/dev/stdin``) or hold host memory (fill ``/dev``). For each isolating
backend: program B's output after program A equals B's output on a fresh sandbox.
"""

from __future__ import annotations

import json

import sandbox
from sandbox import ExecStatus, Limits

# Shared by both programs: libc, and the kernel key calls (no keyutils in the sandboxes).
_PRELUDE = """
import ctypes, json, os, platform
libc = ctypes.CDLL(None, use_errno=True)
ARCH = platform.machine()
ADD_KEY = {"x86_64": 248, "aarch64": 217}.get(ARCH)
KEYCTL = {"x86_64": 250, "aarch64": 219}.get(ARCH)
KEY_USER, KEY_USER_SESSION, KEY_SESSION = -4, -5, -3
def attempt(fn):
    try:
        return fn()
    except OSError as exc:
        return exc.strerror
"""

# A leaves everything it can: files, IPC objects, keys; it also tries to damage /dev.
_PLANT = _PRELUDE + """
done = {}
for path in ("/tmp/cache", "/dev/shm/cache", "/dev/cache", "cache"):
    done[path] = attempt(lambda: open(path, "w").write("42"))
done["rm /dev/stdin"] = attempt(lambda: os.unlink("/dev/stdin"))
done["shm"] = libc.shmget(4242, 4096, 0o1666)
done["msg"] = libc.msgget(4243, 0o1666)
done["sem"] = libc.semget(4244, 1, 0o1666)
if ADD_KEY is not None:
    for ring in (KEY_USER, KEY_USER_SESSION, KEY_SESSION):
        done[f"key {ring}"] = libc.syscall(ADD_KEY, b"user", b"guide-rl-cache", b"42", 2,
                                           ctypes.c_long(ring))
print(json.dumps(done))
"""

# B only looks.
_LOOK = _PRELUDE + """
seen = {path: os.path.exists(path) for path in ("/tmp/cache", "/dev/shm/cache", "/dev/cache",
                                                 "cache")}
seen["/dev/stdin works"] = attempt(lambda: open("/dev/stdin").read()) == "in"
seen["shm"] = libc.shmget(4242, 0, 0) >= 0
seen["msg"] = libc.msgget(4243, 0) >= 0
seen["sem"] = libc.semget(4244, 0, 0) >= 0
if KEYCTL is not None:
    for ring in (KEY_USER, KEY_USER_SESSION, KEY_SESSION):
        # KEYCTL_SEARCH = 10
        seen[f"key {ring}"] = libc.syscall(KEYCTL, 10, ctypes.c_long(ring), b"user",
                                           b"guide-rl-cache", 0) >= 0
print(json.dumps(seen, sort_keys=True))
"""


def _look(box: sandbox.Sandbox) -> dict[str, bool]:
    result = box.run(_LOOK, stdin="in", limits=Limits(wall_s=20))
    assert result.status is ExecStatus.OK, result.stderr
    return dict(json.loads(result.stdout))


def test_a_later_run_sees_nothing_of_an_earlier_one(box: sandbox.Sandbox) -> None:
    fresh = _look(box)
    assert not any(value for key, value in fresh.items() if key != "/dev/stdin works"), fresh
    assert fresh["/dev/stdin works"]
    planted = box.run(_PLANT, limits=Limits(wall_s=20))
    assert planted.status is ExecStatus.OK, planted.stderr
    assert json.loads(planted.stdout)["/tmp/cache"] == 2  # A could write: there was something
    assert _look(box) == fresh, planted.stdout


def test_shared_memory_is_capped(box: sandbox.Sandbox) -> None:
    # /dev/shm is memory: uncapped, one run could hold half the host's RAM after it ended
    program = ("import os\nn = 0\ntry:\n    with open('/dev/shm/fill', 'wb') as f:\n"
               "        for _ in range(512):\n            f.write(b'x' * (1 << 20)); n += 1\n"
               "except OSError:\n    pass\nprint(n)")
    result = box.run(program, limits=Limits(wall_s=30, file_size_mb=1024))
    assert result.status is ExecStatus.OK, result.stderr
    assert int(result.stdout) <= 128, "more than 128 MiB went into /dev/shm"
