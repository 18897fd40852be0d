"""Helpers for the pool and deadline tests: verifiers in a module the worker processes can import
by name, and :func:`process_alive`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Hashable
from typing import Any

from verifiers.base import TwoStage
from verifiers.verdict import Status, Verdict


def process_alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not; one reaped between the two checks neither)."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


#: A standard-library module that no worker imports unless a verifier asks for it.
PROBE_MODULE = "graphlib"


def module_loaded(name: str) -> bool:
    """Whether ``name`` is imported in this process (run in a worker by the tests)."""
    return name in sys.modules


class EchoVerifier:
    """A plain verifier: correct when the response equals ``problem.answer``.

    ``"sleep S"`` sleeps S seconds first and ``"raise"`` raises, to test deadlines and errors.
    """

    def __init__(self, deadline_s: float | None = None) -> None:
        self.deadline_s = deadline_s

    def verify(self, response: str, problem: Any) -> Verdict:
        if response.startswith("sleep "):
            time.sleep(float(response.split()[1]))
        if response == "raise":
            raise ValueError("asked to raise")
        if response.strip() == problem.answer:
            return Verdict.right(response)
        return Verdict.incorrect(response, f"{response!r} != {problem.answer!r}")


class ParityVerifier(TwoStage):
    """A two-stage verifier: correct when the last word is an integer of the gold's parity."""

    name = "test-parity"

    def extract(self, response: str, problem: Any) -> str | Verdict:
        words = response.split()
        if not words or not words[-1].lstrip("-").isdigit():
            return Verdict.failed(Status.NO_ANSWER, "no final integer")
        return words[-1]

    def judge(self, extracted: str, problem: Any) -> Verdict:
        if int(extracted) % 2 == int(problem.answer) % 2:
            return Verdict.right(extracted, "same parity")
        return Verdict.incorrect(extracted, "different parity")

    def cache_key(self, problem: Any) -> Hashable:
        return int(problem.answer) % 2


class PreloadProbe(TwoStage):
    """Correct when :data:`PROBE_MODULE`, its ``worker_preload``, was imported before judging.

    ``"sleep S"`` sleeps S seconds first, to make the worker overrun its deadline.
    """

    name = "test-preload"
    worker_preload = (PROBE_MODULE,)

    def extract(self, response: str, problem: Any) -> str | Verdict:
        return response

    def judge(self, extracted: str, problem: Any) -> Verdict:
        if extracted.startswith("sleep "):
            time.sleep(float(extracted.split()[1]))
        if module_loaded(PROBE_MODULE):
            return Verdict.right(extracted, f"{PROBE_MODULE} was preloaded")
        return Verdict.incorrect(extracted, f"{PROBE_MODULE} was not preloaded")

    def cache_key(self, problem: Any) -> Hashable:
        return None
