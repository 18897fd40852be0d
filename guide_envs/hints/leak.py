r"""Keeping the final answer out of hints: :class:`LeakGuard` and :class:`GuardedHint`.

A hint leaks when the problem's own verifier would accept some part of it as the answer. The
guard lists candidate answer spans (box contents; math segments ``$...$``, ``\(...\)`` and
each side of an ``=`` inside them; numbers with their percent sign or unit; simple expressions
such as ``sqrt(2)/2``; LaTeX fractions and roots outside math; the text of an option; whatever
the verifier reads as the hint's final answer) and asks the verifier (:mod:`verifiers`, under
its deadline) whether each equals the gold answer. Equivalence is the verifier's, never the
guard's: ``0.5`` leaks ``\frac{1}{2}``, so does ``50%`` (the math verifier reads percentages
as numbers), ``100 cm`` leaks ``1 m``, and an unsimplified form the verifier accepts (``3p \ge
60`` for ``[20, \infty)``) leaks too. An expression copied from the prompt is not a leak.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Literal

import verifiers
from guide_envs.hints.protocol import HintProvider
from guide_envs.problem import Problem
from guide_envs.verifier_choice import VerifierChoice

__all__ = ["REDACTED", "GuardedHint", "LeakGuard", "LeakSpan", "LeakStats"]

logger = logging.getLogger(__name__)

#: What a redacted span becomes.
REDACTED = "[…]"
_MODES = ("redact", "reject")

_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_RELATION = re.compile(r"=|\\approx|\\equiv|\\Rightarrow|\\implies")
_ATOM = r"(?:\d+(?:\.\d+)?|\.\d+|sqrt\s*\(\s*\d+(?:\.\d+)?\s*\)|pi|π|√\d+)"
_OPERATOR = r"(?:\*\*|[-+*/^×÷·])"
_EXPRESSION = re.compile(
    rf"(?<![\w.])\(*\s*-?\s*{_ATOM}\s*\)*(?:\s*{_OPERATOR}\s*\(*\s*-?\s*{_ATOM}\s*\)*)+")
_NUMBER = re.compile(r"(?<![\w.])[-−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:\s*/\s*\d+)?(?:\s*\\?%)?"
                     r"(?<!,)")
_OPERATION = re.compile(r"[-+*/^×÷=]|\\(?:frac|dfrac|tfrac|times|cdot|div|sqrt)")
_LATEX = re.compile(r"-?\\(?:[dt]?frac|sqrt|binom)\s*(?:\[[^\]]*\]\s*)?(?:\{[^{}]*\}\s*)+")
_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)|\n")
_UNIT = re.compile(r"(?:\s|\\,|\\ |~)*(?:\\(?:text|mathrm)\{[^{}]*\}|"
                   r"[A-Za-zµΩ°]+(?:[/^·*]?[A-Za-zµΩ°0-9]+)*)")


@dataclass
class LeakStats:
    """What a :class:`LeakGuard` saw.

    Attributes:
        checked: Hints checked.
        leaked: Hints found to state the answer.
        redacted: Leaking hints returned with the answer spans replaced by ``[…]``.
        rejected: Leaking hints dropped (None returned).
    """

    checked: int = 0
    leaked: int = 0
    redacted: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return asdict(self)


@dataclass(frozen=True)
class LeakSpan:
    """A stretch ``hint[start:end]`` and the answer text the verifier was asked about.

    ``parts`` lists the stretches of an answer joined from several places (``-18, -7`` read
    from "$z = -18$ or $z = -7$").
    """

    start: int
    end: int
    text: str
    parts: tuple[tuple[int, int], ...] = ()

    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The stretches to redact: ``parts`` when the text was joined from several."""
        return self.parts or ((self.start, self.end),)


class LeakGuard:
    r"""Checks hints for the gold answer; passes, redacts or rejects them.

    Args:
        mode: ``"redact"`` replaces the leaking spans with ``[…]`` (and rejects the hint when
            it still leaks after that); ``"reject"`` drops every leaking hint.
        verifier: A verifier name for every problem; by default each problem's
            ``metadata["verifier"]``, else its domain (the env's rule:
            :class:`~guide_envs.verifier_choice.VerifierChoice`).

    Code problems (no gold answer) pass through untouched. Each leak is logged as a warning
    and counted in :attr:`stats`. A guard can be copied and pickled (its settings and counters
    travel; verifiers are built again where it lands).

    Example:
        >>> p = Problem(id="h", domain="math", prompt="1/4 + 1/4?", answer="\\frac{1}{2}")
        >>> guard = LeakGuard()
        >>> guard.check("Add the numerators; it comes to 0.5.", p)
        'Add the numerators; it comes to […].'
        >>> guard.check("Add the numerators 1 and 1 over 4.", p)
        'Add the numerators 1 and 1 over 4.'
        >>> LeakGuard("reject").check("So $x = \\tfrac{2}{4}$.", p) is None
        True
        >>> guard.stats.as_dict()
        {'checked': 2, 'leaked': 1, 'redacted': 1, 'rejected': 0}
    """

    def __init__(self, mode: Literal["redact", "reject"] = "redact", *,
                 verifier: str | None = None) -> None:
        if mode not in _MODES:
            raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
        self.mode = mode
        self.verifier = verifier
        self.stats = LeakStats()
        self._choice = VerifierChoice(verifier)
        self._lock = threading.Lock()

    def check(self, hint: str | None, problem: Problem) -> str | None:
        """``hint`` if it is safe, else its redacted form or None (see ``mode``)."""
        if hint is None:
            return None
        if problem.answer is None:
            return hint
        leaks = self.leaks(hint, problem)
        self._count(checked=1, leaked=bool(leaks))
        if not leaks:
            return hint
        logger.warning("hint for %s states the answer %r (in %s); %s", problem.id,
                       problem.answer, ", ".join(repr(s.text) for s in leaks),
                       "rejected" if self.mode == "reject" else "redacting")
        safe = _redact(hint, leaks) if self.mode == "redact" else None
        if safe is not None and self.leaks(safe, problem):
            logger.warning("hint for %s still leaks after redaction; rejected", problem.id)
            safe = None
        self._count(redacted=safe is not None, rejected=safe is None)
        return safe

    def leaks(self, hint: str, problem: Problem) -> list[LeakSpan]:
        """The smallest spans of ``hint`` that the verifier accepts as the answer."""
        verifier = self._choice.for_problem(problem)
        found = [span for span in _candidates(hint, problem)
                 if not _restates(span.text, problem) and _accepted(verifier, span.text, problem)]
        whole = verifier.verify(hint, problem)
        if whole.correct and not found:
            found.append(_locate(hint, whole.extracted or hint))
        unique = list({(s.start, s.end): s for s in found}.values())
        return [s for s in unique if not any(
            o is not s and s.start <= o.start and o.end <= s.end for o in unique)]

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self.stats, name, getattr(self.stats, name) + int(value))

    def __getstate__(self) -> dict[str, object]:
        """Settings and counters only: copies and pickles build their own verifiers and lock."""
        return {"mode": self.mode, "verifier": self.verifier,
                "stats": LeakStats(**asdict(self.stats))}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._choice = VerifierChoice(self.verifier)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LeakGuard(mode={self.mode!r}, verifier={self.verifier!r})"


class GuardedHint:
    """A provider whose hints pass through a :class:`LeakGuard` first.

    Example:
        >>> from guide_envs.hints.providers import FieldHint
        >>> p = Problem(id="g", domain="math", prompt="2+3?", answer="5", hint="It is 5.")
        >>> GuardedHint(FieldHint(), LeakGuard()).hint(p)
        'It is […].'
    """

    def __init__(self, provider: HintProvider, guard: LeakGuard | None = None) -> None:
        if not isinstance(provider, HintProvider):
            raise TypeError(f"not a hint provider (no .hint(problem)): {provider!r}")
        self.provider = provider
        self.guard = guard if guard is not None else LeakGuard()

    def hint(self, problem: Problem) -> str | None:
        """The provider's hint, checked by the guard."""
        return self.guard.check(self.provider.hint(problem), problem)

    def __repr__(self) -> str:
        return f"GuardedHint({self.provider!r}, {self.guard!r})"


# --- candidate answer spans ------------------------------------------------------------------


def _candidates(hint: str, problem: Problem) -> list[LeakSpan]:
    """Every span worth asking the verifier about, each once, in order."""
    spans: dict[tuple[int, int, str], LeakSpan] = {}
    math_spans = list(_math_segments(hint))
    for span in (*_boxes(hint), *math_spans):
        spans.setdefault((span.start, span.end, span.text), span)
    inside = [(s.start, s.end) for s in math_spans]
    for span in (*_plain(hint, problem.domain == "science"), *_option_texts(hint, problem),
                 *_gold_words(hint, problem.answer or "")):
        if not any(a <= span.start < b for a, b in inside):
            spans.setdefault((span.start, span.end, span.text), span)
    for span in _joined_values(hint, problem.answer or ""):
        spans.setdefault((span.start, span.end, span.text), span)
    return [s for s in spans.values() if s.text.strip()]


def _boxes(hint: str) -> Iterator[LeakSpan]:
    r"""Each ``\boxed{...}`` whole, read as its contents."""
    for m in _BOX.finditer(hint):
        depth, pos = 1, m.end()
        while pos < len(hint) and depth:
            depth += {"{": 1, "}": -1}.get(hint[pos], 0) if hint[pos - 1] != "\\" else 0
            pos += 1
        if depth == 0:
            yield LeakSpan(m.start(), pos, hint[m.end():pos - 1])


def _math_segments(hint: str) -> Iterator[LeakSpan]:
    """Each math segment's contents, and each side of a relation inside it."""
    for m in _MATH.finditer(hint):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        start, end = m.span(group)
        yield LeakSpan(start, end, hint[start:end])
        cut = start
        for rel in _RELATION.finditer(hint, start, end):
            yield _trimmed(hint, cut, rel.start())
            cut = rel.end()
        if cut != start:
            yield _trimmed(hint, cut, end)


def _plain(hint: str, with_units: bool) -> Iterator[LeakSpan]:
    """Numbers (with a percent sign, or for science a unit), simple expressions, LaTeX."""
    for m in _NUMBER.finditer(hint):
        yield LeakSpan(m.start(), m.end(), m.group())
        unit = _UNIT.match(hint, m.end()) if with_units else None
        if unit:
            yield LeakSpan(m.start(), unit.end(), hint[m.start():unit.end()])
    for m in (*_EXPRESSION.finditer(hint), *_LATEX.finditer(hint)):
        yield _trimmed(hint, *m.span())


def _joined_values(hint: str, gold: str) -> Iterator[LeakSpan]:
    """For a gold answer of several values (``-18, -7``): each sentence's numbers, joined."""
    if "," not in gold and " or " not in gold:
        return
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(hint)] + [len(hint)]:
        numbers = list(_NUMBER.finditer(hint, start, end))
        if len(numbers) > 1:
            joined = ", ".join(m.group() for m in numbers)
            for text in (joined, f"({joined})") if gold.lstrip()[:1] in "([" else (joined,):
                yield LeakSpan(numbers[0].start(), numbers[-1].end(), text,
                            tuple(m.span() for m in numbers))
        start = end


def _option_texts(hint: str, problem: Problem) -> Iterator[LeakSpan]:
    """Where an option's text appears in the hint (the verifier tells the right one)."""
    for choice in problem.choices:
        words = str(choice).split()
        if words:
            yield from _phrase(hint, words)


def _gold_words(hint: str, gold: str) -> Iterator[LeakSpan]:
    """Where a gold answer made of words (no digits) appears in the hint."""
    words = re.sub(r"\\text\w*\{([^{}]*)\}", r"\1", gold).split()
    if words and not any(ch.isdigit() for ch in gold) and any(ch.isalpha() for ch in gold):
        yield from _phrase(hint, words)


def _phrase(hint: str, words: list[str]) -> Iterator[LeakSpan]:
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
    for m in re.finditer(pattern, hint, re.IGNORECASE):
        yield LeakSpan(m.start(), m.end(), m.group())


def _trimmed(hint: str, start: int, end: int) -> LeakSpan:
    while start < end and hint[start].isspace():
        start += 1
    while end > start and hint[end - 1].isspace():
        end -= 1
    return LeakSpan(start, end, hint[start:end])


def _locate(hint: str, extracted: str) -> LeakSpan:
    """The last occurrence of what the verifier read (the whole hint if it is not found)."""
    start = hint.rfind(extracted)
    if start < 0:
        return LeakSpan(0, len(hint), hint)
    return LeakSpan(start, start + len(extracted), extracted)


def _restates(text: str, problem: Problem) -> bool:
    """Whether ``text`` is an expression copied from the prompt (repeating it tells nothing).

    Bare values never count as restated, nor does anything in a multiple-choice problem,
    whose prompt lists the options.
    """
    squeezed = "".join(text.split())
    return (not problem.choices and _OPERATION.search(squeezed[1:]) is not None
            and squeezed in "".join(problem.prompt.split()))


def _accepted(verifier: verifiers.Verifier, text: str, problem: Problem) -> bool:
    """Whether the verifier grades ``text``, given as a boxed final answer, correct."""
    if text.count("{") != text.count("}"):
        return False
    return verifier.verify(f"\\boxed{{{text}}}", problem).correct


def _redact(hint: str, spans: list[LeakSpan]) -> str:
    """``hint`` with every span (overlapping ones merged) replaced by :data:`REDACTED`."""
    merged: list[list[int]] = []
    for start, end in sorted(piece for span in spans for piece in span.pieces()):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, cut = [], 0
    for start, end in merged:
        out += [hint[cut:start], REDACTED]
        cut = end
    return "".join(out) + hint[cut:]
