"""The trusted test driver that :mod:`verifiers.code` runs inside the sandbox (stdlib only).

This file is never imported by the verifier: its source is sent to the sandbox as the program,
and everything else (nonce, candidate code, setup code, rewritten tests) arrives as one JSON
object on stdin, read to the end before any candidate code runs, so there is no test file to
read. It then

1. captures pristine references (``exec``, ``type``, ``os.write``, a duplicate of fd 1, the
   builtins and a few stdlib module dicts), compiles every piece of code, and preimports the
   modules tests use;
2. installs an audit hook (which cannot be removed) that refuses frame access
   (``sys._getframe``, ``tb_frame``, ``gi_frame``, ``settrace``...), ``gc`` object walks,
   ``ctypes``, ``__code__`` swaps, process creation, and opening ``/proc`` or ``/dev`` files,
   so the candidate cannot read the nonce or the harness's state out of memory;
3. runs the candidate, then the setup code and each test in a separate namespace (the
   candidate's names are copied in, the builtins are a private snapshot), restoring the
   builtins and stdlib module dicts before each test and after each call inside a check;
4. writes evidence lines ``<nonce> <kind> ...`` to the saved fd: ``S i`` test started,
   ``R k <value>`` the encoded value of a rewritten ``assert X == <literal>`` (compared outside
   the sandbox), ``F k <why>`` an in-sandbox assertion failed, ``P i`` test passed, ``E i <exc>``
   test raised, ``T i`` test timed out, ``X <why>`` the candidate or setup failed, ``D <n>`` done;
5. leaves with ``os._exit(0)`` so the candidate's ``atexit`` handlers never run.
"""

# ruff: noqa: UP031 - %-formatting of exact str objects cannot call candidate code

import os
import sys

_STDLIB = ("bisect", "cmath", "collections", "copy", "fractions", "functools", "hashlib",
           "heapq", "itertools", "math", "operator", "random", "re", "string", "statistics",
           "dataclasses", "typing")
_UNPROTECTED = ("dataclasses", "typing")  # imported for speed of the candidate, not snapshotted


def _exec_literal(text: str) -> dict:
    return eval(text, {"__builtins__": {}})  # noqa: S307 - a literal the verifier wrote


def _main() -> None:  # noqa: C901 - one closure keeps every secret in locals, out of reach
    import _signal as signal  # the C module: `signal` would import enum, a few ms per run
    import builtins

    _exec, _compile, _type, _len, _repr = exec, compile, type, len, repr
    _isinstance, _issubclass, _BaseException = isinstance, issubclass, BaseException
    _all, _exit = all, os._exit
    _write, _dup, _read, _close = os.write, os.dup, os.read, os.close
    _setitimer, _signal, _ITIMER, _SIGALRM = (signal.setitimer, signal.signal,
                                             signal.ITIMER_REAL, signal.SIGALRM)
    _ditems, _siter, _liter, _titer = (
        dict.items, set.__iter__, list.__iter__, tuple.__iter__)
    _fsiter, _int_index, _float_float, _str_str = (
        frozenset.__iter__, int.__index__, float.__float__, str.__str__)

    chunks = []
    while True:
        chunk = _read(0, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    # The payload is repr() of a dict of str/float/None/list (written by the verifier, trusted):
    # evaluating that literal costs less than importing json, which would dominate a short run.
    payload = _exec_literal(b"".join(chunks).decode("utf-8", "surrogatepass"))
    del chunks
    _close(0)
    nonce = payload["nonce"]
    out_fd = _dup(1)
    per_test_s = float(payload["per_test_s"])

    def emit(msg: str) -> None:
        data = ("\n%s %s\n" % (nonce, msg)).encode("utf-8", "replace")
        while data:
            data = data[_write(out_fd, data):]

    def compiled(src: str, name: str) -> object:
        try:
            return _compile(src, name, "exec", dont_inherit=True)
        except _BaseException as exc:
            return "%s: %s" % (_type(exc).__name__, exc)

    candidate = compiled(payload["code"], "<candidate>")
    setup = compiled(payload.get("setup", ""), "<setup>")
    tests = [(compiled(t["src"], "<test %d>" % i), t.get("call")) for i, t in
             enumerate(payload["tests"])]

    # Preimport (and so protect and trust) the stdlib modules the code names; importing all of
    # them every run would cost more than the rest of the harness. A module reached without
    # its name in the source (__import__("col" + "lections")) is simply not trusted.
    text = payload["code"] + payload.get("setup", "") + "".join(t["src"] for t in payload["tests"])
    wanted = [name for name in _STDLIB if name in text]
    modules = [builtins] + [__import__(name) for name in wanted if name not in _UNPROTECTED]
    for name in wanted:
        __import__(name)
    snapshots = [(m.__dict__, dict(m.__dict__), True) for m in modules]
    snapshots.append((sys.modules, {m.__name__: m for m in modules}, False))
    pristine_builtins = dict(builtins.__dict__)
    scalar = {_type(None), bool, int, float, complex, str, bytes}
    trusted = set(scalar) | {list, tuple, dict, set, frozenset, range}
    for m in modules[1:]:
        trusted.update(v for v in m.__dict__.values() if _isinstance(v, type))

    def restore() -> None:
        """Put back every binding the candidate may have changed (identity, not equality)."""
        for live, snap, exact in snapshots:
            if exact:
                for key in [k for k in live if k not in snap]:
                    del live[key]
            for key, value in _ditems(snap):
                if live.get(key, restore) is not value:
                    live[key] = value

    def encode(v: object, budget: list) -> tuple:
        budget[0] -= 1
        if budget[0] < 0:
            return ("?", "too large")
        t = _type(v)
        if t in scalar:
            if t is float:
                return ("f", _repr(v))
            if t is complex:
                return ("c", _repr(v.real), _repr(v.imag))
            return ("v", v)
        for base, tag, items in ((list, "l", _liter), (tuple, "t", _titer), (set, "S", _siter),
                                 (frozenset, "F", _fsiter)):
            if _issubclass(t, base):
                return (tag, tuple([encode(x, budget) for x in items(v)]))
        if _issubclass(t, dict):
            return ("d", tuple([(encode(k, budget), encode(x, budget)) for k, x in _ditems(v)]))
        for base, conv in ((bool, None), (int, _int_index), (float, _float_float),
                           (str, _str_str)):
            if _issubclass(t, base) and conv is not None:
                return encode(conv(v), budget)
        return ("?", "a %s object" % t.__qualname__ if _type(t.__qualname__) is str else "?")

    def report(k: int, value: object) -> None:
        try:
            emit("R %d %s" % (k, _repr(encode(value, [100_000]))))
        except RecursionError:
            emit("R %d ('?', 'too deep')" % k)

    class _Failed(Exception):
        pass

    class _Timeout(Exception):
        pass

    def plain(v: object, budget: list) -> bool:
        budget[0] -= 1
        t = _type(v)
        if budget[0] < 0 or t not in trusted:
            return False
        if t in (list, tuple, set, frozenset):
            return _all(plain(x, budget) for x in v)
        if t is dict:
            return _all(plain(k, budget) and plain(x, budget) for k, x in _ditems(v))
        return True

    def guard(value: object) -> object:
        restore()
        if not plain(value, [100_000]):
            raise _Failed("a call returned a %s, not a plain value" % _type(value).__name__)
        return value

    def check(k: int, ok: object) -> None:
        restore()
        if _type(ok) is not bool and not plain(ok, [100_000]):
            emit("F %d untrusted truth value" % k)
            raise _Failed("assertion %d" % k)
        if not ok:
            emit("F %d AssertionError" % k)
            raise _Failed("assertion %d" % k)

    def on_alarm(signum: int, frame: object) -> None:
        raise _Timeout()

    def describe(exc: BaseException) -> str:
        name = _type(exc).__name__
        text = name if _type(name) is str else "exception"
        return text.replace("\n", " ")[:200]

    def hook(event: str, args: tuple) -> None:
        # Exception types chosen so that stdlib callers degrade gracefully (namedtuple, typing
        # and enum catch ValueError from sys._getframe; getattr defaults on AttributeError).
        if event in frame_events:
            raise ValueError("%s is not allowed here" % event)
        if event in blocked_events or (event == "import" and args[0] in blocked_modules):
            raise PermissionError("%s is not allowed here" % event)
        if event in ("object.__getattr__", "object.__setattr__") and args[1] in blocked_attrs:
            raise AttributeError("%s is not allowed here" % args[1])
        if event == "open" and _type(args[0]) in (str, bytes):
            path = args[0] if _type(args[0]) is str else args[0].decode("utf-8", "replace")
            if path.startswith(("/proc", "/dev/", "/sys")) and path not in allowed_paths:
                raise PermissionError("opening %s is not allowed here" % path)
        if event == "open" and _type(args[0]) is int:
            raise PermissionError("opening a file descriptor is not allowed here")

    frame_events = frozenset({"sys._getframe", "sys._current_frames", "sys._current_exceptions"})
    blocked_events = frozenset({
        "sys.settrace",
        "sys.setprofile", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
        "ctypes.dlopen", "ctypes.dlsym", "ctypes.addressof", "ctypes.cdata", "ctypes.string_at",
        "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
        "os.forkpty", "os.startfile", "pty.spawn", "_thread.start_new_thread"})
    blocked_modules = frozenset({"ctypes", "_ctypes", "_xxsubinterpreters", "_testcapi"})
    blocked_attrs = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back",
                               "f_locals", "f_globals", "__code__", "gi_code", "cr_code"})
    allowed_paths = frozenset({"/dev/null", "/dev/urandom", "/dev/zero"})
    sys.addaudithook(hook)
    _signal(_SIGALRM, on_alarm)

    def timed(fn, *args: object) -> None:
        _signal(_SIGALRM, on_alarm)
        _setitimer(_ITIMER, per_test_s)
        try:
            fn(*args)
        finally:
            _setitimer(_ITIMER, 0)

    cand_ns = {"__name__": "__candidate__", "__builtins__": builtins}
    if _type(candidate) is str:
        emit("X candidate does not compile: %s" % candidate.replace("\n", " ")[:200])
        _exit(0)
    try:
        timed(_exec, candidate, cand_ns)
    except _Timeout:
        emit("X candidate timed out at import")
        _exit(0)
    except _BaseException as exc:
        emit("X candidate raised %s at import" % describe(exc))
        _exit(0)
    restore()
    test_ns = {k: v for k, v in _ditems(cand_ns) if _type(k) is str and k[:2] != "__"}
    test_ns.update(__name__="__tests__", __builtins__=dict(pristine_builtins),
                   _h_report=report, _h_check=check, _h_guard=guard)
    if _type(setup) is str:
        emit("X setup code does not compile: %s" % setup[:200])
        _exit(0)
    try:
        timed(_exec, setup, test_ns)
    except _BaseException as exc:
        emit("X setup code raised %s" % describe(exc))
        _exit(0)

    def run_test(code: object, call: object) -> None:
        _exec(code, test_ns)
        if call is not None:
            restore()
            entry = cand_ns.get(call)
            if entry is None:
                raise NameError("%s is not defined" % call)
            test_ns["check"](entry)

    for i, (code, call) in enumerate(tests):
        restore()
        emit("S %d" % i)
        if _type(code) is str:
            emit("E %d test does not compile: %s" % (i, code[:150]))
            continue
        try:
            timed(run_test, code, call)
        except _Failed:
            emit("E %d AssertionError" % i)
        except _Timeout:
            emit("T %d" % i)
        except _BaseException as exc:
            emit("E %d %s" % (i, describe(exc)))
        else:
            emit("P %d" % i)
    emit("D %d" % _len(tests))
    _exit(0)


if __name__ == "__main__":
    _main()
    sys.exit(3)
