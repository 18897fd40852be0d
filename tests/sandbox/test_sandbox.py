"""What every backend does with well-behaved programs, and how backends are chosen."""

from __future__ import annotations

import pytest
from _hosts import HOST_BACKENDS

import sandbox
from sandbox import ExecStatus, Limits
from sandbox.local import LocalSandbox
from sandbox.process import ProcessSandbox


def test_ok_and_stdin(box: sandbox.Sandbox) -> None:
    result = box.run("print(input()[::-1])", stdin="abc")
    assert (result.status, result.exit_code, result.stdout) == (ExecStatus.OK, 0, "cba\n")
    assert result.ok and result.elapsed_s > 0


_READ_DEV_STDIN = "print(open('/dev/stdin').read()[::-1])"


def test_dev_stdin_can_be_opened(box: sandbox.Sandbox) -> None:
    # programs that read /dev/stdin by name are correct; the pipe must be the child's to reopen
    result = box.run(_READ_DEV_STDIN, stdin="abc")
    assert (result.status, result.stdout) == (ExecStatus.OK, "cba\n"), result.stderr


@pytest.mark.parametrize("name", HOST_BACKENDS)
def test_dev_stdin_can_be_opened_on_host_backends(name: str) -> None:
    with sandbox.open(name) as host_box:
        result = host_box.run(_READ_DEV_STDIN, stdin="abc")
    assert (result.status, result.stdout) == (ExecStatus.OK, "cba\n"), result.stderr


def test_large_stdin_round_trips(box: sandbox.Sandbox) -> None:
    data = "x" * 3_000_000
    result = box.run("import sys; print(len(sys.stdin.read()))", stdin=data)
    assert result.stdout == "3000000\n"


def test_files_and_local_imports(box: sandbox.Sandbox) -> None:
    files = {"helper.py": "def f():\n    return 41\n", "data/in.txt": "1", "raw.bin": b"\x00\xff"}
    code = ("import helper\nprint(helper.f() + int(open('data/in.txt').read()), "
            "open('raw.bin', 'rb').read())")
    assert box.run(code, files=files).stdout == "42 b'\\x00\\xff'\n"


def test_collect_returns_regular_files_only(box: sandbox.Sandbox) -> None:
    code = ("import os\nopen('out.txt', 'w').write('hi')\nos.mkdir('d')\n"
            "open('d/x.bin', 'wb').write(bytes(range(3)))\nos.symlink('/etc/passwd', 'link')\n"
            "os.mkfifo('fifo')")
    result = box.run(code, collect=("out.txt", "d/x.bin", "link", "fifo", "missing.txt"))
    assert result.ok
    assert result.files == {"out.txt": b"hi", "d/x.bin": b"\x00\x01\x02"}


def test_runtime_errors_keep_exit_code_and_stderr(box: sandbox.Sandbox) -> None:
    exited = box.run("import sys; sys.exit(3)")
    assert (exited.status, exited.exit_code) == (ExecStatus.RUNTIME_ERROR, 3)
    raised = box.run("raise ValueError('boom')")
    assert raised.status is ExecStatus.RUNTIME_ERROR and raised.exit_code == 1
    assert "ValueError: boom" in raised.stderr


@pytest.mark.parametrize("name", [pytest.param("bwrap", marks=pytest.mark.needs_bwrap),
                                  *HOST_BACKENDS])
def test_bash(name: str) -> None:
    with sandbox.open(name) as box:
        assert box.run("read x; echo $((x * 7))", stdin="6", language="bash").stdout == "42\n"


def test_invalid_utf8_is_replaced(box: sandbox.Sandbox) -> None:
    result = box.run("import sys; sys.stdout.buffer.write(b'a\\xffb')")
    assert result.stdout == "a\ufffdb"


def test_bad_requests_raise(box: sandbox.Sandbox) -> None:
    with pytest.raises(ValueError, match="cobol"):
        box.run("", language="cobol")
    for name in ("../x", "/etc/x", ""):
        with pytest.raises(ValueError, match="relative"):
            box.run("", files={name: "x"})


def test_open_auto_picks_the_strongest_backend_here() -> None:
    """bwrap where it works, else Docker; "process" inside a container with neither; on a host
    with neither, an error saying what to install."""
    working = [name for name in ("bwrap", "docker") if sandbox._backend_class(name).unavailable()
               is None]
    expected = working[0] if working else "process" if sandbox.in_container() else None
    if expected is None:
        with pytest.raises(RuntimeError, match=r"apt-get install bubblewrap"):
            sandbox.open("auto")
        return
    with sandbox.open("auto") as box:
        assert box.isolation.backend == expected and box.isolation.isolated
        assert isinstance(box, sandbox.Sandbox)


def test_open_unknown_names_it() -> None:
    with pytest.raises(ValueError, match="'nope'"):
        sandbox.open("nope")


def test_isolation_reports() -> None:
    assert ProcessSandbox.isolation.isolated and "container" in ProcessSandbox.isolation.description
    assert not LocalSandbox.isolation.isolated
    assert LocalSandbox.isolation.backend == "unsafe-local"


@pytest.mark.needs_sandbox
def test_unsafe_local_only_by_explicit_name() -> None:
    with sandbox.open("auto") as auto:
        assert auto.isolation.isolated
    with sandbox.open("unsafe-local") as local:
        assert isinstance(local, LocalSandbox) and not local.isolation.isolated


@pytest.mark.needs_sandbox
def test_closed_box_refuses() -> None:
    box = sandbox.open("auto")
    box.close()
    with pytest.raises(RuntimeError, match="closed"):
        box.run("pass")


def test_unavailable_backends_say_why_and_refuse_to_open() -> None:
    for name in sandbox.BACKENDS:
        why = sandbox._backend_class(name).unavailable()
        if why is None:
            continue
        assert isinstance(why, str) and why.strip(), name
        with pytest.raises(RuntimeError, match="unavailable"):
            sandbox.open(name)


@pytest.mark.parametrize("name", HOST_BACKENDS)
def test_host_backends_basics(name: str) -> None:
    with sandbox.open(name) as box:
        assert box.run("print(input())", stdin="hi").stdout == "hi\n"
        assert box.run("open('o', 'w').write('1')", collect=("o",)).files == {"o": b"1"}
        slow = box.run("import time; time.sleep(30)", limits=Limits(wall_s=0.5))
        assert slow.status is ExecStatus.TIMEOUT and slow.elapsed_s < 10  # not the 30 s sleep
        loud = box.run("while True: print('x' * 1000)", limits=Limits(output_bytes=5000))
        assert loud.status is ExecStatus.OUTPUT_LIMIT and len(loud.stdout) == 5000
        assert box.run("bytearray(2 << 30)").status is ExecStatus.MEMORY
        spin = box.run("while True: pass", limits=Limits(wall_s=60, cpu_s=1))
        assert spin.status is ExecStatus.TIMEOUT and spin.elapsed_s < 30  # the CPU limit fired
