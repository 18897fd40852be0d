"""Reading the final answer out of a response: :func:`extract_answer`, :func:`last_boxed`.

Every scan here is linear in the response length, so a 2 MB response or braces nested
thousands deep cost milliseconds, not the deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verifiers.math.commitment import (
    final_sentence,
    negated,
    retracted,
    strip_comments,
    visible,
)

__all__ = [
    "MAX_ANSWER_CHARS",
    "Reading",
    "boxed_answers",
    "extract_answer",
    "final_answer_line",
    "last_boxed",
    "read_answer",
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


def _box_spans(text: str) -> list[tuple[int, int, int]]:
    """``(command_start, content_start, content_end)`` of every balanced box.

    One pass with a stack matches all braces (escaped ``\\{`` and ``\\}`` are literal), so
    thousands of unclosed boxes cost the same as one.
    """
    opens = {m.end() - 1: m.start() for m in _BOX.finditer(text)}
    if not opens:
        return []
    spans: list[tuple[int, int, int]] = []
    stack: list[int] = []
    for m in re.finditer(r"(?<!\\)[{}]", text):
        if m.group() == "{":
            stack.append(m.start())
        elif stack:
            start = stack.pop()
            if start in opens:
                spans.append((opens[start], start + 1, m.start()))
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
            return text[start:end]  # unstripped: a final line break may end a comment
        start, end = inner.end(), inner_end


def _outer_boxes(text: str) -> list[tuple[int, int, str]]:
    """``(command_start, end_after_closing_brace, content)`` of every outermost box, in order."""
    spans = sorted(_box_spans(text), key=lambda span: span[1])
    by_start = {content_start: content_end for _, content_start, content_end in spans}
    outer: list[tuple[int, int, int]] = []
    for span in spans:
        if not outer or span[1] > outer[-1][2]:
            outer.append(span)
    return [(cmd, end + 1, _content(_unwrap(text, (start, end), by_start)))
            for cmd, start, end in outer]


def _content(box: str) -> str:
    """A box's content without comments; "" when nothing but braces and spaces is left."""
    box = strip_comments(box).strip()
    return box if box.strip("{}$ \t\n") else ""


def boxed_answers(text: str) -> list[str]:
    r"""The contents of every outermost box, in order (nested boxes unwrapped).

    >>> boxed_answers("\\boxed{1} and \\boxed{\\boxed{2}}")
    ['1', '2']
    """
    return [content for _, _, content in _outer_boxes(text)]


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
_NEGATED_LINE = re.compile(r"\s*(?:not\b|n't\b|never\b|cannot\b)", re.IGNORECASE)
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
    if _NEGATED_LINE.match(answer):  # "The answer is not $12$." gives no answer
        return None
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


@dataclass(frozen=True)
class Reading:
    """What :func:`read_answer` found: the answer (None when there is none) and how."""

    answer: str | None
    reason: str


_REJECTED = "every \\boxed{} is rejected by its own sentence (not, rule out, cannot be, ...)"


def _committed(text: str, boxes: list[tuple[int, int, str]]) -> str:
    """The answer the boxes commit to: those after the last retraction, joined if they differ.

    Boxes that disagree with no retraction between them stay together (", "-joined) so that
    the judge sees a hedge, or a solution set where the gold has several values.
    """
    first = 0
    for i in range(1, len(boxes)):
        if boxes[i][2] != boxes[i - 1][2] and retracted(text[boxes[i - 1][1]:boxes[i][0]]):
            first = i
    values = [content for _, _, content in boxes[first:]]
    shown = [value for value in dict.fromkeys(values) if value]
    return ", ".join(shown)


def _boxed_reading(text: str) -> Reading | None:
    """The boxes' answer, ``Reading(None, why)`` when every box is rejected, None if no box."""
    boxes = _outer_boxes(text)
    if not boxes:
        short = list(_SHORT_BOX.finditer(text))  # "\boxed 5", TeX's one-token argument
        if not short:
            return None
        last = short[-1]
        if negated(text, last.start(), last.end()):
            return Reading(None, _REJECTED)
        return Reading(last.group(1), "the last \\boxed{}")
    kept, floor = [], 0
    for box in boxes:
        if not negated(text, box[0], box[1], floor):
            kept.append(box)
        floor = box[1]
    if not kept:
        return Reading(None, _REJECTED)
    return Reading(_committed(text, kept), "the \\boxed{} answer the text commits to")


def read_answer(response: str, *, bare_numbers: bool = False) -> Reading:
    r"""The final answer of a response and how it was read (see :func:`extract_answer`).

    >>> read_answer("The answer is not $\\boxed{12}$.").answer is None
    True
    >>> read_answer("Hence the maximum value is 8.").answer
    '8'
    """
    text = visible(strip_reasoning(response))
    boxed = _boxed_reading(text)
    if boxed is not None and boxed.answer is not None:
        return boxed
    line = final_answer_line(text)
    if line is not None and not (boxed is not None and _BOX.search(line)):
        return Reading(line, "the last final-answer line")
    if boxed is not None:
        return boxed
    sentence = final_sentence(text)
    if sentence is not None:
        return Reading(sentence, "the concluding last sentence")
    if bare_numbers:
        numbers = _LAST_NUMBER.findall(text)
        if numbers:
            return Reading(numbers[-1], "the last number in the text")
    return Reading(None, "no \\boxed{}, final-answer line or concluding sentence found")


def extract_answer(response: str, *, bare_numbers: bool = False) -> str | None:
    r"""The final answer of a response, read outside any leading reasoning block.

    Invisible content (``\phantom``, white text, ``\iffalse``, ``%`` comments in an answer)
    is dropped first: see :mod:`verifiers.math.commitment` for every rule. Then, in order:

    1. The boxes, less those their own clause rejects ("not $\boxed{12}$", "rule out
       $\boxed{3}$"). Boxes after an explicit retraction ("that was wrong; correcting it
       gives ...") replace the earlier ones; several different boxes left open are returned
       together, comma-separated, so that the judge sees a hedge or a solution set. When every
       box is rejected the answer is None unless a final-answer line gives one.
    2. The last final-answer line ("Final answer:", "The answer is", "####"), unless negated.
    3. Only when there is no box: the last sentence, if it concludes ("Hence/Therefore/Thus/So
       ... is <value>." or "... = <value>.").
    4. Only if ``bare_numbers``: the last number in the text.

    >>> extract_answer("<think>\\boxed{3}</think>The answer is \\boxed{4}.")
    '4'
    >>> extract_answer("So x = \\boxed{1} or x = \\boxed{-2}.")
    '1, -2'
    >>> extract_answer("I got \\boxed{155}, a mistake: correcting it gives \\boxed{165}.")
    '165'
    >>> extract_answer("It is 42.") is None, extract_answer("It is 42.", bare_numbers=True)
    (True, '42')
    """
    return read_answer(response, bare_numbers=bare_numbers).answer
