"""The science verifier: ScienceVerifier, and read_choice (the option an answer picks).

Multiple choice: the answer is a letter or an option's text; an answer naming two different
options is a hedge and scores 0. Numeric answers with units are compared with pint after
conversion (:mod:`verifiers.units`); everything else goes to the math verifier.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from verifiers.base import DEFAULT_DEADLINE_S, TwoStage, too_long
from verifiers.math.extract import last_boxed, strip_reasoning
from verifiers.math.verifier import MathVerifier
from verifiers.units import parse_quantity, same_quantity, split_unit
from verifiers.verdict import Status, Verdict

__all__ = ["MAX_ANSWER_CHARS", "ScienceVerifier", "read_choice"]

#: Longer "answers" are rejected as unparsable instead of being judged.
MAX_ANSWER_CHARS = 2000
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HEDGED = "hedged"


@dataclass(frozen=True)
class _Gold:
    """What :meth:`ScienceVerifier.judge` reads of a problem (small and picklable)."""

    answer: str | None
    choices: tuple[str, ...] = ()


# --- reading an option out of an answer ------------------------------------------------------

_TEXT_MACRO = re.compile(
    r"\\(?:text|textbf|textit|textrm|mathrm|mathbf|mathit|emph|mbox|operatorname)\s*\{([^{}]*)\}")
_SPACING = re.compile(r"\\[,;:! ]|~|\\q?quad")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-"})
_PAREN_SPACE = re.compile(r"\(\s+|\s+\)")
# The patterns below read text whose whitespace _unwrap made single spaces; each has one way
# to match a given string (no adjacent optional spaces), so a hostile answer cannot make them
# backtrack exponentially.
_TOKEN = r"(?:(?i:option|choice) ?)?(?:\(([A-Za-z])\)|([A-Za-z])\)?)"
_CONNECTOR = r" ?(?:(?:,|/|&|;|\bor\b|\band\b|\\lor|\\vee) ?)+"
_SINGLE = re.compile(rf"{_TOKEN}[.:]?")
_LIST = re.compile(rf"(?:(?i:either|both) )?{_TOKEN}(?:{_CONNECTOR}{_TOKEN})+\.?")
_LETTER_IN_LIST = re.compile(r"(?<![A-Za-z\\])([A-Za-z])(?![A-Za-z])")
_LEADING = re.compile(r"\(?([A-Za-z])(?:\)|[.:-]) ?(.+)", re.DOTALL)
_ANOTHER = re.compile(rf"{_CONNECTOR}{_TOKEN}(?![A-Za-z])")


def _unwrap(text: str) -> str:
    """``text`` without math delimiters, ``\\text{}``-like wrappers and LaTeX spacing."""
    for _ in range(3):  # \textbf{\text{C}}: one level per pass
        text = _TEXT_MACRO.sub(r"\1", text)
    text = _SPACING.sub(" ", text.replace("$", "").replace("\\left", "").replace("\\right", ""))
    text = _PAREN_SPACE.sub(lambda m: m.group().strip(), " ".join(text.split()))
    return text.strip("*_# ").rstrip(".").strip()


def _option_key(text: str, *, fold_case: bool = True) -> str:
    """An option's text reduced for comparison: whitespace, LaTeX wrappers and case dropped."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    text = _unwrap(text).replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return "".join((text.lower() if fold_case else text).split())


def _letter(char: str, n_choices: int) -> str | None:
    letter = char.upper()
    return letter if letter in _LETTERS[:n_choices] else None


def _single_letter(text: str, n_choices: int) -> str | None:
    """The option letter ``text`` consists of ("C", "(C)", "C)", "Option C"), or None."""
    m = _SINGLE.fullmatch(text)
    return _letter(m.group(1) or m.group(2), n_choices) if m else None


def _by_text(text: str, choices: tuple[str, ...]) -> list[str]:
    """The letters of the options whose text is ``text`` (case breaks ties: "BB Bb", "Bb Bb")."""
    key = _option_key(text)
    found = [i for i, choice in enumerate(choices) if _option_key(choice) == key]
    if len(found) > 1:
        exact = _option_key(text, fold_case=False)
        found = [i for i in found if _option_key(choices[i], fold_case=False) == exact] or found
    return [_LETTERS[i] for i in found]


def read_choice(answer: str, choices: tuple[str, ...]) -> tuple[str | None, str]:
    """``(letter, reason)``: the option ``answer`` picks, or None and why not.

    >>> options = ("red", "green", "blue")
    >>> read_choice("(B)", options), read_choice("\\\\text{Blue}", options)
    (('B', 'letter B'), ('C', 'text of option C'))
    >>> read_choice("B or C", options)
    (None, 'hedged: names B, C')
    """
    text = _unwrap(answer)
    single = _single_letter(text, len(choices))
    if single:
        return single, f"letter {single}"
    matches = _by_text(text, choices)
    if len(matches) == 1:
        return matches[0], f"text of option {matches[0]}"
    if len(matches) > 1:
        return None, f"ambiguous: options {', '.join(matches)} have this same text"
    if _LIST.fullmatch(text):
        return _read_list(text, len(choices))
    return _read_leading(text, choices)


def _read_list(text: str, n_choices: int) -> tuple[str | None, str]:
    """A list of letters ("B or C", "B, C"): one letter, or a hedge."""
    named = [c.upper() for c in _LETTER_IN_LIST.findall(text) if _letter(c, n_choices)]
    distinct = list(dict.fromkeys(named))
    if len(distinct) > 1:
        return None, f"{_HEDGED}: names {', '.join(distinct)}"
    if distinct:
        return distinct[0], f"letter {distinct[0]}"
    return None, "names no option"


def _read_leading(text: str, choices: tuple[str, ...]) -> tuple[str | None, str]:
    """"C) option text" or "C. text": the letter, unless what follows names another option."""
    m = _LEADING.fullmatch(text)
    letter = _letter(m.group(1), len(choices)) if m else None
    if m is None or letter is None:
        return None, "names no option"
    rest = m.group(2)
    another = _ANOTHER.match(" " + rest)
    second = _letter(another.group(1) or another.group(2), len(choices)) if another else None
    if second not in (None, letter):
        return None, f"{_HEDGED}: names {letter}, {second}"
    others = [x for x in _by_text(rest, choices) if x != letter]
    if others:
        return None, f"{_HEDGED}: letter {letter} with the text of option {others[0]}"
    return letter, f"letter {letter}"


def _gold_letter(gold: _Gold) -> str | None:
    """The letter of the gold option: ``answer`` is a letter or one option's exact text."""
    if gold.answer is None:
        return None
    single = _single_letter(_unwrap(gold.answer), len(gold.choices))
    if single:
        return single
    matches = _by_text(gold.answer, gold.choices)
    return matches[0] if len(matches) == 1 else None


# --- extraction ------------------------------------------------------------------------------

_BOXED_LETTER = re.compile(
    r"\\(?:boxed|fbox)\s*\{\s*(?:\\text(?:bf)?\{)?\(?([A-Z])\)?\s*\}")
_ANSWER_MARK = re.compile(r"\b(?:answer|option|choice)\b[*_]*[ \t]*(?:is\b|:)[*_\s:]*",
                          re.IGNORECASE)
_SENTENCE_END = re.compile(r"\.(?:\s|$)")


def _boxed_letters(text: str, n_choices: int) -> list[str]:
    """The distinct option letters boxed anywhere in ``text``, in order."""
    found = (m.group(1) for m in _BOXED_LETTER.finditer(text))
    return list(dict.fromkeys(x for x in found if x in _LETTERS[:n_choices]))


def _answer_line(text: str) -> str | None:
    """What follows the last "answer is" / "Answer:", up to the end of its sentence."""
    last = deque(_ANSWER_MARK.finditer(text), maxlen=1)
    if not last:
        return None
    start = last[0].end()
    stop = text.find("\n", start, start + MAX_ANSWER_CHARS + 1)
    tail = text[start:stop if stop >= 0 else start + MAX_ANSWER_CHARS + 1]
    end = _SENTENCE_END.search(tail)
    return _unwrap(tail[:end.start()] if end else tail) or None


def _last_line_letter(text: str) -> str | None:
    """A last line that is nothing but an option letter ("**C**", "(C)", "Option C")."""
    line = text.rstrip().rsplit("\n", 1)[-1]
    if len(line) > 40:
        return None
    tidy = _unwrap(line)
    return tidy if _SINGLE.fullmatch(tidy) else None


# --- the verifier ----------------------------------------------------------------------------

def _relabel(verdict: Verdict, extracted: str, reason: str | None = None) -> Verdict:
    """``verdict`` reporting ``extracted`` (and ``reason``) instead of its own."""
    return Verdict(verdict.correct, verdict.score, verdict.status, extracted,
                   verdict.reason if reason is None else reason)


class ScienceVerifier(TwoStage):
    """Grades science answers: multiple choice, quantities with units, or symbolic answers.

    Args:
        deadline_s: Wall-clock limit of one verification.
        rel_tol: Relative tolerance for numeric answers with units (0.01 = 1 %).
        require_unit: Whether a bare number is wrong when the gold answer has a unit
            (when False it must equal the gold's number in the gold's unit).

    Example:
        >>> from guide_envs import Problem
        >>> mc = Problem(id="q", domain="science", prompt="Colour of the sky?", answer="C",
        ...              choices=("red", "green", "blue"))
        >>> v = ScienceVerifier()
        >>> v.verify("The answer is (C).", mc).correct, v.verify("\\\\boxed{B or C}", mc).reason
        (True, 'hedged: names B, C')
        >>> g = Problem(id="g", domain="science", prompt="g?", answer="9.81\\\\,\\\\text{m/s}^2")
        >>> v.verify("\\\\boxed{981 cm/s^2}", g).correct, v.verify("\\\\boxed{9.81 s}", g).reason
        (True, 'dimension mismatch: 9.81 s is not in the units of 9.81\\\\,\\\\text{m/s}^2')
    """

    name = "science"
    worker_preload = ("verifiers.science", *MathVerifier.worker_preload)

    def __init__(self, deadline_s: float = DEFAULT_DEADLINE_S, rel_tol: float = 0.01,
                 require_unit: bool = False) -> None:
        super().__init__(deadline_s)
        if not 0.0 <= rel_tol < 1.0:
            raise ValueError(f"rel_tol must be in [0, 1), got {rel_tol!r}")
        self.rel_tol = rel_tol
        self.require_unit = require_unit

    def extract(self, response: str, problem: Any) -> str | Verdict:
        """The last boxed answer, else a final-answer line, outside any reasoning block."""
        text = strip_reasoning(response)
        n_choices = len(getattr(problem, "choices", ()) or ())
        letters = _boxed_letters(text, n_choices) if n_choices else []
        if len(letters) > 1:  # boxes naming different options: judged as the hedge it is
            return ", ".join(letters)
        extracted = last_boxed(text)
        if extracted is None:
            extracted = _answer_line(text)
        if extracted is None and n_choices:
            extracted = _last_line_letter(text)
        if not extracted:
            return Verdict.failed(Status.NO_ANSWER, "no \\boxed{} or final-answer line found",
                                  extracted)
        return too_long(extracted, MAX_ANSWER_CHARS) or extracted

    def judge(self, extracted: str, problem: Any) -> Verdict:
        """Multiple choice by option, else quantities with units, else the math verifier."""
        gold = self.portable(problem)
        if gold.answer is None:
            return Verdict.failed(Status.ERROR, "problem has no gold answer", extracted)
        if gold.choices:
            return self._judge_choice(extracted, gold)
        return self._judge_open(extracted, gold.answer)

    def cache_key(self, problem: Any) -> Hashable:
        """The gold answer and the options."""
        gold = self.portable(problem)
        return gold.answer, gold.choices

    def portable(self, problem: Any) -> _Gold:
        """Only the gold answer and the options travel to the judging worker."""
        if isinstance(problem, _Gold):
            return problem
        answer = getattr(problem, "answer", None)
        choices = tuple(str(c) for c in (getattr(problem, "choices", ()) or ()))
        return _Gold(None if answer is None else str(answer), choices)

    # -- multiple choice --

    def _judge_choice(self, extracted: str, gold: _Gold) -> Verdict:
        expected = _gold_letter(gold)
        if expected is None:
            return Verdict.failed(Status.ERROR,
                                  f"gold answer {gold.answer!r} names none of the "
                                  f"{len(gold.choices)} options", extracted)
        letter, reason = read_choice(extracted, gold.choices)
        if letter == expected:
            return Verdict.right(extracted, reason)
        if letter is not None:
            return Verdict.incorrect(extracted, f"{reason}; the answer is {expected}")
        if reason.startswith(_HEDGED):
            return Verdict.incorrect(extracted, reason)
        gold_text = gold.choices[_LETTERS.index(expected)]
        verdict = MathVerifier().judge(extracted, _Gold(gold_text))
        if verdict.correct:
            return _relabel(verdict, extracted, f"equals the text of option {expected}")
        return Verdict.incorrect(extracted, f"{reason}; the answer is {expected}")

    # -- open answers --

    def _judge_open(self, extracted: str, gold: str) -> Verdict:
        gold_number, gold_unit = split_unit(gold)
        gold_q = parse_quantity(gold) if gold_unit is not None else None
        if gold_q is None:
            return self._judge_symbolic(extracted, gold)
        number, unit = split_unit(extracted)
        if unit is not None:
            return self._judge_units(extracted, gold, gold_q)
        if self.require_unit:
            return Verdict.incorrect(extracted, f"missing unit (the answer is in {gold_unit})")
        return self._judge_bare(extracted, number, gold_q, gold_number, gold_unit)

    def _judge_units(self, extracted: str, gold: str, gold_q: Any) -> Verdict:
        answer_q = parse_quantity(extracted)
        if answer_q is None:
            return Verdict.failed(Status.UNPARSABLE, "could not read the quantity", extracted)
        if answer_q.dimensionality != gold_q.dimensionality:
            return Verdict.incorrect(
                extracted, f"dimension mismatch: {extracted} is not in the units of {gold}")
        if same_quantity(gold_q, answer_q, rel_tol=self.rel_tol):
            return Verdict.right(extracted, f"equals {gold} within {self.rel_tol:.4g} (relative)")
        return Verdict.incorrect(extracted, f"differs from {gold} by more than "
                                            f"{self.rel_tol:.4g} (relative)")

    def _judge_bare(self, extracted: str, number: str, gold_q: Any, gold_number: str,
                    gold_unit: str) -> Verdict:
        """A number without a unit against a gold answer with one."""
        bare = parse_quantity(number)
        if bare is None:
            verdict = MathVerifier().judge(number, _Gold(gold_number))
            return _relabel(verdict, extracted)
        value, gold_value = float(bare.magnitude), float(gold_q.magnitude)
        if math.isclose(value, gold_value, rel_tol=self.rel_tol) or (
                gold_q.dimensionless and same_quantity(gold_q, bare, rel_tol=self.rel_tol)):
            return Verdict.right(extracted, f"equals {gold_number} {gold_unit} (unit omitted)")
        return Verdict.incorrect(extracted, f"{number} differs from {gold_number} (in {gold_unit})")

    def _judge_symbolic(self, extracted: str, gold: str) -> Verdict:
        """No quantity in the gold answer: the math verifier decides (numbers, expressions)."""
        verdict = MathVerifier().judge(extracted, _Gold(gold))
        number, unit = split_unit(extracted)
        if verdict.correct or unit is None:
            return _relabel(verdict, extracted)
        return _relabel(MathVerifier().judge(number, _Gold(gold)), extracted)
