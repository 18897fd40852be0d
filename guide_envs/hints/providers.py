"""Model-free hints: :class:`FieldHint`, :class:`SolutionPrefixHint`, :class:`FirstAvailable`."""

from __future__ import annotations

import math
import re

from guide_envs.hints.protocol import HintProvider
from guide_envs.problem import Problem

__all__ = ["FieldHint", "FirstAvailable", "SolutionPrefixHint", "solution_steps"]

# A final-answer step: "The answer is ...", "Final answer: ...", "Answer: ...", "#### 42".
_FINAL_STEP = re.compile(r"^\W*(?:(?:the\s+)?final\s+answer|the\s+answer\s+is|answer\s*:|####)",
                         re.IGNORECASE)
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
# A sentence ends at ". " (or "! ", "? ") before a capital letter or a math opener, outside $...$.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$\\(])")


class FieldHint:
    """The problem's own ``hint`` field.

    Dataset adapters fill it from a hint column (``ColumnMapping(hint=...)``) and the procedural
    generators write one for every problem.

    Example:
        >>> p = Problem(id="a", domain="math", prompt="1+1?", answer="2", hint="Count.")
        >>> FieldHint().hint(p)
        'Count.'
    """

    def hint(self, problem: Problem) -> str | None:
        """``problem.hint`` when it holds text, else None."""
        text = problem.hint
        return text.strip() if text and text.strip() else None

    def __repr__(self) -> str:
        return "FieldHint()"


def solution_steps(solution: str) -> list[str]:
    r"""The worked steps of a reference solution, final-answer step and boxed steps dropped.

    Steps are its non-empty lines; a line with several sentences is split into them (outside
    ``$...$`` math). A step that states the final answer ("The answer is ...", or one holding a
    ``\boxed{}``) is not a worked step.

    Example:
        >>> solution_steps("Add them. Then halve.\n$4/2 = 2$\nThe answer is $\\boxed{2}$.")
        ['Add them.', 'Then halve.', '$4/2 = 2$']
    """
    steps: list[str] = []
    for line in solution.splitlines():
        for sentence in _sentences(line.strip()):
            if sentence and not _FINAL_STEP.match(sentence) and not _BOX.search(sentence):
                steps.append(sentence)
    return steps


def _sentences(line: str) -> list[str]:
    """Split ``line`` at sentence ends that are not inside ``$...$``."""
    pieces: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(line):
        if line.count("$", 0, m.start()) % 2 == 0:
            pieces.append(line[start:m.start()].strip())
            start = m.end()
    pieces.append(line[start:].strip())
    return [piece for piece in pieces if piece]


class SolutionPrefixHint:
    r"""The leading ``fraction`` of the worked steps of ``problem.solution``.

    The final-answer step is dropped first (see :func:`solution_steps`); of the ``n`` worked
    steps the first ``floor(fraction * n)`` are kept, so a one-step solution gives no hint
    (its only step usually computes the answer). None when nothing remains.

    Args:
        fraction: The share of the worked steps to reveal, in (0, 1).

    Example:
        >>> solution = "Add: $3 + 4 = 7$.\nDouble: $7 \\times 2 = 14$.\nSo $\\boxed{14}$."
        >>> p = Problem(id="a", domain="math", prompt="(3+4)*2?", answer="14", solution=solution)
        >>> SolutionPrefixHint(0.5).hint(p)
        'Add: $3 + 4 = 7$.'
        >>> SolutionPrefixHint(0.2).hint(p) is None
        True
    """

    def __init__(self, fraction: float = 0.5) -> None:
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) \
                or not 0.0 < fraction < 1.0:
            raise ValueError(f"fraction must be a number in (0, 1), got {fraction!r}")
        self.fraction = float(fraction)

    def hint(self, problem: Problem) -> str | None:
        """The first steps of the solution, joined by newlines, or None."""
        if not problem.solution:
            return None
        steps = solution_steps(problem.solution)
        keep = math.floor(self.fraction * len(steps) + 1e-9)
        return "\n".join(steps[:keep]) or None

    def __repr__(self) -> str:
        return f"SolutionPrefixHint(fraction={self.fraction!r})"


class FirstAvailable:
    """The first hint that any of ``providers``, tried in order, gives.

    Example:
        >>> p = Problem(id="a", domain="math", prompt="1+1?", answer="2",
        ...             solution="One and one.\\nTwo ones make two.\\nThe answer is 2.")
        >>> FirstAvailable(FieldHint(), SolutionPrefixHint(0.5)).hint(p)
        'One and one.'
    """

    def __init__(self, *providers: HintProvider) -> None:
        if not providers:
            raise ValueError("FirstAvailable needs at least one provider")
        for provider in providers:
            if not isinstance(provider, HintProvider):
                raise TypeError(f"not a hint provider (no .hint(problem)): {provider!r}")
        self.providers = providers

    def hint(self, problem: Problem) -> str | None:
        """The first non-None hint, or None when every provider has none."""
        for provider in self.providers:
            text = provider.hint(problem)
            if text is not None:
                return text
        return None

    def __repr__(self) -> str:
        return f"FirstAvailable({', '.join(map(repr, self.providers))})"
