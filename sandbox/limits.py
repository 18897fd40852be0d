"""What an execution may use: :class:`Limits`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one execution; every backend enforces all of them.

    Attributes:
        wall_s: Wall-clock seconds before the whole process group is killed.
        cpu_s: CPU seconds (RLIMIT_CPU).
        memory_mb: Address space / memory in MiB.
        processes: Maximum processes (threads count) for the sandbox user.
        open_files: Maximum open file descriptors.
        output_bytes: Bytes of stdout and of stderr kept; more marks ``output_limit``.
        file_size_mb: Largest file the program may write, in MiB.
        network: Whether the program may use the network (off by default).

    Example:
        >>> Limits(wall_s=2).cpu_s
        2.0
    """

    wall_s: float = 10.0
    cpu_s: float | None = None
    memory_mb: int = 512
    processes: int = 64
    open_files: int = 128
    output_bytes: int = 1 << 20
    file_size_mb: int = 16
    network: bool = False

    def __post_init__(self) -> None:
        if not self.wall_s > 0:
            raise ValueError(f"Limits.wall_s must be positive, got {self.wall_s!r}")
        if self.cpu_s is None:
            object.__setattr__(self, "cpu_s", float(self.wall_s))
        for name in ("memory_mb", "processes", "open_files", "output_bytes", "file_size_mb"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be at least 1, got {getattr(self, name)!r}")
