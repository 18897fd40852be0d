"""The run channel (sandbox/channel.py): messages both ways during a run on every backend, its
end with the program, the size cap, and cancelling a run."""

from __future__ import annotations

import os

import pytest
from _hosts import HOST_BACKENDS

import sandbox
from sandbox import ExecStatus, Limits

_ECHO_SERVER = """
import os
r, w = map(int, os.environ["SANDBOX_CHANNEL"].split(","))
def read(n):
    data = b""
    while len(data) < n:
        chunk = os.read(r, n - len(data))
        if not chunk:
            raise SystemExit(0)
        data += chunk
    return data
while True:
    body = read(int.from_bytes(read(4), "big"))
    reply = body.upper() * 2
    os.write(w, len(reply).to_bytes(4, "big") + reply)
"""


def _converse(box: sandbox.Sandbox, program: str,
              messages: list[bytes]) -> tuple[list[bytes], sandbox.ExecResult]:
    """Run ``program`` with a channel, send ``messages`` one by one; the replies and result."""
    import threading

    from sandbox.channel import Channel, ChannelClosed

    replies: list[bytes] = []
    result: list[sandbox.ExecResult] = []
    with Channel() as channel:
        run = threading.Thread(target=lambda: result.append(
            box.run(program, limits=Limits(wall_s=20), channel=channel)))
        run.start()
        try:
            for message in messages:
                channel.send(message, timeout=10)
                replies.append(channel.receive(timeout=10))
        except ChannelClosed:
            pass
        channel.finish()  # the server reads end of file and exits
        run.join(30)
        assert not run.is_alive()
    return replies, result[0]


def test_channel_carries_messages_both_ways(box: sandbox.Sandbox) -> None:
    big = bytes(range(256)) * 4096  # 1 MiB: more than a pipe buffer in each direction
    replies, result = _converse(box, _ECHO_SERVER, [b"ab", b"", big])
    assert replies == [b"ABAB", b"", big.upper() * 2]
    assert result.status is ExecStatus.OK


def test_channel_ends_when_the_program_does(box: sandbox.Sandbox) -> None:
    from sandbox.channel import Channel, ChannelClosed

    with Channel() as channel:
        result = box.run("print('no channel use')", channel=channel)
        assert result.status is ExecStatus.OK
        with pytest.raises(ChannelClosed):
            channel.receive(timeout=10)


@pytest.mark.parametrize("name", HOST_BACKENDS)
def test_channel_on_host_backends(name: str) -> None:
    with sandbox.open(name) as host_box:
        replies, _ = _converse(host_box, _ECHO_SERVER, [b"x", b"yz"])
    assert replies == [b"XX", b"YZYZ"]


def test_channel_refuses_oversized_messages() -> None:
    from sandbox.channel import Channel, ChannelClosed

    with Channel(max_message_bytes=8) as channel:
        with pytest.raises(ValueError, match="over the channel's cap"):
            channel.send(b"x" * 9, timeout=1)
        read_fd, write_fd = channel.program_fds()
        os.write(write_fd, (9).to_bytes(4, "big") + b"x" * 9)
        with pytest.raises(ChannelClosed, match="over the cap"):
            channel.receive(timeout=1)
        with pytest.raises(TimeoutError):
            Channel().receive(timeout=0.05)


def test_a_cancelled_run_ends_at_once(box: sandbox.Sandbox) -> None:
    import threading
    import time

    from sandbox.channel import Channel

    with Channel() as channel:
        result: list[sandbox.ExecResult] = []
        run = threading.Thread(target=lambda: result.append(
            box.run("while True:\n    pass", limits=Limits(wall_s=30), channel=channel)))
        run.start()
        time.sleep(0.5)
        start = time.monotonic()
        channel.cancel()
        run.join(30)
        assert time.monotonic() - start < 5.0
    assert result[0].status is ExecStatus.CANCELLED
    assert box.run("print(1)").stdout == "1\n"  # the next run is unaffected
