"""Responses built to hang, crash or exhaust a verifier: a catalogue for tests and benchmarks.

During RL a policy produces every kind of text; a verifier must answer each of these with a
:class:`~verifiers.Verdict`, within its deadline, without raising. ``tests/verifiers`` checks
that it does, and ``python benchmarks/deadlines.py`` measures how close to the deadline each one
returns, from the main thread and from a worker thread.

Example:
    >>> from verifiers.hostile import hostile_responses
    >>> responses = hostile_responses()
    >>> len(responses["2 MB string"]) > 2_000_000, "power tower" in responses
    (True, True)

The gold answer every response is graded against is :data:`GOLD`; ``"1 MB"`` and
``"2 MB string"`` end in a correct boxed answer, so their expected verdict is correct.
"""

from __future__ import annotations

__all__ = ["CORRECT", "GOLD", "hostile_responses"]

#: The gold answer the catalogue is graded against.
GOLD = "42"
#: The responses whose verdict must be correct (a correct answer after a lot of text).
CORRECT = frozenset({"1 MB", "2 MB string"})


def hostile_responses() -> dict[str, str]:
    """Name -> response. Built on each call (several megabytes; do not keep them around)."""
    matrix = "\\\\".join("&".join(str(i * j) for j in range(40)) for i in range(40))
    return {
        "empty": "",
        "1 MB": "blah " * 200_000 + "\\boxed{42}",
        "2 MB string": "x" * 2_000_000 + " \\boxed{42}",
        "2 MB inside a box": "\\boxed{" + "1+" * 1_000_000 + "1}",
        "braces nested 5000 deep": "\\boxed{" + "{" * 5000 + "1" + "}" * 5000 + "}",
        "unbalanced braces 100k": "\\boxed{" + "{" * 100_000,
        "unclosed boxes 50k": "\\boxed{" * 50_000,
        "many boxes": "\\boxed{1}" * 20_000,
        "many final-answer lines": "Final answer: 1\n" * 50_000,
        "power tower": "\\boxed{9^{9^{9^{9^{9}}}}}",
        "plain power tower": "\\boxed{9^9^9^9^9}",
        "huge factorial": "\\boxed{(10^{10})!}",
        "huge exponent": "\\boxed{1e999999999}",
        "divergent sum": "\\boxed{\\sum_{n=1}^{\\infty} n}",
        "huge matrix": "\\boxed{\\begin{pmatrix}" + matrix + "\\end{pmatrix}}",
        "null bytes": "\\boxed{4\x002}\x00",
        "lone surrogates": "\\boxed{\ud800\udfff 42}",
    }
