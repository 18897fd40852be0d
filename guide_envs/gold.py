r"""Reading gold answers out of dataset values: :func:`read_gold`, :func:`option_letter`.

One code path for the environments' dataset sources (:mod:`guide_envs.sources.datasets`,
:mod:`guide_envs.sources.multiple_choice`) and the trainer adapters
(:mod:`guide_envs.integrations.trl`, :mod:`guide_envs.integrations.verl`), so a gold answer
grades the same way whichever of them reads it.

Formats (:data:`ANSWER_FORMATS`):

* ``"plain"``: the value as text, stripped;
* ``"gsm8k"``: the text after the last ``####``, thousands separators removed
  (``"... #### 2,125"`` gives ``"2125"``);
* ``"last_boxed"``: the content of the last ``\boxed{}`` (MATH and Minerva solutions);
* ``"number"``: a number written canonically (``27.0`` gives ``"27"``);
* ``"auto"``, what the adapters use, whose gold columns come in any of these: a number is read
  as ``"number"``, text holding ``####`` as ``"gsm8k"``, text holding a box as
  ``"last_boxed"``, anything else as ``"plain"``.

A chat-format value (a list of messages) is read as the content of its last user message.
Multiple choice: the option index (MMLU's ``answer: 2``) or letter becomes the option letter
(:func:`option_letter`), which is what the science verifier grades against.

Example:
    >>> read_gold("She makes 9 * 2 = $18.\n#### 18")
    '18'
    >>> read_gold(2, choices=["O2", "N2", "CO2", "He"])
    'C'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from verifiers.math import last_boxed

__all__ = ["ANSWER_FORMATS", "option_letter", "read_gold", "text_of"]

#: The formats :func:`read_gold` reads (see the module doc).
ANSWER_FORMATS = ("plain", "gsm8k", "last_boxed", "number", "auto")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def text_of(value: Any) -> str | None:
    """Plain text, or the last user message (else the last message) of a chat-format list.

    >>> text_of([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}])
    '2+2?'
    >>> text_of(3), text_of(None), text_of({"a": 1})
    ('3', None, None)
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Sequence) and value and all(isinstance(m, Mapping) for m in value):
        users = [m for m in value if m.get("role") == "user"]
        content = (users or list(value))[-1].get("content")
        return None if content is None else str(content)
    if isinstance(value, (Sequence, Mapping)):
        return None
    return str(value)


def read_gold(value: Any, answer_format: str = "auto", *,
              choices: Sequence[Any] | None = None) -> str | None:
    """The gold answer in ``value`` read as ``answer_format`` says; None when it cannot be read.

    With ``choices`` (multiple choice) an option index or letter gives the option's letter
    (see :func:`option_letter`); an index with no option gives None; other text is read as
    the format says (the science verifier matches it against the options' text).

    >>> read_gold("It is 1,000.\\n#### 1,000"), read_gold("so $\\\\boxed{7}$"), read_gold(27.0)
    ('1000', '7', '27')
    >>> read_gold("#### ") is None
    True
    """
    if answer_format not in ANSWER_FORMATS:
        raise ValueError(f"answer_format must be one of {ANSWER_FORMATS}, got {answer_format!r}")
    if choices is not None and len(choices) > 0:
        letter = option_letter(value, choices)
        if letter is not None:
            return letter
        if _is_integer(value):
            return None
    if answer_format == "auto":
        answer_format = _guess_format(value)
    if answer_format == "number":
        return _number(value)
    text = text_of(value)
    if text is None:
        return None
    if answer_format == "gsm8k":
        text = text.rpartition("####")[2].replace(",", "") if "####" in text else ""
    elif answer_format == "last_boxed":
        text = last_boxed(text) or ""
    text = text.strip()
    return text or None


def option_letter(answer: Any, choices: Sequence[Any]) -> str | None:
    """The letter of the option ``answer`` names: an index (``2`` -> ``"C"``) or a letter.

    A digit string counts as an index (as when a CSV file or a parquet column stores it as
    text) unless it is the text of an option. None when ``answer`` names no option.

    >>> option_letter(2, ["a", "b", "c"]), option_letter("b", ["a", "b", "c"])
    ('C', 'B')
    >>> option_letter(3, ["a", "b", "c"]) is None, option_letter("1", ["0", "1"]) is None
    (True, True)
    """
    n = min(len(choices), len(_LETTERS))
    if _is_integer(answer):
        index = int(answer)
        return _LETTERS[index] if 0 <= index < n else None
    if not isinstance(answer, str):
        return None
    text = answer.strip()
    if len(text) == 1 and text.upper() in _LETTERS[:n]:
        return text.upper()
    if text.isdigit() and int(text) < n and text not in {str(c).strip() for c in choices}:
        return _LETTERS[int(text)]
    return None


def _is_integer(value: Any) -> bool:
    """An integer (numpy's too, as parquet columns give), not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _guess_format(value: Any) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return "number"
    text = text_of(value) or ""
    if "####" in text:
        return "gsm8k"
    return "last_boxed" if last_boxed(text) is not None else "plain"


def _number(value: Any) -> str | None:
    """Write a number canonically: ``27.0`` -> ``"27"``, ``2.5`` -> ``"2.5"``; else None."""
    if isinstance(value, bool) or value is None:
        return None
    if _is_integer(value):
        return str(int(value))
    try:
        number = float(str(value).strip().replace(",", ""))
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    return str(int(number)) if number.is_integer() else repr(number)
