"""Hostile programs, run on every isolating backend: all contained, each run back on time.

Each test is one way a policy under RL pressure breaks a harness: fork and memory bombs, spinning
and immortal processes, the network, the host's files, secrets and processes, floods of output.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable

import pytest

import sandbox
from sandbox import ExecResult, ExecStatus, Limits

FAST = Limits(wall_s=3)
Finder = Callable[[str], list[str]]


def run_timed(box: sandbox.Sandbox, code: str, limits: Limits = FAST, **kw: object) -> ExecResult:
    """Run and check the call came back soon after the wall deadline.

    A hang guard, not a speed claim: the runaway programs here would run forever, and a loaded
    host may add seconds to the kill.
    """
    start = time.monotonic()
    result = box.run(code, limits=limits, **kw)  # type: ignore[arg-type]  # kw are run's options
    assert time.monotonic() - start <= limits.wall_s + 5, result
    return result


def marker() -> str:
    return f"guide-rl-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def still_works(box: sandbox.Sandbox) -> None:
    assert box.run("print('alive')").stdout == "alive\n"


def test_python_fork_bomb(box: sandbox.Sandbox) -> None:
    result = run_timed(box, "import os\nwhile True:\n    os.fork()")
    assert result.status in (ExecStatus.RUNTIME_ERROR, ExecStatus.TIMEOUT)
    still_works(box)


def test_bash_fork_bomb(box: sandbox.Sandbox) -> None:
    result = run_timed(box, "import subprocess\nsubprocess.run(['/bin/bash', '-c', "
                            "':(){ :|:& };:'])\nimport time\ntime.sleep(60)")
    assert result.status in (ExecStatus.RUNTIME_ERROR, ExecStatus.TIMEOUT)
    still_works(box)


def test_process_limit_holds(box: sandbox.Sandbox) -> None:
    code = ("import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n"
            "            time.sleep(5)\n            os._exit(0)\n        n += 1\n"
            "except OSError:\n    print(n)")
    result = run_timed(box, code, Limits(wall_s=3, processes=16))
    assert result.ok and int(result.stdout) < 16


@pytest.mark.parametrize("code", ["x = bytearray(8 << 30)",
                                  "x = []\nwhile True:\n    x.append(' ' * (1 << 20))"])
def test_memory_bomb(box: sandbox.Sandbox, code: str) -> None:
    result = run_timed(box, code, Limits(wall_s=5, memory_mb=256))
    assert result.status is ExecStatus.MEMORY, result


def test_infinite_loop_hits_wall_deadline(box: sandbox.Sandbox) -> None:
    result = run_timed(box, "while True:\n    pass", Limits(wall_s=1, cpu_s=30))
    assert result.status is ExecStatus.TIMEOUT


def test_cpu_limit(box: sandbox.Sandbox) -> None:
    result = run_timed(box, "while True:\n    pass", Limits(wall_s=60, cpu_s=1))
    assert result.status is ExecStatus.TIMEOUT and result.elapsed_s < 30  # the CPU limit fired


def test_ignoring_sigterm(box: sandbox.Sandbox) -> None:
    code = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(60)"
    assert run_timed(box, code, Limits(wall_s=1)).status is ExecStatus.TIMEOUT


def test_busy_children_outliving_main(box: sandbox.Sandbox, find_processes: Finder) -> None:
    tag = marker()
    code = ("import os\nfor _ in range(4):\n    if os.fork() == 0:\n"
            "        os.execv('/usr/bin/python3',\n"
            f"                 ['python3', '-c', 'while True: pass', '{tag}'])\n"
            "print('main done')")
    result = run_timed(box, code)
    assert result.ok and result.stdout == "main done\n"
    assert find_processes(tag) == []


def test_double_forked_daemon_dies(box: sandbox.Sandbox, find_processes: Finder) -> None:
    tag = marker()
    code = ("import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        os.execv('/bin/sleep', ['{tag}', '60'])\n    os._exit(0)\n")
    assert run_timed(box, code).ok
    assert find_processes(tag) == []


def test_timed_out_run_leaves_nothing(box: sandbox.Sandbox, find_processes: Finder) -> None:
    tag = marker()
    code = f"import os\nos.execv('/bin/sleep', ['{tag}', '60'])"
    assert run_timed(box, code, Limits(wall_s=1)).status is ExecStatus.TIMEOUT
    assert find_processes(tag) == []


def test_no_network(box: sandbox.Sandbox) -> None:
    if not box.isolation.own_network:  # "process": the outer container is the network boundary
        assert "network" in box.isolation.description and sandbox.in_container()
        return
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = (f"import socket\nfor target in [('127.0.0.1', {port}), ('1.1.1.1', 53)]:\n"
                "    try:\n        socket.create_connection(target, timeout=1)\n"
                "        print('connected', target)\n    except OSError:\n"
                "        print('blocked')\ntry:\n    socket.getaddrinfo('example.com', 80)\n"
                "    print('resolved')\nexcept OSError:\n    print('blocked')")
        result = run_timed(box, code, Limits(wall_s=5))
    assert result.stdout.split() == ["blocked"] * 3, result


@pytest.mark.parametrize("target", ["/usr/evil", "/etc/evil", "/home/evil", "/root/evil",
                                    "/evil", "/usr/bin/python3"])
def test_no_writes_outside_workdir(box: sandbox.Sandbox, target: str) -> None:
    code = (f"try:\n    open({target!r}, 'a').write('x')\n    print('wrote')\n"
            "except OSError:\n    print('refused')")
    assert run_timed(box, code).stdout == "refused\n"
    assert not os.path.exists(target) or target == "/usr/bin/python3"


def test_tmp_is_private(box: sandbox.Sandbox) -> None:
    if not box.isolation.own_filesystem:  # "process": the outer container is the boundary
        assert "filesystem" in box.isolation.description and sandbox.in_container()
        return
    name = f"/tmp/{marker()}"
    assert run_timed(box, f"open({name!r}, 'w').write('x')\nprint('ok')").stdout == "ok\n"
    assert not os.path.exists(name)


def test_no_host_secrets(box: sandbox.Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    monkeypatch.setenv("GUIDE_RL_TEST_SECRET", secret)
    code = ("import os, glob\nseen = repr(dict(os.environ))\n"
            "for path in ['/etc/shadow', '/proc/1/environ', f'/proc/{os.getppid()}/environ',\n"
            "             *glob.glob('/proc/*/environ')]:\n"
            "    try:\n        seen += open(path, 'rb').read().decode(errors='replace')\n"
            "    except OSError:\n        pass\nprint(seen)")
    result = run_timed(box, code)
    assert result.ok and secret not in result.stdout
    assert "root:" not in run_timed(box, "print(open('/etc/shadow').read())").stdout


def test_cannot_signal_host(box: sandbox.Sandbox) -> None:
    bystander = subprocess.Popen(["/bin/sleep", "30"], user=65534, group=65534, extra_groups=[])
    try:
        code = ("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"
                "os.kill(1, signal.SIGKILL)\nos.kill(-1, signal.SIGKILL)")
        run_timed(box, code)
        assert bystander.poll() is None, "a sandboxed program killed a host process"
    finally:
        bystander.kill()
        bystander.wait()
    still_works(box)


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_gigabytes_of_output(box: sandbox.Sandbox, stream: str) -> None:
    code = f"import sys\nchunk = 'x' * (1 << 20)\nwhile True:\n    sys.{stream}.write(chunk)"
    result = run_timed(box, code, Limits(wall_s=10, output_bytes=1 << 16))
    assert result.status is ExecStatus.OUTPUT_LIMIT
    assert len(getattr(result, stream)) == 1 << 16 and result.elapsed_s < 9  # before the wall limit


def test_open_files_and_file_size_limits(box: sandbox.Sandbox) -> None:
    code = ("import os\nfds = []\ntry:\n    while True:\n        fds.append(os.open('.', 0))\n"
            "except OSError:\n    print(len(fds))\ntry:\n"
            "    open('big', 'wb').write(b'x' * (3 << 20))\n    print('wrote')\n"
            "except OSError:\n    print('too big')")
    result = run_timed(box, code, Limits(wall_s=3, open_files=32, file_size_mb=1))
    count, verdict = result.stdout.splitlines()
    assert int(count) < 32 and verdict == "too big", result


def test_exit_before_asserts_is_still_a_clean_exit(box: sandbox.Sandbox) -> None:
    # The sandbox reports what happened; verifiers must not treat exit 0 as passing tests.
    result = run_timed(box, "import sys\nsys.exit(0)\nassert False")
    assert result.ok and result.stdout == ""
