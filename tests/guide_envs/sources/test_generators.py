"""Every procedural family at every difficulty: deterministic, unique, gradeable, hint-safe."""

from __future__ import annotations

import re

import pytest

from guide_envs.sources.generators import DIFFICULTIES, FAMILY_NAMES
from guide_envs.sources.procedural import ProceduralSource
from verifiers.math import verify_answer

N = 200
CASES = [(f, d) for f in FAMILY_NAMES for d in DIFFICULTIES]


def perturb(answer: str) -> str:
    """A wrong answer: the last digit run of the gold answer increased by one."""
    runs = list(re.finditer(r"\d+", answer))
    assert runs, f"gold answer {answer!r} has no digits to perturb"
    last = runs[-1]
    return answer[: last.start()] + str(int(last.group()) + 1) + answer[last.end():]


def states(hint: str, answer: str) -> bool:
    """Whether ``hint`` contains ``answer`` as a whole token (not inside a longer number)."""
    return re.search(rf"(?<![\d.]){re.escape(answer)}(?![\d.])", hint) is not None


@pytest.mark.parametrize(("family", "difficulty"), CASES)
def test_family(family: str, difficulty: int) -> None:
    problems = [ProceduralSource.generate(family, difficulty, 0, i) for i in range(N)]
    again = [ProceduralSource.generate(family, difficulty, 0, i) for i in range(N)]
    assert problems == again, "generation is not deterministic"
    prompts = [p.prompt for p in problems]
    assert len(set(prompts)) == N, f"{N - len(set(prompts))} duplicate prompts"
    for p in problems:
        assert p.solution and p.hint and p.answer
        solved = verify_answer(p.solution, p.answer)
        assert solved.correct, (p.id, p.answer, solved)
        wrong = verify_answer(f"\\boxed{{{perturb(p.answer)}}}", p.answer)
        assert not wrong.correct, (p.id, p.answer, perturb(p.answer), wrong)
        leaked = states(p.hint, p.answer) and not states(p.prompt, p.answer)
        assert not leaked, (p.id, "hint states the answer", p.hint)
        hinted = verify_answer(p.hint, p.answer)
        assert not hinted.correct, (p.id, "hint verifies as the answer", p.hint)


def test_other_seed_gives_other_problems() -> None:
    a = [ProceduralSource.generate("arithmetic", 3, 0, i).prompt for i in range(50)]
    b = [ProceduralSource.generate("arithmetic", 3, 1, i).prompt for i in range(50)]
    assert a != b
