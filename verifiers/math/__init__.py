"""Math answers: extraction (:func:`extract_answer`) and grading (:class:`MathVerifier`,
:func:`verify_answer`)."""

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
