"""The procedural code families.

Every family x difficulty 1..5 x 200 problems is generated twice (deterministic), every reference
solution is verified by the real code verifier in the bubblewrap sandbox, and a perturbed
solution (each return value changed) must fail. Perturbations run on the first 40 problems of
each cell, not all 200, to keep the test near a minute; the other checks cover all 4000.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time

import pytest

import verifiers
from guide_envs.problem import Problem
from guide_envs.sources.generators import DIFFICULTIES, DOMAIN_FAMILIES, get_family
from guide_envs.sources.procedural import ProceduralSource
from verifiers.code import extract_program
from verifiers.pool import VerifierPool

from .._code_verify import _verify_all

PER_CELL = 200
PERTURBED_PER_CELL = 40
FAMILIES = DOMAIN_FAMILIES["code"]
# Appended to a reference program: the entry point keeps its name but every result changes.
_BUG = '''
_correct_{name} = {name}
def _perturb(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value, None]
    if value is None:
        return 0
    return None
def {name}(*args, **kwargs):
    return _perturb(_correct_{name}(*args, **kwargs))
'''


def _generate_all() -> list[Problem]:
    return [ProceduralSource.generate(family, level, 0, index)
            for family in FAMILIES for level in DIFFICULTIES for index in range(PER_CELL)]


@pytest.fixture(scope="module")
def generated() -> list[Problem]:
    return _generate_all()


def _perturbed(problem: Problem) -> str:
    assert problem.solution is not None
    program = extract_program(problem.solution)
    bug = _BUG.format(name=problem.metadata["entry_point"])
    return f"```python\n{program}{bug}```"


def test_families_are_code_families() -> None:
    for name in FAMILIES:
        family = get_family(name)
        assert (family.name, family.domain) == (name, "code")
    problem = ProceduralSource(domain="code")[0]
    assert problem.domain == "code" and problem.answer is None and problem.tests


def test_generation_is_deterministic(generated: list[Problem]) -> None:
    assert len(generated) == len(FAMILIES) * len(DIFFICULTIES) * PER_CELL
    assert _generate_all() == generated


_DIGEST = """
import hashlib
from guide_envs.sources.procedural import ProceduralSource
digest = hashlib.sha256()
for family in {families!r}:
    for level in range(1, 6):
        for index in range(20):
            p = ProceduralSource.generate(family, level, 0, index)
            digest.update(repr((p.prompt, p.tests, p.solution, p.hint)).encode())
print(digest.hexdigest())
"""


def test_generation_does_not_depend_on_the_process() -> None:
    """Same problems under different hash seeds (no set or dict order leaks into them)."""
    code = _DIGEST.format(families=FAMILIES)
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
               for seed in (1, 2)}
    assert len(digests) == 1


def test_problem_shape(generated: list[Problem]) -> None:
    for problem in generated:
        entry = problem.metadata["entry_point"]
        assert problem.metadata["kind"] and f"`{entry}(" in problem.prompt, problem.id
        assert problem.solution is not None and problem.hint
        program = extract_program(problem.solution)
        assert f"def {entry}(" in program and program not in problem.prompt, problem.id
        expected = set()
        for test in problem.tests:
            statement = ast.parse(test).body[0]
            assert isinstance(statement, ast.Assert) and isinstance(statement.test, ast.Compare)
            call, literal = statement.test.left, statement.test.comparators[0]
            assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name), test
            assert call.func.id == entry, test
            expected.add(repr(ast.literal_eval(literal)))
        # No constant function passes: the tests expect at least two different values.
        assert len(expected) >= 2, (problem.id, problem.tests)
        assert len(problem.tests) >= 2 + problem.metadata["difficulty"], problem.id


def test_hint_does_not_give_the_program(generated: list[Problem]) -> None:
    for problem in generated:
        assert problem.solution is not None and problem.hint is not None
        program = extract_program(problem.solution)
        lines = [line.strip() for line in program.splitlines() if len(line.strip()) >= 12]
        assert "def " not in problem.hint, problem.id
        assert program.strip() not in problem.hint, problem.id
        assert not any(line in problem.hint for line in lines), (problem.id, problem.hint)


@pytest.mark.needs_sandbox
def test_reference_solutions_pass(generated: list[Problem], pool: VerifierPool) -> None:
    started = time.perf_counter()
    verdicts = _verify_all(pool, [(p.solution or "", p) for p in generated])
    failed = {p.id: v.reason for p, v in zip(generated, verdicts, strict=True) if not v.correct}
    print(f"\ncode families: {len(generated)} references in {time.perf_counter() - started:.1f} s")
    assert failed == {}


@pytest.mark.needs_sandbox
def test_perturbed_solutions_fail(generated: list[Problem], pool: VerifierPool) -> None:
    sample = [p for p in generated if int(p.id.rpartition("/")[2]) < PERTURBED_PER_CELL]
    started = time.perf_counter()
    verdicts = _verify_all(pool, [(_perturbed(p), p) for p in sample])
    print(f"\ncode families: {len(sample)} perturbed in {time.perf_counter() - started:.1f} s")
    passed = [p.id for p, v in zip(sample, verdicts, strict=True) if v.correct]
    assert passed == []
    assert all(v.status is verifiers.Status.INCORRECT for v in verdicts)
