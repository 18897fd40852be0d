"""Reading the final answer out of a response: :func:`extract_answer`, :func:`last_boxed`.

Every scan here is linear in the response length, so a 2 MB response or braces nested
thousands deep cost milliseconds, not the deadline.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_ANSWER_CHARS",
    "boxed_answers",
    "extract_answer",
    "final_answer_line",
    "last_boxed",
    "strip_reasoning",
]

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


def _unwrap(text: str, span: tuple[int, int], by_start: dict[int, int]) -> str:
    """A box's content, with ``\\boxed{\\boxed{x}}`` unwrapped to ``x``."""
    start, end = span
    while True:
        pos = start
        while pos < end and text[pos].isspace():
            pos += 1
        inner = _BOX.match(text, pos, end)
        inner_end = by_start.get(inner.end()) if inner else None
        if inner is None or inner_end is None or text[inner_end + 1:end].strip():
            return text[start:end].strip()
        start, end = inner.end(), inner_end


def boxed_answers(text: str) -> list[str]:
    r"""The contents of every outermost box, in order (nested boxes unwrapped).

    >>> boxed_answers("\\boxed{1} and \\boxed{\\boxed{2}}")
    ['1', '2']
    """
    spans = sorted(_box_spans(text))
    by_start = dict(spans)
    outer: list[tuple[int, int]] = []
    for span in spans:
        if not outer or span[0] > outer[-1][1]:
            outer.append(span)
    return [_unwrap(text, span, by_start) for span in outer]


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` or ``\\fbox{...}``, nested boxes unwrapped.

    >>> last_boxed("so x = \\\\boxed{\\\\boxed{\\\\frac{1}{2}}}.")
    '\\\\frac{1}{2}'
    >>> last_boxed("no box here") is None
    True
    """
    boxes = boxed_answers(text)
    if boxes:
        return boxes[-1]
    short = list(_SHORT_BOX.finditer(text))  # "\boxed 5", TeX's one-token argument
    return short[-1].group(1) if short else None


# "####" is GSM8K's final-answer marker (verl's GSM8K prompts ask for the answer after it)
_FINAL_LINE = re.compile(
    r"(?:final\s+answer|the\s+answer\s+is|answer\s*:|####)\**\s*(?:is\s*)?:?\s*([^\n]*)",
    re.IGNORECASE)
_INLINE_MATH = re.compile(r"\$\$?([^$]+)\$\$?|\\\((.+?)\\\)")
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])|\.$")
_LAST_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:/\d+)?")


def final_answer_line(text: str) -> str | None:
    """What follows the last "Final answer:" / "The answer is" / "Answer:" / "####" on its line.

    >>> final_answer_line("Thus...\\nFinal answer: $12$. I hope it is correct.")
    '12'
    >>> final_answer_line("She makes 9 * 2 = $18 a day.\\n#### 18")
    '18'
    """
    found = None
    for m in _FINAL_LINE.finditer(text):
        found = m
    if found is None:
        return None
    answer = found.group(1)
    nested = final_answer_line(answer) if len(answer) < len(text) else None
    answer = nested if nested is not None else answer  # "Final Answer: The final answer is $x$"
    maths = list(_INLINE_MATH.finditer(answer))
    if len(maths) == 1:  # "$12$. I hope it is correct." -> the math
        return (maths[0].group(1) or maths[0].group(2)).strip() or None
    if maths:  # "$7$ or $8$" -> "7 or 8": several pieces of math stay together
        joined = answer[maths[0].start():maths[-1].end()]
        return re.sub(r"\$|\\\(|\\\)", "", joined).strip() or None
    answer = _SENTENCE_END.split(answer, maxsplit=1)[0]
    return answer.strip().strip("*").strip() or None


def extract_answer(response: str, *, bare_numbers: bool = False) -> str | None:
    r"""The final answer of a response, read outside any leading reasoning block.

    In order: the boxes (several different boxes are returned together, comma-separated, so
    that the judge sees a hedge or a solution set); else the last final-answer line; else, only
    if ``bare_numbers``, the last number in the text.

    >>> extract_answer("<think>\\boxed{3}</think>The answer is \\boxed{4}.")
    '4'
    >>> extract_answer("So x = \\boxed{1} or x = \\boxed{-2}.")
    '1, -2'
    >>> extract_answer("It is 42.") is None, extract_answer("It is 42.", bare_numbers=True)
    (True, '42')
    """
    text = strip_reasoning(response)
    boxes = list(dict.fromkeys(boxed_answers(text)))
    if boxes:
        return ", ".join(boxes)
    short = last_boxed(text)
    if short is not None:
        return short
    line = final_answer_line(text)
    if line is not None:
        return line
    if bare_numbers:
        numbers = _LAST_NUMBER.findall(text)
        return numbers[-1] if numbers else None
    return None
