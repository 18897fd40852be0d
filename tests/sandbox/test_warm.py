"""The warm bubblewrap backend: runs behave like fresh sandboxes, and nothing leaks between runs.

The adversarial suite runs on "bwrap-warm" too (see conftest); these tests cover what reuse adds.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from sandbox import ExecStatus, Limits
from sandbox.warm import WarmBwrapSandbox

pytestmark = pytest.mark.needs_bwrap


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    with WarmBwrapSandbox() as box:
        yield box


def tag() -> str:
    return f"guide-rl-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def test_stdin_files_and_collect(warm: WarmBwrapSandbox) -> None:
    code = ("import helper\nname = input()\n"
            "open('out/greeting.txt', 'w').write(helper.greet(name))\n"
            "print(open('data/n.txt').read().strip())")
    files = {"helper.py": "def greet(n):\n    return 'hi ' + n\n", "data/n.txt": b"42\n",
             "out/.keep": ""}
    result = warm.run(code, stdin="ada\n", files=files, collect=("out/greeting.txt", "nope"))
    assert result.ok and result.stdout == "42\n", result
    assert result.files == {"out/greeting.txt": b"hi ada"}


def test_runtime_error_and_system_exit(warm: WarmBwrapSandbox) -> None:
    error = warm.run("def f():\n    raise KeyError('k')\nf()")
    assert error.status is ExecStatus.RUNTIME_ERROR and error.exit_code == 1
    assert "KeyError" in error.stderr and 'File "main.py"' in error.stderr
    assert "zygote" not in error.stderr
    exited = warm.run("raise SystemExit(3)")
    assert exited.status is ExecStatus.RUNTIME_ERROR and exited.exit_code == 3
    assert warm.run("import sys\nprint('x')\nsys.exit()").stdout == "x\n"


def test_daemon_from_one_run_is_gone_in_the_next(
        warm: WarmBwrapSandbox, find_processes: Callable[[str], list[str]]) -> None:
    name = tag()
    code = ("import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
            f"        os.execv('/bin/sleep', ['{name}', '60'])\n    os._exit(0)\n")
    assert warm.run(code).ok
    check = (f"import glob\nprint(any('{name}' in open(p).read()\n"
             "          for p in glob.glob('/proc/[0-9]*/cmdline')))")
    assert warm.run(check).stdout == "False\n"
    assert find_processes(name) == []


def test_tmp_and_workdir_are_wiped_between_runs(warm: WarmBwrapSandbox) -> None:
    assert warm.run("open('/tmp/left', 'w').write('x')\nopen('left', 'w').write('x')\n"
                    "open('/dev/shm/left', 'w').write('x')").ok
    code = ("import os\nprint([os.path.exists(p) for p in "
            "('/tmp/left', 'left', '/dev/shm/left')], sorted(os.listdir('.')))")
    assert warm.run(code).stdout == "[False, False, False] ['main.py']\n"


def test_monkeypatched_stdlib_does_not_leak(warm: WarmBwrapSandbox) -> None:
    assert warm.run("import json, math\njson.dumps = None\nmath.pi = 3\n"
                    "import builtins\nbuiltins.print = None").ok
    assert warm.run("import json, math\nprint(json.dumps([1]), math.pi)").stdout == \
        "[1] 3.141592653589793\n"


def test_cannot_kill_or_trace_the_zygote(warm: WarmBwrapSandbox) -> None:
    code = ("import os, signal\nfor sig in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT):\n"
            "    os.kill(1, sig)\ntry:\n    open('/proc/1/mem', 'rb').read(1)\n"
            "    print('read')\nexcept OSError:\n    print('denied')")
    assert warm.run(code).stdout == "denied\n"
    assert warm.run("print('alive')").stdout == "alive\n"


def test_timeout_then_next_run_works(warm: WarmBwrapSandbox) -> None:
    result = warm.run("while True:\n    pass", limits=Limits(wall_s=0.5, cpu_s=30))
    assert result.status is ExecStatus.TIMEOUT
    assert warm.run("print('alive')").stdout == "alive\n"


def test_random_differs_between_runs(warm: WarmBwrapSandbox) -> None:
    code = "import random\nprint(random.random())"
    assert warm.run(code).stdout != warm.run(code).stdout


def test_other_languages_are_refused(warm: WarmBwrapSandbox) -> None:
    with pytest.raises(ValueError, match="python"):
        warm.run("echo hi", language="bash")


def test_closed_sandbox_refuses_runs() -> None:
    box = WarmBwrapSandbox()
    box.close()
    with pytest.raises(RuntimeError, match="closed"):
        box.run("print(1)")
