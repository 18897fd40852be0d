"""The :class:`Verdict` every verifier returns, and its :class:`Status` enum."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Status", "Verdict"]


class Status(str, enum.Enum):
    """Why a response got the score it got."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NO_ANSWER = "no_answer"
    UNPARSABLE = "unparsable"
    TIMEOUT = "timeout"
    ERROR = "error"


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
