"""The :class:`Verdict` every verifier returns, and its :class:`Status` enum."""

from __future__ import annotations

import enum
import threading
import warnings
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Status", "Verdict", "VerifierUnavailableWarning", "warn_if_unavailable"]


class Status(str, enum.Enum):
    """Why a response got the score it got.

    ``UNAVAILABLE`` is not about the response: the verifier could not run on this machine at
    all (no sandbox backend starts, for code), so every response gets it and score 0 until the
    machine is fixed; ``reason`` says what to install. A learner should stop on it rather than
    train on zeros; environments and the trainer adapters warn once per process
    (:func:`warn_if_unavailable`). Such verdicts are never cached.
    """

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NO_ANSWER = "no_answer"
    UNPARSABLE = "unparsable"
    TIMEOUT = "timeout"
    ERROR = "error"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Verdict:
    """The grade of one response.

    Attributes:
        correct: Whether the response's final answer matches the gold answer.
        score: Reward in [0, 1] (1.0 for correct unless a verifier gives partial credit).
        status: A :class:`Status`; anything but ``CORRECT`` means ``correct`` is False.
        extracted: The answer the verifier read out of the response, or None.
        reason: One line a person can read.
        elapsed_s: Wall-clock seconds the verification took.

    Example:
        >>> v = Verdict.incorrect("x", reason="3 != 4")
        >>> v.correct, v.score, v.status.value
        (False, 0.0, 'incorrect')
        >>> v.to_dict()["status"]
        'incorrect'
    """

    correct: bool
    score: float
    status: Status
    extracted: str | None = None
    reason: str = ""
    elapsed_s: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"Verdict.score must be in [0, 1], got {self.score!r}")
        if self.correct != (self.status is Status.CORRECT):
            raise ValueError(f"Verdict.correct={self.correct} contradicts status={self.status}")

    @classmethod
    def right(cls, extracted: str | None, reason: str = "", score: float = 1.0) -> Verdict:
        """A correct verdict."""
        return cls(True, score, Status.CORRECT, extracted, reason)

    @classmethod
    def incorrect(cls, extracted: str | None, reason: str = "", score: float = 0.0) -> Verdict:
        """An incorrect verdict (partial credit allowed through ``score``)."""
        return cls(False, score, Status.INCORRECT, extracted, reason)

    @classmethod
    def failed(cls, status: Status, reason: str, extracted: str | None = None) -> Verdict:
        """A zero-score verdict for no answer, unparsable input, a timeout or an error."""
        return cls(False, 0.0, status, extracted, reason)

    def with_elapsed(self, elapsed_s: float) -> Verdict:
        """A copy carrying the measured wall-clock time."""
        return Verdict(self.correct, self.score, self.status, self.extracted, self.reason,
                       elapsed_s)

    def to_dict(self, *, timing: bool = True) -> dict[str, Any]:
        """Plain-``dict`` form (``status`` as its string value).

        ``timing=False`` drops ``elapsed_s`` so that grading the same response twice gives
        equal dicts (environments put this form in ``info``).
        """
        out = asdict(self)
        out["status"] = self.status.value
        if not timing:
            del out["elapsed_s"]
        return out


class VerifierUnavailableWarning(RuntimeWarning):
    """A verifier cannot run on this machine (see :attr:`Status.UNAVAILABLE`)."""


_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_if_unavailable(verdict: Verdict | dict[str, Any], where: str) -> bool:
    """Warn (once per process and reason) when ``verdict`` says its verifier cannot run here.

    ``verdict`` is a :class:`Verdict` or its :meth:`~Verdict.to_dict` form; ``where`` names
    the caller in the message. Returns whether the verdict is ``unavailable``.

    Example:
        >>> import warnings
        >>> v = Verdict.failed(Status.UNAVAILABLE, "sandbox unavailable: install bubblewrap")
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     warn_if_unavailable(v, "an example"), warn_if_unavailable(v, "an example")
        (True, True)
        >>> len(caught), issubclass(caught[0].category, VerifierUnavailableWarning)
        (1, True)
    """
    if isinstance(verdict, Verdict):
        status, reason = verdict.status.value, verdict.reason
    else:
        status, reason = str(verdict.get("status")), str(verdict.get("reason", ""))
    if status != Status.UNAVAILABLE.value:
        return False
    with _warned_lock:
        first = reason not in _warned
        _warned.add(reason)
    if first:
        warnings.warn(f"{where}: the verifier cannot run on this machine, so every response "
                      f"scores 0 with status 'unavailable' until it is fixed: {reason}",
                      VerifierUnavailableWarning, stacklevel=3)
    return True
