"""Reading the final answer out of a response: :func:`extract_answer`, :func:`last_boxed`.

Every scan here is linear in the response length, so a 2 MB response or braces nested
thousands deep cost milliseconds, not the deadline.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ANSWER_CHARS", "extract_answer", "last_boxed", "strip_reasoning"]

#: Longer "answers" are rejected as unparsable instead of being sent to the parser.
MAX_ANSWER_CHARS = 2000

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_THINK_END = re.compile(r"</think\s*>", re.IGNORECASE)


def strip_reasoning(response: str) -> str:
    """Drop a leading ``<think>...</think>`` block: reasoning is never graded.

    >>> strip_reasoning("<think>maybe \\\\boxed{1}</think> so \\\\boxed{2}")
    ' so \\\\boxed{2}'
    """
    if response.lstrip()[:7].lower() != "<think>":
        return response
    end = _THINK_END.search(response)
    return response[end.end():] if end else ""


def _braced(text: str, open_at: int) -> str | None:
    """The content of the ``{...}`` group opening at ``open_at``, or None if unbalanced."""
    depth = 0
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
    return None


def _last_box_start(text: str) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for command in _BOX_COMMANDS:
        at = text.rfind(command)
        if at >= 0 and (best is None or at > best[0]):
            best = (at, command)
    return best


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` or ``\\fbox{...}``, nested boxes unwrapped.

    >>> last_boxed("so x = \\\\boxed{\\\\boxed{\\\\frac{1}{2}}}.")
    '\\\\frac{1}{2}'
    >>> last_boxed("no box here") is None
    True
    """
    end = len(text)
    while True:
        found = _last_box_start(text[:end])
        if found is None:
            return None
        at, command = found
        rest = at + len(command)
        while rest < len(text) and text[rest] == " ":
            rest += 1
        if rest < len(text) and text[rest] == "{":
            content = _braced(text, rest)
            if content is not None:
                inner = last_boxed(content) if any(c in content for c in _BOX_COMMANDS) else None
                return (inner if inner is not None else content).strip()
        elif command == "\\boxed" and rest < len(text) and text[rest - 1] == " ":
            # "\boxed 5": the TeX shorthand for a one-token argument.
            token = re.match(r"[^\s$]+", text[rest:])
            if token:
                return token.group(0)
        end = at  # unbalanced or empty: try the previous box


def extract_answer(response: str) -> str | None:
    """The final answer of a response, read from its last box outside any reasoning block.

    >>> extract_answer("<think>\\\\boxed{3}</think>The answer is \\\\boxed{4}.")
    '4'
    """
    return last_boxed(strip_reasoning(response))
