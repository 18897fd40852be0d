"""How answers compare with golds (verifiers/math/compare.py; project issue 12).

Each case is labelled by the mathematics; the corpus (``math_corpus.jsonl``) holds the same
classes as whole responses. These call :func:`equivalent` directly, without a worker process.
Reading text into values is in test_values.py.
"""

from __future__ import annotations

import pytest

from verifiers.math import MathVerifier
from verifiers.math.compare import Tolerance, equivalent

ROOT3_2 = "\\frac{\\sqrt{3}}{2}"


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("81 + c", "81", False),  # a free symbol the gold lacks
    ("81c", "81", False),
    ("81 + c - c", "81", True),  # it cancels
    ("\\sin^2 x + \\cos^2 x", "1", True),
    ("\\frac{x^2}{2} + K", "\\frac{x^{2}}{2}+C", True),  # an arbitrary constant renamed
    ("x^2 + K", "\\frac{x^{2}}{2}+C", False),
    ("\\frac{x^2}{2} + K + x", "\\frac{x^{2}}{2}+C", False),
    ("\\frac{1}{2}ab", "\\frac{ab}{2}", True),  # "ab" is no attobarn
])
def test_free_symbols(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("(2, 251, 252)", "(2,251,252)", True),
    ("2251252", "(2,251,252)", False),
    ("1234", "1,234", True),
    ("1234567", "1{,}234{,}567", True),
    ("125", "12,5", False),
    ("3125", "(3,125)", False),
])
def test_commas_in_brackets_are_no_thousands_separators(answer: str, gold: str,
                                                         expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("0.866", ROOT3_2, True),
    ("0.8660", ROOT3_2, True),
    ("0.866025", ROOT3_2, True),
    ("0.8661", ROOT3_2, False),  # wrong last digit
    ("0.87", ROOT3_2, False),  # two significant figures
    ("0.375", "\\frac{3}{8}", True),
    ("0.38", "\\frac{3}{8}", False),  # a terminating gold needs its exact value
    ("0.37", "0.375", False),
    ("0.333", "\\frac{1}{3}", True),
    ("0.(3)", "0.3", False),  # a decimal gold is exact
    ("6.93", "10\\ln 2", True),
    ("6.94", "10\\ln 2", False),
    ("3.1416", "\\pi", True),
    ("3.1415", "\\pi", False),
    ("17.098", "\\approx 17.10", True),  # the gold says it is rounded
    ("17.09", "\\approx 17.10", False),
])
def test_decimal_policy(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


def test_rel_tol_is_an_explicit_opt_in() -> None:
    assert not equivalent("0.8661", ROOT3_2)[0]
    assert equivalent("0.8661", ROOT3_2, Tolerance(rel_tol=1e-3))[0]
    assert MathVerifier(rel_tol=0.02).rel_tol == 0.02


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("\\frac{21}{8}", "2\\frac58", True),
    ("\\frac{21}{8}", "-2\\frac58", False),
    ("-\\frac{21}{8}", "-2\\frac{5}{8}", True),
    ("\\frac{5}{4}", "2\\cdot\\frac58", True),  # a product, not a mixed number
    ("10\\ln 2", "t=\\frac{\\ln 2}{0.1}=10\\ln 2", True),
    ("81", "2=3=81", False),  # the sides of a chain must agree
    ("[-2,1)", "\\{x \\mid -2\\le x<1\\}", True),
    ("(3, \\infty)", "\\{x | x \\in \\mathbb{R}, x > 3\\}", True),
    ("(0,4]", "t(0,4]", True),
    ("\\varnothing", "\\oslash", True),
    ("\\text{No solution}", "\\emptyset", True),
    ("17.1", "\\approx 17.10\\ \\mathrm{ft}", True),
    ("(0, \\infty)", "The function is increasing on $(0, \\infty)$", True),
    ("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}",
     "B^{-1}=\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", True),
    ("\\begin{pmatrix}1&3\\\\2&4\\end{pmatrix}",
     "B^{-1}=\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", False),
    ("\\arcsin\\frac{10}{13}", "np.arcsin(10/13)", True),
])
def test_gold_formats(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("-0.24\\text{ m/s}", "-6/25 \\mathrm{~m}/\\mathrm{s}", True),
    ("-24\\text{ cm/s}", "-6/25 \\mathrm{~m}/\\mathrm{s}", True),
    ("-0.24", "-6/25 \\mathrm{~m}/\\mathrm{s}", True),  # the question fixes the unit
    ("-0.24\\text{ s}", "-6/25 \\mathrm{~m}/\\mathrm{s}", False),
    ("576\\pi", "576\\pi\\;m^{2}", True),
    ("576", "576\\pi\\;m^{2}", False),
    ("5\\text{ km}", "5\\text{ m}", False),
    ("5\\text{ a.m.}", "5am", True),
    ("5\\text{ p.m.}", "5am", False),
])
def test_compound_units(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("\\pm 1, \\pm 7", "1,-1,7,-7", True),
    ("\\pm 1, \\pm 5", "1,-1,7,-7", False),
    ("-3,-2,1,2", "-3, \\pm 2, 1", True),
    ("(221, 8)", "221,8", True),
    ("(8, 221)", "221,8", False),
    ("x=-1,\\ y=-2", "(-1,-2)", True),
    ("y=-2,\\ x=-1", "(-1,-2)", True),
    ("x=-2,\\ y=-1", "(-1,-2)", False),
    ("\\pm 7", "7", False),  # a hedge
])
def test_plus_minus_and_lists(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("first quadrant", "Quadrant I", True),
    ("\\text{the 4th quadrant}", "Quadrant IV", True),
    ("second quadrant", "Quadrant I", False),
    ("c < a < b", "b > a > c", True),
    ("a < c < b", "b > a > c", False),
    ("c \\le a \\le b", "b > a > c", False),
])
def test_text_answers(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("(-\\infty, 0) \\cup (0, \\infty)", "\\{x \\mid x \\neq 0\\}", True),
    ("(-\\infty, 1) \\cup (1, \\infty)", "\\{x \\mid x \\neq 0\\}", False),
    ("\\frac{37}{4}", "\\frac{37}{4} m", True),  # a one-letter unit in a gold
    ("\\frac{2}{3}", "\\frac{2}{3} \\frac{C}{S}", False),  # C/S: variables, not coulomb/siemens
])
def test_set_builder_exclusions_and_gold_units(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("6.93", "t = 10\\ln 2 \\approx 6.93", True),
    ("10\\ln 2", "t = 10\\ln 2 \\approx 6.93", True),
    ("6.94", "t = 10\\ln 2 \\approx 6.93", False),
    ("7 \\approx 81", "81", False),  # a wrong exact value, then "about the gold"
    ("x \\approx 6.93", "10\\ln 2", True),
    ("(-\\infty,-1)\\cup(2,\\infty)", "\\{x \\mid x<-1 \\text{ or } x>2\\}", True),
    ("(1,3)", "\\{x \\mid x>1, x<3\\}", True),
    ("(1,3]", "\\{x \\mid x>1, x<3\\}", False),
    ("-1, 1", "x_1 = 1, x_2 = -1", True),  # two roots: a set
    ("(-1, 1)", "x = 1, y = -1", False),  # two unknowns: a pair
])
def test_approximations_conditions_and_roots(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


def test_many_approx_signs_do_not_recurse() -> None:
    assert not equivalent("1 \\approx " * 900 + "1", "2")[0]


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("12.5 \\text{ dollars}", "12.5", True),
    ("12 \\text{ dollars}", "12.5", False),
    ("1800\\text{ mm}^2", "18 \\mathrm{~cm}^{2}", True),
    ("18", "18 \\mathrm{~cm}^{2}", True),
    ("19", "18 \\mathrm{~cm}^{2}", False),
    ("6\\text{ m}", "6 \\text{ cm}", False),
    ("3x^2+4y^2=12", "\\frac{x^{2}}{4}+\\frac{y^{2}}{3}=1", True),
    ("y=\\frac{\\sqrt3}{3}x", "y=\\pm\\frac{\\sqrt{3}}{3}x", False),
])
def test_currencies_units_and_equations(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("(0,\\infty)", "The function is increasing on (0, \\infty)", True),
    ("(1,\\infty)", "The function is increasing on (0, \\infty)", False),
    ("5", "The minimum value is 5", True),
    ("6", "The minimum value is 5", False),
    ("5", "it is not 5", False),
])
def test_sentence_golds_without_dollars(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("\\ln|x| + K", "\\ln|x| + C", True),
    ("x^2 + C", "x^2 + C_1", True),
    ("cx", "kx", False),  # k is a given parameter here, not a constant of integration
])
def test_only_a_gold_c_is_an_arbitrary_constant(answer: str, gold: str, expected: bool) -> None:
    assert equivalent(answer, gold)[0] is expected


@pytest.mark.parametrize(("answer", "gold", "expected"), [
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
     "[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}]", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}",
     "[\\begin{array}{cc} 1 & 2 \\\\ 3 & 4 \\end{array}]", False),
    # a vector is a vector, written as a row or a column
    ("\\begin{pmatrix} 1 & 2 \\end{pmatrix}", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}",
     "\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}", False),  # a determinant: -2
    ("-2", "\\begin{vmatrix} 1 & 2 \\\\ 3 & 4 \\end{vmatrix}", True),
    ("\\begin{pmatrix} 0.5 \\\\ 2 \\end{pmatrix}",
     "\\begin{pmatrix} \\frac{1}{2} \\\\ 2 \\end{pmatrix}", True),
    ("\\begin{pmatrix} 1 & 2 \\\\ 3 \\end{pmatrix}",  # ragged: no matrix at all
     "\\begin{pmatrix} 1 & 2 \\\\ 3 & 0 \\end{pmatrix}", False),
])
def test_matrices_compare_cell_by_cell(answer: str, gold: str, expected: bool) -> None:
    """Matrices in any environment (a vmatrix is a number) compare cell by cell."""
    assert equivalent(answer, gold)[0] is expected
