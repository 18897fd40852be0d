"""The user's mistakes: :class:`UsageError` and the :func:`user_input` boundary.

A command prints a :class:`UsageError` as one ``error:`` line and exits with status 2; any other
exception is a bug (or a broken machine) and keeps its traceback. Code that checks what the user
gave (options, env kwargs, data files, a model path) either raises ``UsageError`` itself or runs
inside :func:`user_input`, which reads the ``ValueError``, ``FileNotFoundError`` and
``ImportError`` raised there as the user's: a missing file, a bad value, an extra not installed.

Example:
    >>> with user_input():
    ...     int("twelve")
    Traceback (most recent call last):
    ...
    agents.errors.UsageError: invalid literal for int() with base 10: 'twelve'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["UsageError", "user_input"]


class UsageError(ValueError):
    """Bad options or input: printed as one line (exit status 2), never as a traceback."""


@contextmanager
def user_input() -> Iterator[None]:
    """Treat the ``ValueError``, ``FileNotFoundError`` and ``ImportError`` inside as input errors.

    They are raised again as :class:`UsageError`, the original chained as ``__cause__``.
    """
    try:
        yield
    except UsageError:
        raise
    except (ValueError, FileNotFoundError, ImportError) as exc:
        raise UsageError(str(exc)) from exc
