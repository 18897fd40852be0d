"""Math answers: :func:`extract_answer`, :class:`MathVerifier` and :func:`verify_answer`."""

from verifiers.math.extract import extract_answer, last_boxed, strip_reasoning
from verifiers.math.verifier import DEFAULT_DEADLINE_S, MathVerifier, verify_answer

__all__ = [
    "DEFAULT_DEADLINE_S",
    "MathVerifier",
    "extract_answer",
    "last_boxed",
    "strip_reasoning",
    "verify_answer",
]
