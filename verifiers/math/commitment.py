r"""Which answer a response commits to: invisible content, negated boxes, corrections.

A math verdict is an RL reward, so anything that reads as an answer without being one is a
reward hack. The rules, each a linear scan over the text:

* **Invisible content** (:func:`visible`, :func:`strip_comments`): what a reader cannot see is
  not an answer. ``\phantom{...}``, ``\hphantom{...}``, ``\vphantom{...}``, white text
  (``\textcolor{white}{...}``, and ``\color{white}`` up to the end of its group, or of the
  text outside any group; white by name, RGB or HTML; other colours are visible) and
  ``\iffalse ... \fi`` are removed from the whole response; a ``%`` comment is removed inside an
  answer (not in the prose, where ``%`` is a percent sign).
* **Negation** (:func:`negated`): a box that its own clause rejects is not an answer. The
  clause is the text since the previous box or clause break (``. ; :``, a blank line, "but",
  "so", "hence", ...), at most :data:`WINDOW` characters. A cue (not, n't, cannot, never, rule
  out, exclude, eliminate, reject, discard, instead of, rather than, other than, except,
  ``\neq``, ...) rejects the box only when nothing but filler separates the two (spaces, math
  delimiters, "be", "equal to", "the answer", "definitely", ``x =``): "not hard to find:
  $\boxed{12}$" and "x cannot be 0, so $\boxed{5}$" keep their boxes, and "not only" is no cue.
  A box followed by "is wrong", "is not the answer", "is impossible", "can be ruled out",
  "does not work", ... is rejected too ("$\boxed{5}$, which is not divisible by 3" is not).
* **Self-correction** (:func:`retracted`): when the boxes disagree, the last box alone is the
  answer only if the text between the last differing box and it retracts what came before
  ("was wrong", "mistake", "error", "the correct answer is", "correcting", "actually",
  "instead", "let me redo", "on second thought", "wait", "recompute", ...) and leaves nothing
  open ("or", "maybe", "perhaps", "possibly", "might", "could", "either", "unless",
  "alternatively"). Otherwise the boxes stay together: a hedge, or a solution set.
* **Final sentence** (:func:`final_sentence`): with no box and no final-answer line, the last
  sentence of the response is read when it opens with a concluding cue (Hence, Therefore,
  Thus, So, Consequently, In conclusion, This/which gives) and ends with "is <value>.",
  "equals <value>.", "= <value>." or a math span ``$... = value$`` (a number or one math span),
  and has no negation cue and nothing left open ("or", "maybe", "could", ...): "Hence the
  count is 7 or it is 8." is no answer.
"""

from __future__ import annotations

import re

__all__ = ["WINDOW", "final_sentence", "negated", "retracted", "strip_comments", "visible"]

#: How far before a box (in characters) its clause is searched for a negation cue.
WINDOW = 160

# White, as xcolor spells it: by name, as RGB or as HTML.
_WHITE = (r"(?:\[\s*\w+\s*\])?\s*\{\s*(?:white|1\s*,\s*1\s*,\s*1|255\s*,\s*255\s*,\s*255"
          r"|#?f{6})\s*\}")
_HIDERS = re.compile(
    rf"\\[hv]?phantom\s*\{{|\\textcolor\s*{_WHITE}\s*\{{|(\\color\s*{_WHITE})|(?<!\\)[{{}}]",
    re.IGNORECASE)
_IFFALSE = re.compile(r"\\iffalse(?![a-zA-Z])")
_FI = re.compile(r"\\fi(?![a-zA-Z])")


def _drop(text: str, cuts: list[tuple[int, int]]) -> str:
    """``text`` without the (possibly overlapping) ``[start, end)`` ranges in ``cuts``."""
    if not cuts:
        return text
    out, pos = [], 0
    for start, end in sorted(cuts):
        if start > pos:
            out.append(text[pos:start])
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _iffalse_cuts(text: str) -> list[tuple[int, int]]:
    """Ranges from each ``\\iffalse`` to its ``\\fi`` (to the end when there is none)."""
    cuts, pos = [], 0
    while (start := _IFFALSE.search(text, pos)) is not None:
        end = _FI.search(text, start.end())
        stop = end.end() if end else len(text)
        cuts.append((start.start(), stop))
        pos = stop
    return cuts


def visible(text: str) -> str:
    r"""``text`` without the content nobody sees when it is rendered.

    >>> visible("so \\boxed{\\phantom{42}}")
    'so \\boxed{}'
    >>> visible("\\boxed{{\\color{white} 42}7} \\iffalse \\boxed{1} \\fi!")
    '\\boxed{{}7} !'
    """
    if not any(cue in text for cue in ("phantom", "color", "\\iffalse")):
        return text
    cuts = _iffalse_cuts(text)
    stack: list[list[int]] = []  # [start of what the group hides or -1, start of white text]
    for m in _HIDERS.finditer(text):
        token = m.group()
        if m.group(1):  # \color{white}: hides the rest of the enclosing group
            if stack:
                stack[-1][1] = m.start() if stack[-1][1] < 0 else stack[-1][1]
            else:
                cuts.append((m.start(), len(text)))
        elif token == "}":
            if stack:
                hidden_from, white_from = stack.pop()
                if hidden_from >= 0:
                    cuts.append((hidden_from, m.end()))
                elif white_from >= 0:
                    cuts.append((white_from, m.start()))
        else:  # "{" or a hiding command with its opening brace
            stack.append([m.start() if token != "{" else -1, -1])
    cuts += [(hidden, len(text)) for hidden, _ in stack if hidden >= 0]  # never closed
    cuts += [(white, len(text)) for _, white in stack if white >= 0]
    return _drop(text, cuts)


# A comment runs to a line break inside the answer. "\boxed{3% Profit}" on one line is a percent
# sign followed by words: as a comment it would hide the box's own closing brace, so LaTeX could
# not render it, and models write unescaped percent signs all the time (MMLU and AQuA options).
_COMMENT = re.compile(r"(?<!\\)%([^\n]*)\n")


def strip_comments(answer: str) -> str:
    r"""An answer without its LaTeX ``%`` comments (a ``%`` up to a line break in the answer).

    >>> strip_comments("% 42\n"), strip_comments("50\\% % or 60\n"), strip_comments("3% Profit")
    ('', '50\\%', '3% Profit')
    """
    if "%" not in answer:
        return answer
    return _COMMENT.sub(lambda m: "" if m.group(1).strip() else m.group(), answer).strip()


# A negation cue, and what may stand between a cue and the box it rejects.
_NEG_CUE = re.compile(
    r"(?:\bnot\b(?!\s+only)|n't\b|\bcannot\b|\bnever\b|\bno\s+longer\b|\bneither\b|\bnor\b"
    r"|\brul(?:e|es|ed|ing)\s+out\b|\bexclud(?:e|es|ed|ing)\b|\beliminat(?:e|es|ed|ing)\b"
    r"|\breject(?:s|ed|ing)?\b|\bdiscard(?:s|ed|ing)?\b|\binstead\s+of\b|\brather\s+than\b"
    r"|\bother\s+than\b|\bexcept\b|\\neq?(?![a-zA-Z])|\\not\s*=|≠|\bimpossible\b)",
    re.IGNORECASE)
_FILLER = re.compile(
    r"(?:\s|\$|\\\(|\\\[|\{|[:=]"
    r"|\b(?:be|equal|equals|to|the|a|an|answer|value|result|it|possibly|necessarily"
    r"|definitely|certainly|exactly|simply|just|really|as|of)\b"
    r"|[A-Za-z](?:_\{?\w+\}?)?(?=\s*(?:=|\\in\b)))*",
    re.IGNORECASE)
_NOT_ANSWER = (r"(?:the\s+(?:answer|solution)|correct|right|valid|possible|allowed"
               r"|a\s+(?:valid\s+)?solution)")
# possessive (*+): the delimiters before the verdict are never given back, so a long run of
# spaces after a box costs one pass instead of a retry at every split
_AFTER = re.compile(
    r"(?:\s|\$|\\\)|\\\])*+(?:[,:;]?\s*+(?:which|that|this|it)\s+)?"
    r"(?:(?:is|was|would\s+be)\s+(?:wrong|incorrect|impossible|invalid|extraneous|ruled\s+out"
    rf"|excluded|rejected|eliminated|not\s+{_NOT_ANSWER})"
    rf"|(?:isn't|wasn't|cannot\s+be|can't\s+be)\s+{_NOT_ANSWER}|does\s+not\s+work"
    r"|doesn't\s+work|fails|(?:can|must|should)\s+be\s+(?:ruled\s+out|excluded|discarded"
    r"|rejected|eliminated))\b",
    re.IGNORECASE)
# Where a clause ends: the search for a cue never reaches across one.
_CLAUSE_BREAK = re.compile(
    r"[.;!?](?=\s)|:\s|\n\s*\n|\b(?:but|so|hence|thus|therefore|however|whereas)\b",
    re.IGNORECASE)


def negated(text: str, box_start: int, box_end: int, floor: int = 0) -> bool:
    r"""Whether the clause around the box ``text[box_start:box_end]`` rejects it.

    ``floor`` bounds the search backwards (the end of the previous box), so that scanning every
    box of a response stays linear.

    >>> t = "The answer is not $\\boxed{12}$."
    >>> negated(t, t.index("\\boxed"), t.index("}") + 1)
    True
    >>> t = "It is not hard to find: $\\boxed{12}$."
    >>> negated(t, t.index("\\boxed"), t.index("}") + 1)
    False
    """
    start = max(floor, box_start - WINDOW)
    window = text[start:box_start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    clause = window[breaks[-1].end():] if breaks else window
    cues = list(_NEG_CUE.finditer(clause))
    if cues and _FILLER.fullmatch(clause, cues[-1].end()):
        return True
    return _AFTER.match(text, box_end, box_end + WINDOW) is not None


_RETRACT = re.compile(
    r"\b(?:wrong|mistakes?|errors?|incorrect|correct(?:ed|ing|ion)?\s+(?:answer|value|it|that"
    r"|this|the|for)|correcting|actually|instead|redo(?:ing)?|re-?(?:comput|calculat|check|do)\w*"
    r"|on\s+second\s+thought|wait|oops|scratch\s+that|miscalculat\w*|miscount\w*)\b",
    re.IGNORECASE)
_OPEN = re.compile(
    r"\b(?:or|maybe|perhaps|possibly|might|could|either|unless|alternatively)\b", re.IGNORECASE)


def retracted(between: str) -> bool:
    """Whether ``between`` (the text between two boxes) takes back the first box for good.

    >>> retracted(", but that was a mistake; correcting it gives ")
    True
    >>> retracted(" or maybe, on second thought, ")
    False
    """
    return _RETRACT.search(between) is not None and _OPEN.search(between) is None


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*")
_CONCLUDING = re.compile(
    r"^(?:hence|therefore|thus|so|consequently|in\s+conclusion|this\s+gives|which\s+gives)\b",
    re.IGNORECASE)
_NUMBER = r"-?\$?\d[\d,]*(?:\.\d+)?(?:/\d+)?%?"
_MATH = r"\$[^$]{1,200}\$|\\\((?:(?!\\\)).){1,200}\\\)"
_CLOSING = re.compile(
    rf"(?:\b(?:is|are|equals|must\s+be|comes\s+to)\s+|=\s*)(?P<value>{_NUMBER}|{_MATH})"
    rf"\s*[.!]?\s*$|(?P<math>{_MATH})\s*[.!]?\s*$",
    re.IGNORECASE)
#: Only the tail of a response is searched for its last sentence.
TAIL = 400


def final_sentence(text: str) -> str | None:
    r"""The value the last sentence concludes with, under the rule in the module docstring.

    >>> final_sentence("Adding the cases, 3 + 5 = 8. Hence the maximum value is 8.")
    '8'
    >>> final_sentence("Therefore $x = \\frac{1}{2}$.")
    '\\frac{1}{2}'
    >>> final_sentence("So we get 12 apples in total.") is None
    True
    """
    tail = text[-TAIL:].strip()
    pieces = [piece for piece in _SENTENCE.split(tail) if piece.strip()]
    if not pieces:
        return None
    last = pieces[-1].strip().lstrip("*#- ").strip()
    if not _CONCLUDING.match(last) or _NEG_CUE.search(last) or _OPEN.search(last):
        return None
    found = _CLOSING.search(last)
    if found is None:
        return None
    if found.group("math"):  # "Thus $x = 8$.": the right-hand side of the math's last "="
        math = found.group("math").strip("$").removeprefix("\\(").removesuffix("\\)")
        return math.rsplit("=", 1)[1].strip() or None if "=" in math else None
    value = found.group("value").strip("$").removeprefix("\\(").removesuffix("\\)").strip()
    return value.rsplit("=", 1)[-1].strip() or None
