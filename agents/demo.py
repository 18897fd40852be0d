"""A tour of a guide-rl environment without a model: :func:`run_demo`.

It makes the env, draws problems, and grades three kinds of response to each (the reference
solution, a wrong answer, and a response with no final answer),
so a user sees prompts, hints, verdicts and timings in one command.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
from tqdm import tqdm

import guide_envs

__all__ = ["DemoReport", "run_demo", "sample_responses"]

gym.register_envs(guide_envs)


def _wrong(answer: str) -> str:
    """The gold answer with its last number increased by one (a plausible mistake)."""
    runs = list(re.finditer(r"\d+", answer))
    if not runs:
        return answer + " + 1"
    last = runs[-1]
    return answer[:last.start()] + str(int(last.group()) + 1) + answer[last.end():]


def sample_responses(problem: guide_envs.Problem) -> dict[str, str]:
    """Stand-ins for model completions, one per kind of outcome."""
    gold = problem.answer or ""
    return {
        "reference solution": problem.solution or f"\\boxed{{{gold}}}",
        "wrong answer": f"I think the answer is \\boxed{{{_wrong(gold)}}}.",
        "no final answer": "Let me think about this step by step... I am not sure.",
    }


@dataclass
class DemoReport:
    """What the demo measured."""

    graded: int
    outcomes: dict[str, Counter[str]]
    seconds: float


def run_demo(env_id: str = "guide/Math-v0", problems: int = 8, seed: int = 0,
             show: int = 2, **env_kwargs: Any) -> DemoReport:
    """Grade the sample responses for ``problems`` problems of ``env_id`` and print a summary."""
    env = gym.make(env_id, **env_kwargs)
    outcomes: dict[str, Counter[str]] = {}
    started = time.perf_counter()
    for i in tqdm(range(problems), desc="grading", unit="problem"):
        obs, info = env.reset(seed=seed + i)
        problem = env.unwrapped.problem  # type: ignore[attr-defined]  # a ReasoningEnv
        if i < show:
            tqdm.write(f"\n--- {info['problem_id']} ---\n{obs}\n[hint] {problem.hint}")
        for kind, response in sample_responses(problem).items():
            env.reset(options={"problem_id": info["problem_id"]})
            _, reward, _, _, step_info = env.step(response)
            verdict = step_info["verdict"]
            outcomes.setdefault(kind, Counter())[verdict["status"]] += 1
            if i < show:
                tqdm.write(f"  {kind:<20} reward={reward:g} {verdict['status']:<9} "
                           f"read {verdict['extracted']!r}")
    env.close()
    graded = sum(sum(c.values()) for c in outcomes.values())
    return DemoReport(graded, outcomes, time.perf_counter() - started)
