"""A small, fast LaTeX-to-sympy parser for everyday answers: :func:`parse_latex`.

Why not only ``latex2sympy2_extended`` (math-verify's backend): its ANTLR parser is exact but
slow, often 50-800 ms for a physics formula such as ``\\omega_{n}^{2} e^{-\\zeta \\omega_{n} t}``,
which made it most of the verifier's time. This recursive-descent parser covers numbers,
symbols with subscripts, ``+ - \\cdot \\times / \\div``, implicit products, powers, ``\\frac``,
``\\sqrt``, ``\\binom``, factorials, absolute values and the common functions in microseconds;
anything else raises :class:`Unsupported` and the caller falls back to ``latex2sympy2_extended``.
Symbols are named as that backend names them (lower case, ``x_{0}`` -> ``x_0``), so values from
the two parsers compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import sympy

from verifiers.math.numbers import MAX_EXPONENT

__all__ = ["Unsupported", "parse_latex"]


class Unsupported(ValueError):
    """The text uses LaTeX this parser does not cover."""


_TOKEN = re.compile(r"\s*(\\[a-zA-Z]+|(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+|\d+\.\d*|\.\d+|\d+|"
                    r"[a-zA-Z]|\\[{}|]|[-+*/^_(){}\[\]!|,=])")
_WORD = re.compile(r"[a-zA-Z]{3,}")
_GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu "
    "xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma "
    "Upsilon Phi Psi Omega hbar ell".split(" "))
_FUNCTIONS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "cot": sympy.cot, "sec": sympy.sec,
    "csc": sympy.csc, "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh, "exp": sympy.exp,
    "ln": sympy.log,
}
_TIMES = frozenset({"*", "\\cdot", "\\times"})
_DIVIDE = frozenset({"/", "\\div"})
_IGNORED = frozenset({"\\left", "\\right", "\\displaystyle", "\\!", "\\,"})
_CLOSE = {"(": ")", "[": "]", "{": "}"}
_MAX_TOKENS = 400


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    text = text.strip()
    if _WORD.search(re.sub(r"\\[a-zA-Z]+", " ", text)):
        raise Unsupported("a word, not a product of letters")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Unsupported(f"unexpected {text[pos:pos + 10]!r}")
        pos = m.end()
        if m.group(1) not in _IGNORED:
            out.append(m.group(1))
        if len(out) > _MAX_TOKENS:
            raise Unsupported("too long for the fast parser")
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise Unsupported(f"expected {expected!r}, got {token!r}")
        self.i += 1
        return token

    # expr := term (('+'|'-') term)*
    def expr(self) -> sympy.Expr:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    # term := unary ((times|divide)? unary)*   (juxtaposition multiplies)
    def term(self) -> sympy.Expr:
        value = self.unary()
        while True:
            token = self.peek()
            if token in _TIMES:
                self.take()
                value = value * self.unary()
            elif token in _DIVIDE:
                self.take()
                value = value / self.unary()
            elif token is not None and self.starts_atom(token):
                value = value * self.power()
            else:
                return value

    def unary(self) -> sympy.Expr:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        if self.peek() == "+":
            self.take()
            return self.unary()
        return self.power()

    # power := postfix ('^' exponent)?   (right associative)
    def power(self) -> sympy.Expr:
        base = self.postfix()
        if self.peek() == "^":
            self.take()
            exponent = self.exponent()
            return sympy.Pow(base, exponent)
        return base

    def exponent(self) -> sympy.Expr:
        if self.peek() in ("{", "("):
            return self.group()
        if self.peek() == "-":
            self.take()
            return -self.exponent()
        return self.postfix(single=True)

    def postfix(self, single: bool = False) -> sympy.Expr:
        value = self.atom(single)
        while self.peek() == "!":
            self.take()
            value = sympy.factorial(value)
        return value

    def group(self) -> sympy.Expr:
        opener = self.take()
        if opener not in _CLOSE:
            raise Unsupported(f"expected a group, got {opener!r}")
        value = self.expr()
        self.take(_CLOSE[opener])
        return value

    def argument(self) -> sympy.Expr:
        """A command's argument: ``{...}`` or one token (``\\frac12``)."""
        if self.peek() == "{":
            return self.group()
        token = self.take()
        if token.isdigit():
            return sympy.Integer(token[0]) if len(token) == 1 else self._digit_split(token)
        return self.atom_from(token, single=True)

    def _digit_split(self, token: str) -> sympy.Expr:
        # "\frac12": TeX takes one digit per argument; leave the rest for the next argument
        self.tokens.insert(self.i, token[1:])
        return sympy.Integer(token[0])

    def starts_atom(self, token: str) -> bool:
        return (token[0].isdigit() or token[0] == "." or token.isalpha() or token in ("(", "{")
                or token == "[" or (token.startswith("\\") and token[1:] not in ("cdot", "times",
                                                                                 "div")))

    def atom(self, single: bool = False) -> sympy.Expr:
        return self.atom_from(self.take(), single)

    def atom_from(self, token: str, single: bool = False) -> sympy.Expr:
        if token[0].isdigit() or token[0] == ".":
            if self.peek() in ("\\frac", "\\dfrac"):
                raise Unsupported("a mixed number")  # 1\frac{2}{3}: read by the number path
            mantissa, _, exponent = token.lower().partition("e")
            if exponent and abs(int(exponent)) > MAX_EXPONENT:
                raise Unsupported("an exponent too large to expand")
            value = Fraction(token if token[0] != "." else "0" + token)
            return sympy.Rational(value.numerator, value.denominator)
        if token in ("(", "{", "["):
            self.i -= 1
            return self.group()
        if token == "|":
            value = self.expr()
            self.take("|")
            return sympy.Abs(value)
        if token.isalpha() and len(token) == 1:
            return self.symbol(token)
        if token.startswith("\\"):
            return self.command(token[1:])
        raise Unsupported(f"unexpected {token!r}")

    def symbol(self, name: str) -> sympy.Expr:
        if name == "e" and self.peek() != "_":
            return sympy.E
        if self.peek() == "_":
            self.take()
            name += "_" + self.subscript()
        if self.peek() == "(" and len(name) == 1:  # \omega(v + 1/2) is a product
            raise Unsupported("f(x): a function or a product")  # let latex2sympy decide
        return sympy.Symbol(name.lower())

    def subscript(self) -> str:
        if self.peek() != "{":
            return self.take()
        self.take("{")
        parts = []
        while self.peek() != "}":
            parts.append(self.take())
            if len(parts) > 8:
                raise Unsupported("long subscript")
        self.take("}")
        text = "".join(p.lstrip("\\") for p in parts)
        if len(parts) == 1:
            return text
        return "{" + "".join(parts) + "}"

    def command(self, name: str) -> sympy.Expr:
        if name in ("frac", "dfrac", "tfrac"):
            numerator = self.argument()
            return numerator / self.argument()
        if name == "sqrt":
            if self.peek() == "[":
                self.take("[")
                index = self.expr()
                self.take("]")
                return sympy.root(self.argument(), index)
            return sympy.sqrt(self.argument())
        if name == "binom":
            n = self.argument()
            return sympy.binomial(n, self.argument())
        if name == "pi":
            return sympy.pi
        if name == "infty":
            return sympy.oo
        if name in _GREEK:
            return self.symbol(name)
        if name in _FUNCTIONS:
            return self.function(_FUNCTIONS[name])
        if name == "log":  # base 10 unless a subscript says otherwise, as latex2sympy reads it
            base = sympy.Integer(10)
            if self.peek() == "_":
                self.take()
                base = self.argument()
            return self.function(lambda x: sympy.log(x, base))
        raise Unsupported(f"\\{name}")

    def function(self, fn: Callable[[sympy.Expr], sympy.Expr]) -> sympy.Expr:
        power = None
        if self.peek() == "^":  # \sin^2 x
            self.take()
            power = self.exponent()
        if self.peek() in ("(", "{", "["):
            arg = self.group()
        else:  # \sin 2x is sin(2x): the product of what follows, up to an operator
            arg = self.power()
            while (token := self.peek()) is not None and self.starts_atom(token) and not (
                    token.startswith("\\") and token[1:] in (*_FUNCTIONS, "log")):
                arg = arg * self.power()
        value = fn(arg)
        return value if power is None else value**power


def parse_latex(text: str) -> sympy.Expr:
    r"""Parse ``text`` to a sympy expression, or raise :class:`Unsupported`.

    >>> parse_latex("\\frac{\\sqrt{2}}{2} + x_{0}^{2}")
    x_0**2 + sqrt(2)/2
    >>> parse_latex("2 \\cdot \\left(\\omega_{n}^{2} e^{-\\zeta t}\\right)")
    2*omega_n**2*exp(-t*zeta)
    """
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise Unsupported("empty")
    value = parser.expr()
    if parser.peek() is not None:
        raise Unsupported(f"unexpected {parser.peek()!r}")
    return value
