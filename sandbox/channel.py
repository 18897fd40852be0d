"""A message channel between the host and one sandboxed program: :class:`Channel`.

Pass a :class:`Channel` to ``Sandbox.run(..., channel=...)`` and the program finds two file
descriptors named in its environment variable :data:`CHANNEL_ENV` (``"<read>,<write>"``): it
reads the host's messages from the first and writes its own to the second. Every message is
a 4-byte big-endian length and that many bytes. The host side (this class) talks while ``run``
is in progress in another thread; it never blocks past the timeout it is given, refuses
messages over its size cap, and reports the program's end as :class:`ChannelClosed`.

Nothing else crosses: the channel carries bytes, and what they mean is the caller's business
(:mod:`verifiers.code_calls` decodes them strictly).

Example:
    >>> import sandbox, threading
    >>> program = '''
    ... import os
    ... r, w = map(int, os.environ["SANDBOX_CHANNEL"].split(","))
    ... size = int.from_bytes(os.read(r, 4), "big")
    ... data = os.read(r, size)[::-1]
    ... os.write(w, len(data).to_bytes(4, "big") + data)
    ... '''
    >>> with sandbox.open("auto") as box, Channel() as channel:
    ...     run = threading.Thread(target=box.run, args=(program,), kwargs={"channel": channel})
    ...     run.start()
    ...     channel.send(b"olleh", timeout=10)
    ...     reply = channel.receive(timeout=10)
    ...     run.join()
    >>> reply
    b'hello'
"""

from __future__ import annotations

import contextlib
import os
import select
import time

__all__ = ["CHANNEL_ENV", "MAX_MESSAGE_BYTES", "Channel", "ChannelClosed"]

#: The environment variable that names the program's channel descriptors, "<read>,<write>".
CHANNEL_ENV = "SANDBOX_CHANNEL"
#: The largest message either side may send; a bigger one ends the conversation.
MAX_MESSAGE_BYTES = 32 << 20
_HEADER = 4


class ChannelClosed(ConnectionError):
    """The program ended (or broke the framing) before the message could be exchanged."""


class Channel:
    """The host's end of a two-way message channel to one run of a sandboxed program.

    A channel serves one run. The backend passes :meth:`program_fds` to the program and calls
    :meth:`program_started` once it has (so the program's exit shows up here as end of file).
    """

    def __init__(self, max_message_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_message_bytes = max_message_bytes
        self._to_program_r, self._to_program_w = os.pipe()
        self._from_program_r, self._from_program_w = os.pipe()
        for fd in (self._to_program_w, self._from_program_r):
            os.set_blocking(fd, False)
        self._cancel_r, self._cancel_w = os.pipe()
        self._buffer = bytearray()
        self._program_ends_open = True
        self._closed = False

    def program_fds(self) -> tuple[int, int]:
        """``(read, write)``: the descriptors the program uses (inheritable copies)."""
        for fd in (self._to_program_r, self._from_program_w):
            os.set_inheritable(fd, True)
        return self._to_program_r, self._from_program_w

    def environment(self, fds: tuple[int, int] | None = None) -> dict[str, str]:
        """The program's environment entry naming ``fds`` (by default :meth:`program_fds`)."""
        read, write = fds if fds is not None else self.program_fds()
        return {CHANNEL_ENV: f"{read},{write}"}

    def program_started(self) -> None:
        """Close the host's copies of the program's ends (its exit then reads as EOF here)."""
        if self._program_ends_open:
            self._program_ends_open = False
            for fd in (self._to_program_r, self._from_program_w):
                os.close(fd)

    def send(self, message: bytes, timeout: float) -> None:
        """Send one message within ``timeout`` seconds.

        Raises:
            ChannelClosed: the program is gone or stopped reading for ``timeout`` seconds.
        """
        if len(message) > self.max_message_bytes:
            raise ValueError(f"message of {len(message)} bytes over the channel's cap")
        if self._to_program_w < 0:
            raise ChannelClosed("this channel has finished sending")
        view = memoryview(len(message).to_bytes(_HEADER, "big") + message)
        deadline = time.monotonic() + timeout
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._to_program_w], [], left)[1]:
                raise ChannelClosed("the program stopped reading")
            try:
                view = view[os.write(self._to_program_w, view[:1 << 16]):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise ChannelClosed(f"the program is gone ({exc.strerror})") from exc

    def receive(self, timeout: float) -> bytes:
        """The program's next message, waiting at most ``timeout`` seconds.

        Raises:
            TimeoutError: no whole message came in time (the program may still be working).
            ChannelClosed: the program ended, or announced a message over the size cap.
        """
        deadline = time.monotonic() + timeout
        while True:
            message = self._take()
            if message is not None:
                return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_program_r], [], [], left)[0]:
                raise TimeoutError("no message from the program in time")
            try:
                chunk = os.read(self._from_program_r, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                raise ChannelClosed("the program ended")
            self._buffer += chunk

    def _take(self) -> bytes | None:
        """One whole message out of the buffer, if there is one."""
        if len(self._buffer) < _HEADER:
            return None
        size = int.from_bytes(self._buffer[:_HEADER], "big")
        if size > self.max_message_bytes:
            raise ChannelClosed(f"the program sent a message of {size} bytes, over the cap")
        if len(self._buffer) < _HEADER + size:
            return None
        message = bytes(self._buffer[_HEADER:_HEADER + size])
        del self._buffer[:_HEADER + size]
        return message

    @property
    def cancel_fd(self) -> int:
        """Readable once :meth:`cancel` was called: the backend then ends the program."""
        return self._cancel_r

    def cancel(self) -> None:
        """Ask the backend to end the program now (its run reports ``cancelled``)."""
        if self._cancel_w >= 0:
            os.write(self._cancel_w, b"x")
            os.close(self._cancel_w)
            self._cancel_w = -1

    def finish(self) -> None:
        """Stop sending: the program reads end of file (replies can still be received)."""
        if self._to_program_w >= 0:
            os.close(self._to_program_w)
            self._to_program_w = -1

    def close(self) -> None:
        """Close every descriptor this channel holds."""
        if self._closed:
            return
        self._closed = True
        self.program_started()
        self.finish()
        for fd in (self._from_program_r, self._cancel_r, self._cancel_w):
            with contextlib.suppress(OSError):
                if fd >= 0:
                    os.close(fd)

    def __enter__(self) -> Channel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
