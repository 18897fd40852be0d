"""Grading many code responses at once in the ``pool`` (conftest.py) with the code verifier."""

from __future__ import annotations

import verifiers
from guide_envs.problem import Problem
from verifiers.pool import VerifierPool


def _verify_all(pool: VerifierPool, pairs: list[tuple[str, Problem]]) -> list[verifiers.Verdict]:
    responses, problems = zip(*pairs, strict=True)
    return pool.verify_batch(responses, problems, verifier="code")
