"""What an execution produced: :class:`ExecResult` and its :class:`ExecStatus`."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = ["ExecResult", "ExecStatus"]


class ExecStatus(str, enum.Enum):
    """How an execution ended."""

    OK = "ok"
    RUNTIME_ERROR = "runtime_error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    CANCELLED = "cancelled"  # the host ended it early (Channel.cancel)
    SANDBOX_ERROR = "sandbox_error"


@dataclass(frozen=True)
class ExecResult:
    """The outcome of running a program.

    Attributes:
        status: How it ended (``ok`` means exit code 0 within every limit).
        exit_code: The exit code, or the negative signal number, or None if it never ran.
        stdout: Standard output (decoded as UTF-8 with replacement), at most the output limit.
        stderr: Standard error, likewise.
        elapsed_s: Wall-clock seconds.
        files: Files the program left in its working directory, when asked for.
    """

    status: ExecStatus
    exit_code: int | None
    stdout: str
    stderr: str
    elapsed_s: float
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the program exited 0 within every limit."""
        return self.status is ExecStatus.OK
