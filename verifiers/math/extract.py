"""Reading the final answer out of a response: :func:`extract_answer`, :func:`last_boxed`.

Every scan here is linear in the response length, so a 2 MB response or braces nested
thousands deep cost milliseconds, not the deadline.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ANSWER_CHARS", "extract_answer", "last_boxed", "strip_reasoning"]

#: Longer "answers" are rejected as unparsable instead of being sent to the parser.
MAX_ANSWER_CHARS = 2000

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


_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_SHORT_BOX = re.compile(r"\\boxed +([^\s${}]+)")


def _box_spans(text: str) -> list[tuple[int, int]]:
    """``(content_start, content_end)`` of every balanced box.

    One pass with a stack matches all braces (escaped ``\\{`` and ``\\}`` are literal), so
    thousands of unclosed boxes cost the same as one.
    """
    opens = {m.end() - 1 for m in _BOX.finditer(text)}
    if not opens:
        return []
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in re.finditer(r"(?<!\\)[{}]", text):
        if m.group() == "{":
            stack.append(m.start())
        elif stack:
            start = stack.pop()
            if start in opens:
                spans.append((start + 1, m.start()))
    return spans


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` or ``\\fbox{...}``, nested boxes unwrapped.

    >>> last_boxed("so x = \\\\boxed{\\\\boxed{\\\\frac{1}{2}}}.")
    '\\\\frac{1}{2}'
    >>> last_boxed("no box here") is None
    True
    """
    spans = _box_spans(text)
    if not spans:
        short = list(_SHORT_BOX.finditer(text))  # "\boxed 5", TeX's one-token argument
        return short[-1].group(1) if short else None
    by_start = dict(spans)
    start, end = max(spans, key=lambda span: span[1])  # the box that closes last
    while True:  # \boxed{\boxed{x}} -> x: unwrap while the content is exactly one box
        pos = start
        while pos < end and text[pos].isspace():
            pos += 1
        inner = _BOX.match(text, pos, end)
        inner_end = by_start.get(inner.end()) if inner else None
        if inner is None or inner_end is None or text[inner_end + 1:end].strip():
            return text[start:end].strip()
        start, end = inner.end(), inner_end


def extract_answer(response: str) -> str | None:
    """The final answer of a response, read from its last box outside any reasoning block.

    >>> extract_answer("<think>\\\\boxed{3}</think>The answer is \\\\boxed{4}.")
    '4'
    """
    return last_boxed(strip_reasoning(response))
