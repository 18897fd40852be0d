"""Verifiers: :class:`Verdict`, :class:`Status`, the :func:`get` registry, math and more.

Every verifier returns a Verdict within its deadline, never raising on model output.

Example:
    >>> import verifiers
    >>> verifiers.get("math").verify("\\\\boxed{0.5}", type("P", (), {"answer": "1/2"})()).correct
    True
"""

from verifiers.pool import PoolStats, VerifierPool
from verifiers.registry import ENTRY_POINT_GROUP, Verifier, available, get, register
from verifiers.verdict import Status, Verdict, VerifierUnavailableWarning, warn_if_unavailable

__all__ = [
    "ENTRY_POINT_GROUP",
    "PoolStats",
    "Status",
    "Verdict",
    "Verifier",
    "VerifierPool",
    "VerifierUnavailableWarning",
    "available",
    "get",
    "register",
    "warn_if_unavailable",
]
