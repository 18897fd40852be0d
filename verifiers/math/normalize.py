"""Cleaning an answer string before it is parsed: :func:`normalize`, :func:`split_top_level`.

Everything here is string work in linear time; nothing evaluates mathematics.
"""

from __future__ import annotations

import re

__all__ = ["normalize", "split_top_level", "strip_approx", "strip_outer", "text_form",
           "unwrap_text"]

_SPACING = re.compile(r"(?<!\\)\\[,;:! ]|\\quad|\\qquad|~|\\displaystyle|\\textstyle")
_KEYWORDS = re.compile(r"\\(?:text|mathrm|textbf)\s*\{\s*(or|and|percent|degrees?|infinity|"
                       r"no\s+solutions?|none|empty\s+set)\s*\}", re.IGNORECASE)
_SIZED = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)[lr]?(?![a-zA-Z])")
_TEXT_WRAPPERS = re.compile(
    r"\\(?:text|textbf|textit|mathrm|mathbf|mbox|operatorname)\s*\{([^{}]*)\}")
# "1,234,567": groups of exactly three digits. Plain commas count only outside brackets
# ("(2,251,252)" is a triple); "{,}" is TeX's thousands separator everywhere.
_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3})((?:(?:,|\{,\}|\\,)\d{3})+)(?![\d])")
_APPROX = re.compile(r"^(?:\\approx|≈|\\sim|\\simeq|about|approximately)\s*", re.IGNORECASE)
_DFRAC = re.compile(r"\\[dt]frac")
_TRAILING = re.compile(r"[\s.。]+$")
_MARKDOWN = re.compile(r"^\*\*(.*)\*\*$|^__(.*)__$", re.DOTALL)
_LEADING_WORDS = re.compile(
    r"^(?:the\s+)?(?:final\s+)?(?:answer|solution|result)s?\s*(?:is|are|:|=)\s*", re.IGNORECASE)


def _strip_math_delimiters(text: str) -> str:
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right) and len(text) >= len(left) + len(right):
            return text[len(left):len(text) - len(right)].strip()
    return text


def unwrap_text(text: str) -> str:
    r"""``\\text{...}`` and similar wrappers replaced by their content."""
    previous = None
    while previous != text:
        previous, text = text, _TEXT_WRAPPERS.sub(r" \1 ", text)
    return text


def _join_thousands(text: str) -> str:
    r"""Digit groups joined where a comma is a thousands separator.

    >>> _join_thousands("1,234 and (2,251,252) and (1{,}000, 2)")
    '1234 and (2,251,252) and (1000, 2)'
    """
    depths = _depths(text)

    def join(m: re.Match[str]) -> str:
        if depths[m.start()] and "{,}" not in m.group(2):
            return m.group()  # inside brackets a plain comma separates items
        return m.group(1) + re.sub(r"\D", "", m.group(2))

    return _THOUSANDS.sub(join, text)


def _depths(text: str) -> list[int]:
    """The bracket depth at each position of ``text`` (one linear pass)."""
    out, depth = [], 0
    for ch in text:
        if ch in ")]}":
            depth = max(depth - 1, 0)
        out.append(depth)
        if ch in "([{":
            depth += 1
    return out


def strip_approx(text: str) -> tuple[str, bool]:
    r"""``(text without a leading "≈", whether there was one)``.

    >>> strip_approx("\\approx 17.10")
    ('17.10', True)
    """
    m = _APPROX.match(text)
    return (text[m.end():], True) if m and m.end() < len(text) else (text, False)


def normalize(answer: str) -> str:
    r"""A canonical spelling of an answer: delimiters, spacing, sizing and markup removed.

    >>> normalize("$\\left( 1,\\ 2 \\right)$.")
    '(1, 2)'
    >>> normalize("**1{,}000{,}000**")
    '1000000'
    >>> normalize("{{x + 1}}")
    'x + 1'
    >>> normalize("\\dfrac{1}{2}")
    '\\frac{1}{2}'
    """
    text = answer.strip().replace("\u2212", "-").replace("\u00d7", "\\times ")
    markdown = _MARKDOWN.match(text)
    if markdown:
        text = (markdown.group(1) or markdown.group(2)).strip()
    text = _TRAILING.sub("", _strip_math_delimiters(_TRAILING.sub("", text)))
    text = _LEADING_WORDS.sub("", text)
    text = strip_approx(text)[0]
    text = _SIZED.sub("", text)
    text = _KEYWORDS.sub(r" \1 ", text)
    text = _DFRAC.sub("\\\\frac", text)
    text = _join_thousands(text)
    text = _SPACING.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*([)\]}])", r"\1", re.sub(r"([(\[{])\s*", r"\1", text))
    text = _strip_math_delimiters(text)
    while text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        text = text[1:-1].strip()  # "{x+1}": grouping braces around the whole answer
    return text


def text_form(answer: str) -> str:
    r"""The answer as plain words: lower case, no LaTeX text wrappers, no spaces or braces.

    >>> text_form("\\text{Monday}") == text_form(" monday ")
    True
    >>> text_form("\\{\\emptyset\\}") == text_form("\\emptyset")
    False
    """
    text = unwrap_text(normalize(answer)).lower()
    return re.sub(r"[\s$*]|\.$", "", text)


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def split_top_level(text: str, separators: tuple[str, ...] = (",",)) -> list[str]:
    r"""Split at separators that are outside every bracket (``\{ \}`` count as brackets).

    >>> split_top_level("(1, 2), \\{3, 4\\}, 5")
    ['(1, 2)', '\\{3, 4\\}', '5']
    """
    parts: list[str] = []
    depth = 0
    start = i = 0
    while i < len(text):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}" and depth > 0:
            depth -= 1
        elif depth == 0:
            for sep in separators:
                if text.startswith(sep, i):
                    parts.append(text[start:i].strip())
                    i += len(sep)
                    start = i
                    break
            else:
                i += 1
            continue
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def strip_outer(text: str) -> tuple[str, str, str] | None:
    r"""``(open, inside, close)`` when one bracket pair encloses the whole text, else None.

    >>> strip_outer("[1, 2)")
    ('[', '1, 2', ')')
    >>> strip_outer("(1)+(2)") is None
    True
    """
    if text.startswith("\\{") and text.endswith("\\}"):
        inner = text[2:-2]
        return ("{", inner.strip(), "}") if _balanced(inner) else None
    if len(text) < 2 or text[0] not in "([" or text[-1] not in ")]":
        return None
    inner = text[1:-1]
    return (text[0], inner.strip(), text[-1]) if _balanced(inner) else None


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
