"""Problems graded by different verifiers, one naming its verifier in its metadata (test_env.py's
batch grading, test_verifier_choice.py)."""

from __future__ import annotations

from guide_envs import Problem

PROBLEMS = [
    Problem(id="m1", domain="math", prompt="2+2?", answer="4"),
    Problem(id="s1", domain="science", prompt="Which is a noble gas?", answer="B",
            choices=("Oxygen", "Neon", "Iron")),
    # a math problem whose metadata names the science verifier, which reads option texts
    Problem(id="c1", domain="math", prompt="Which is a prime?", answer="B",
            choices=("Nine", "Seven", "Four"), metadata={"verifier": "science"}),
    Problem(id="m2", domain="math", prompt="1/2 as a decimal?", answer="0.5"),
]
