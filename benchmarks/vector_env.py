"""``gym.make_vec`` with guide-rl's vector entry point next to Gymnasium's ``SyncVectorEnv``.

Run ``python benchmarks/vector_env.py`` (``--help`` for options). Both vector envs are built by
``gym.make_vec`` from the same id and kwargs, reset with the same seed (so they hold the same
problems) and stepped with the same completions; only ``vectorization_mode`` differs
(``"vector_entry_point"``, the default for guide-rl ids, against ``"sync"``). Both use
Gymnasium's default ``NEXT_STEP`` autoreset, so steps alternate: one grades every sub-env, the
next draws new problems (the same work in both). The table reports grading steps alone and all
steps together.

Completions are realistic for a trainer's batch: for each problem, a share are the reference
solution, the rest wrong final answers in varied forms (a perturbed number, a symbolic
expression, rambling text without an answer). Both run ``--warmup-steps`` untimed grading steps
first: a fresh verifier process pays once for lazy imports and parser caches. Completions never
repeat across steps, so guide-rl's judgement cache does not flatter it. It prints a markdown
table: completions graded per second and the ratio. Grading runs in ``--workers`` processes for
guide-rl (one per core by default), so the ratio grows with cores.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Sequence
from typing import Any

import gymnasium as gym

import guide_envs

gym.register_envs(guide_envs)

WRONG_FORMS = (
    "Adding everything up gives \\boxed{{{n}}}.",
    "So the result is $\\boxed{{\\frac{{{n}}}{{7}} + \\sqrt{{2}}}}$.",
    "I am not sure. Maybe it is around {n}, or something else entirely.",
    "Final answer: {n}.5",
)


def completions_for(env: Any, step: int, rng: random.Random, solved: float) -> list[str]:
    """One completion per sub-env: the reference solution with probability ``solved``."""
    out = []
    for sub in env.unwrapped.envs:
        problem = sub.unwrapped.problem
        if rng.random() < solved and problem.solution:
            out.append(f"{problem.solution}\n(step {step})")
        else:
            out.append(rng.choice(WRONG_FORMS).format(n=rng.randint(-999, 999)) + f" #{step}")
    return out


def run(mode: str, args: argparse.Namespace) -> tuple[float, float]:
    """Completions per second in ``mode``: (grading steps only, all steps)."""
    kwargs: dict[str, Any] = {"difficulty": args.difficulty}
    if args.families:
        kwargs["families"] = args.families
    if mode == "sync":
        env = gym.make_vec(args.env_id, num_envs=args.num_envs, vectorization_mode="sync",
                           **kwargs)
    else:
        env = gym.make_vec(args.env_id, num_envs=args.num_envs, workers=args.workers, **kwargs)
        env.unwrapped.pool.warm_up()
    rng = random.Random(args.seed)
    env.reset(seed=args.seed)
    for step in range(args.warmup_steps):  # to steady state: lazy imports, parser caches
        env.step(completions_for(env, -1 - step, rng, args.solved))
        env.step([""] * args.num_envs)
    grading = total = 0.0
    for step in range(args.steps):
        env.step([""] * args.num_envs)  # autoreset step: new problems, actions ignored
        actions = completions_for(env, step, rng, args.solved)
        started = time.perf_counter()
        env.step(actions)
        grading += time.perf_counter() - started
    total_started = time.perf_counter()
    for step in range(args.steps):
        env.step([""] * args.num_envs)
        env.step(completions_for(env, args.steps + step, rng, args.solved))
    total = time.perf_counter() - total_started
    env.close()
    graded = args.steps * args.num_envs
    return graded / grading, graded / total


def main(argv: Sequence[str] | None = None) -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-id", default="guide/Math-v0", help="Gymnasium id to vectorise")
    parser.add_argument("--num-envs", type=int, default=64, help="sub-envs (batch size)")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per run")
    parser.add_argument("--families", nargs="*", default=None,
                        help="procedural families (default: all of the env's domain)")
    parser.add_argument("--difficulty", type=int, nargs="+", default=[1, 2, 3],
                        help="difficulty levels")
    parser.add_argument("--solved", type=float, default=0.3,
                        help="share of completions that are the reference solution")
    parser.add_argument("--seed", type=int, default=0, help="problem and completion seed")
    parser.add_argument("--warmup-steps", type=int, default=10,
                        help="untimed grading steps first, so both run at steady state")
    parser.add_argument("--workers", type=int, default=None,
                        help="verifier processes for guide-rl (default: one per core)")
    args = parser.parse_args(argv)
    sync = run("sync", args)
    ours = run("vector_entry_point", args)
    print(f"\n{args.env_id}, {args.num_envs} envs, {args.steps} grading steps, "
          f"{args.solved:.0%} correct completions, {os.cpu_count()} cores\n")
    print("| completions/s | gymnasium SyncVectorEnv | guide-rl make_vec | ratio |")
    print("|---|---:|---:|---:|")
    for i, label in enumerate(("grading steps", "all steps (with autoreset draws)")):
        print(f"| {label} | {sync[i]:.0f} | {ours[i]:.0f} | {ours[i] / sync[i]:.2f} |")

if __name__ == "__main__":
    main()
