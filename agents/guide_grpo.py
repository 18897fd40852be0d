"""``python -m agents.guide_grpo``: the main job.

The Guide-GRPO learner lands with the Guide-GRPO issue. Until then this command runs the
environment demo (:mod:`agents.demo`): it makes ``guide/Math-v0``, draws problems and grades
sample responses, so that the quick start exercises the env, the sources and the verifier.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import gymnasium as gym

from agents.cli import parse_args
from agents.demo import run_demo


@dataclass
class Args:
    """Guide-GRPO (preview): runs the environment demo until the learner lands."""

    env: str = "guide/Math-v0"
    """Gymnasium id of the environment."""
    problems: int = 8
    """How many problems to draw and grade."""
    difficulty: int = 2
    """Difficulty level (1-5) of the procedural problems."""
    seed: int = 0
    """Seed of the first draw (draw i uses seed + i)."""
    show: int = 3
    """How many problems to print in full."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = parse_args(Args, argv, prog="python -m agents.guide_grpo")
    if args.problems < 1:
        print(f"--problems must be at least 1, got {args.problems}", file=sys.stderr)
        return 2
    try:
        report = run_demo(args.env, args.problems, args.seed, args.show,
                          difficulty=args.difficulty)
    except (gym.error.Error, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"\nGraded {report.graded} responses to {args.problems} problems of {args.env} "
          f"in {report.seconds:.2f} s:")
    for kind, counts in report.outcomes.items():
        summary = ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        print(f"  {kind:<20} {summary}")
    print("\nThe Guide-GRPO learner is not built yet (see the Guide-GRPO issue); this run only "
          "exercised the environment and the verifier.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
