"""The program :mod:`verifiers.code` runs in the sandbox for function-call tests (stdlib only).

It holds the candidate's code and nothing else: no test, no expected value, no secret. Its
source is sent to the sandbox as the program; over the channel of :mod:`sandbox.channel` it
receives the candidate's code, then one request per operation the trusted tests perform on
the candidate (call a function, read or set an attribute, iterate...), and answers each with
the result as a plain value in the encoding of :mod:`verifiers.code_calls`. Objects that are
not plain values stay here and travel as numbered handles. Whatever this process does, the
host trusts nothing but the decoded values: a candidate that rewrites this server can change
what its functions appear to return, which it could do anyway, and nothing more.

Requests and replies are JSON objects (see :mod:`verifiers.code_calls` for the ops). A call
that runs past the ``timeout`` the request gives is interrupted with SIGALRM and answered
``{"timeout": true}``.
"""

from __future__ import annotations

import base64
import builtins
import json
import os
import signal
import sys
import types
from typing import Any

_HEADER = 4
_ENV = "SANDBOX_CHANNEL"
_SCALARS = (type(None), bool, int, float, complex, str, bytes)
_MUTABLE = (list, dict, set, bytearray)


class _Timeout(BaseException):
    """The request ran past its time (raised from the SIGALRM handler)."""


class Server:
    """Answers the host's requests about one candidate program."""

    def __init__(self) -> None:
        self.objects: dict[int, Any] = {}
        self.namespace: dict[str, Any] = {"__name__": "__candidate__",
                                          "__builtins__": builtins}

    # -- values -----------------------------------------------------------------------------

    def handle(self, value: Any) -> list[Any]:
        """A handle for ``value``, which stays here."""
        key = len(self.objects) + 1
        self.objects[key] = value
        return ["h", key]

    def encode(self, value: Any) -> list[Any]:
        """``value`` as a plain tagged value; anything else becomes a handle."""
        kind = type(value)
        if value is None:
            return ["n"]
        if kind is bool:
            return ["b", value]
        if isinstance(value, int) and kind is not bool:
            return ["i", str(int.__index__(value))]
        if isinstance(value, float):
            return ["f", float.__repr__(float(value))]
        if isinstance(value, complex):
            number = complex(value)
            return ["c", repr(number.real), repr(number.imag)]
        if isinstance(value, str):
            return ["s", str.__str__(value)]
        if isinstance(value, (bytes, bytearray)):
            tag = "y" if isinstance(value, bytes) else "Y"
            return [tag, base64.b64encode(bytes(value)).decode("ascii")]
        if kind is range:
            return ["r", str(value.start), str(value.stop), str(value.step)]
        name = getattr(value, "__name__", None)
        if type(name) is str and vars(builtins).get(name) is value:
            return ["B", name]  # a builtin type or function: int, len
        named = f"{kind.__module__}.{kind.__qualname__}"
        if named == "fractions.Fraction":
            return ["q", str(value.numerator), str(value.denominator)]
        if named == "decimal.Decimal":
            return ["D", str(value)]
        for base, tag in ((list, "l"), (tuple, "t"), (set, "S"), (frozenset, "F")):
            if isinstance(value, base):
                return [tag, [self.encode(item) for item in base.__iter__(value)]]
        if isinstance(value, dict):
            return ["d", [[self.encode(k), self.encode(v)] for k, v in dict.items(value)]]
        return self.handle(value)

    def decode(self, node: list[Any]) -> Any:
        """A value the host sent (plain, or a handle to an object held here)."""
        tag = node[0]
        simple = {"n": lambda: None, "b": lambda: bool(node[1]), "i": lambda: int(node[1]),
                  "f": lambda: float(node[1]), "s": lambda: str(node[1]),
                  "c": lambda: complex(float(node[1]), float(node[2])),
                  "y": lambda: base64.b64decode(node[1]),
                  "Y": lambda: bytearray(base64.b64decode(node[1])),
                  "h": lambda: self.objects[node[1]]}
        if tag in simple:
            return simple[tag]()
        if tag == "r":
            return range(int(node[1]), int(node[2]), int(node[3]))
        if tag == "B":
            return vars(builtins)[node[1]]
        if tag == "q":
            from fractions import Fraction
            return Fraction(int(node[1]), int(node[2]))
        if tag == "D":
            from decimal import Decimal
            return Decimal(node[1])
        if tag == "d":
            return {self.decode(k): self.decode(v) for k, v in node[1]}
        containers = {"l": list, "t": tuple, "S": set, "F": frozenset}
        return containers[tag](self.decode(item) for item in node[1])

    # -- requests ---------------------------------------------------------------------------

    def serve(self, request: dict[str, Any]) -> dict[str, Any]:
        """The reply to one request."""
        op = request["op"]
        if op == "load":
            return self.load(request["code"], request["names"])
        target = self.objects[request["target"]]
        if op == "call":
            args = [self.decode(a) for a in request["args"]]
            kwargs = {k: self.decode(v) for k, v in request["kwargs"]}
            result = target(*args, **kwargs)
            mutated = [[i, self.encode(a)] for i, a in enumerate(args) if type(a) in _MUTABLE]
            mutated += [[k, self.encode(v)] for k, v in kwargs.items() if type(v) in _MUTABLE]
            return {"ok": self.encode(result), "mutated": mutated}
        if op == "setattr":
            setattr(target, request["name"], self.decode(request["value"]))
            return {"ok": ["n"]}
        return {"ok": self.encode(self.inspect(op, target, request))}

    def inspect(self, op: str, target: Any, request: dict[str, Any]) -> Any:
        """The result of a reading operation on ``target``."""
        operations = {
            "getattr": lambda: getattr(target, request["name"]),
            "getitem": lambda: target[self.decode(request["key"])],
            "contains": lambda: self.decode(request["key"]) in target,
            "iter": lambda: iter(target), "next": lambda: next(target),
            "len": lambda: len(target), "bool": lambda: bool(target),
            "str": lambda: str(target), "repr": lambda: repr(target),
        }
        return operations[op]()

    def load(self, code: str, names: list[str]) -> dict[str, Any]:
        """Run the candidate's program; describe the ``names`` it defines."""
        exec(compile(code, "<candidate>", "exec", dont_inherit=True), self.namespace)  # noqa: S102
        found: dict[str, Any] = {}
        for name in names:
            if name not in self.namespace:
                continue
            value = self.namespace[name]
            if isinstance(value, types.ModuleType):
                found[name] = ["module", str(value.__name__)]
            else:
                found[name] = ["value", self.encode(value), callable(value)]
        return {"ok": found}


def _reply(server: Server, request: dict[str, Any]) -> dict[str, Any]:
    """Serve ``request`` under its timeout; exceptions are answered, never raised."""
    timeout = float(request.get("timeout", 0) or 0)
    if timeout > 0:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return server.serve(request)
    except _Timeout:
        return {"timeout": True}
    except BaseException as exc:  # noqa: BLE001 - the candidate's exception is the answer
        name = type(exc).__name__
        return {"raised": [name if isinstance(name, str) else "Exception", _text(exc)]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _text(exc: BaseException) -> str:
    try:
        return str(exc)[:300]
    except BaseException:  # noqa: BLE001 - a hostile __str__
        return ""


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def _read(fd: int, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _write(fd: int, message: dict[str, Any]) -> None:
    try:
        body = json.dumps(message).encode()
    except (ValueError, TypeError, RecursionError) as exc:
        body = json.dumps({"raised": ["ValueError", f"unencodable result: {exc}"[:300]]}).encode()
    view = memoryview(len(body).to_bytes(_HEADER, "big") + body)
    while view:
        view = view[os.write(fd, view):]


def main() -> None:
    """Serve requests until the host says ``exit`` or closes the channel."""
    read_fd, write_fd = (int(fd) for fd in os.environ[_ENV].split(","))
    sys.setrecursionlimit(10_000)
    signal.signal(signal.SIGALRM, _alarm)
    server = Server()
    while True:
        header = _read(read_fd, _HEADER)
        body = _read(read_fd, int.from_bytes(header, "big")) if header else None
        if body is None:
            break
        request = json.loads(body)
        if request["op"] == "exit":
            break
        _write(write_fd, _reply(server, request))
    os._exit(0)  # the candidate's atexit handlers and threads do not get a say


if __name__ == "__main__":
    main()
