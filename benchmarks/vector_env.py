"""``gym.make_vec`` with guide-rl's vector entry point next to Gymnasium's ``SyncVectorEnv``.

Run ``python benchmarks/vector_env.py`` (``--help`` for options). Both vector envs are built by
``gym.make_vec`` from the same id and kwargs (only ``vectorization_mode`` differs:
``"vector_entry_point"``, the default for guide-rl ids, against ``"sync"``), hold the same
problems and are stepped with the same completions. Only the grading steps are timed.

Two workloads:

* **distinct answers**: every sub-env has its own problem and every completion its own final
  answer, so nothing can be reused: this measures parallel grading alone.
* **GRPO groups**: the batch is ``--group-size`` completions for each of ``num_envs / G``
  problems, as a GRPO trainer grades it; completions differ in their reasoning text, and their
  final answers come from a few candidates per problem (the right one and two wrong ones), as
  sampled answers do. guide-rl's pool judges each distinct (problem, answer) once.

Completions are the reference solution (a ``--solved`` share) or wrong final answers in varied
forms (a perturbed number, a symbolic expression, text without a boxed answer). Both vector envs
first run ``--warmup-steps`` untimed grading steps: a fresh verifier process pays once for lazy
imports and parser caches. Grading runs in ``--workers`` processes for guide-rl (one per core by
default), so the first ratio grows with cores.
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


def sub_envs(env: Any) -> list[Any]:
    """The sub-envs of either vector env, unwrapped."""
    return [sub.unwrapped for sub in env.unwrapped.envs]


def distinct(env: Any, step: int, rng: random.Random, args: argparse.Namespace) -> list[str]:
    """One completion per sub-env, each with its own final answer."""
    out = []
    for sub in sub_envs(env):
        if rng.random() < args.solved and sub.problem.solution:
            out.append(f"{sub.problem.solution}\n(step {step})")
        else:
            out.append(rng.choice(WRONG_FORMS).format(n=rng.randint(-99999, 99999)) + f" #{step}")
    return out


def grouped(env: Any, step: int, rng: random.Random, args: argparse.Namespace) -> list[str]:
    """Regroup the sub-envs as G rollouts per problem; answers drawn from 3 per problem."""
    subs = sub_envs(env)
    g = args.group_size
    out = []
    for start in range(0, len(subs), g):
        problem = subs[start].problem
        wrong = [rng.randint(-99999, 99999) for _ in range(2)]
        for i, sub in enumerate(subs[start:start + g]):
            sub.reset(options={"problem_id": problem.id})
            if rng.random() < args.solved and problem.solution:
                out.append(f"Attempt {step}.{i}: let me work it out.\n{problem.solution}")
            else:
                form = rng.choice(WRONG_FORMS[:2])
                out.append(f"Attempt {step}.{i}: " + form.format(n=rng.choice(wrong)))
    return out


def run(mode: str, workload: str, args: argparse.Namespace) -> float:
    """Completions graded per second in ``mode`` on ``workload``."""
    kwargs: dict[str, Any] = {"difficulty": args.difficulty, "autoreset_mode": "SameStep"}
    if args.families:
        kwargs["families"] = args.families
    if mode == "sync":
        kwargs["vector_kwargs"] = {"autoreset_mode": kwargs.pop("autoreset_mode")}
        env = gym.make_vec(args.env_id, num_envs=args.num_envs, vectorization_mode="sync",
                           **kwargs)
    else:
        env = gym.make_vec(args.env_id, num_envs=args.num_envs, workers=args.workers, **kwargs)
        env.unwrapped.pool.warm_up()
    make_actions = grouped if workload == "groups" else distinct
    rng = random.Random(args.seed)
    env.reset(seed=args.seed)
    for step in range(args.warmup_steps):  # to steady state: lazy imports, parser caches
        env.step(distinct(env, -1 - step, rng, args))
    elapsed = 0.0
    for step in range(args.steps):
        actions = make_actions(env, step, rng, args)
        started = time.perf_counter()
        env.step(actions)  # SAME_STEP: grades, then draws the next problems
        elapsed += time.perf_counter() - started
    env.close()
    return args.steps * args.num_envs / elapsed


def main(argv: Sequence[str] | None = None) -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env-id", default="guide/Math-v0", help="Gymnasium id to vectorise")
    parser.add_argument("--num-envs", type=int, default=64, help="sub-envs (batch size)")
    parser.add_argument("--group-size", type=int, default=8, help="G for the GRPO workload")
    parser.add_argument("--steps", type=int, default=20, help="timed grading steps per run")
    parser.add_argument("--warmup-steps", type=int, default=10,
                        help="untimed grading steps first, so both run at steady state")
    parser.add_argument("--families", nargs="*", default=None,
                        help="procedural families (default: all of the env's domain)")
    parser.add_argument("--difficulty", type=int, nargs="+", default=[1, 2, 3],
                        help="difficulty levels")
    parser.add_argument("--solved", type=float, default=0.3,
                        help="share of completions that are the reference solution")
    parser.add_argument("--seed", type=int, default=0, help="problem and completion seed")
    parser.add_argument("--workers", type=int, default=None,
                        help="verifier processes for guide-rl (default: one per core)")
    args = parser.parse_args(argv)
    if args.num_envs % args.group_size:
        parser.error("--num-envs must be a multiple of --group-size")
    print(f"\n{args.env_id}, {args.num_envs} envs, {args.steps} timed grading steps, "
          f"{args.solved:.0%} correct completions, {os.cpu_count()} cores\n")
    print("| completions graded/s | gymnasium SyncVectorEnv | guide-rl make_vec | ratio |")
    print("|---|---:|---:|---:|")
    for workload, label in (("distinct", "distinct answers"),
                            ("groups", f"GRPO groups of {args.group_size}")):
        sync, ours = run("sync", workload, args), run("vector_entry_point", workload, args)
        print(f"| {label} | {sync:.0f} | {ours:.0f} | {ours / sync:.2f} |")


if __name__ == "__main__":
    main()
