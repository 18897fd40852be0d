"""The learner's side of the env protocol: :class:`EnvClient`, :class:`Prompt`.

A learner needs three things from an environment: prompts to sample from, grades for
completions, and, for a problem the policy keeps failing, the same prompt with a hint. It gets
all three through the Gymnasium API: ``reset(seed=...)`` draws a problem,
``reset(options={"problem_id": ...})`` + ``step(completion)`` grades a completion, and the
:class:`~guide_envs.wrappers.HintOnFailure` wrapper's ``reset(options={..., "guided": True})``
gives the hinted prompt. Any env that follows the env protocol
(:class:`~guide_envs.protocol.EnvProtocol`) trains; one that grades by problem id
(:class:`~guide_envs.protocol.BatchGradingEnv`, as guide-rl's own envs do) gets each batch of
completions graded at once, in the client's :class:`~verifiers.pool.VerifierPool`.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

import guide_envs
from agents.errors import UsageError
from guide_envs.hints.protocol import HintProvider
from guide_envs.protocol import BatchGradingEnv
from guide_envs.wrappers import HintOnFailure, HintUnavailable
from verifiers.pool import VerifierPool
from verifiers.verdict import Verdict

__all__ = ["EnvClient", "Grade", "Prompt", "VerifierUnavailableError", "parse_env_kwargs"]

gym.register_envs(guide_envs)

#: Consecutive draws outside the client's split after which :meth:`EnvClient.draw` gives up.
_MAX_MISSES = 10_000


class VerifierUnavailableError(RuntimeError):
    """The env's verifier cannot run on this machine (a sandbox that cannot start...).

    Training on such grades would be training on rewards that are all 0, so the learner stops
    with the verifier's own reason, which says what to install.
    """


@dataclass(frozen=True)
class Prompt:
    """What the policy is asked: the observation text and the same as chat messages."""

    problem_id: str
    text: str
    messages: tuple[dict[str, str], ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class Grade:
    """The env's grade of one completion."""

    reward: float
    correct: bool
    status: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    """The verdict's one-line reason (what a person reads when a run scores 0)."""


def parse_env_kwargs(text: str | dict[str, Any] | None) -> dict[str, Any]:
    """Env keyword arguments from a JSON object (the command line's ``--env-kwargs``).

    >>> parse_env_kwargs('{"difficulty": [1, 2]}')
    {'difficulty': [1, 2]}
    """
    if text is None or text == "":
        return {}
    if isinstance(text, dict):
        return dict(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"env kwargs must be a JSON object, got {text!r} ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ValueError(f"env kwargs must be a JSON object, got {text!r}")
    return value


class EnvClient:
    """Draw, grade and guide through one Gymnasium env.

    Args:
        env_id: A registered Gymnasium id (``guide/Math-v0``, or a third party's).
        env_kwargs: Keyword arguments for ``gym.make``.
        seed: Base seed; draw ``k`` resets with ``seed + k`` so a run is reproducible and can
            resume at any position.
        hints: The hint provider for guided prompts (default: the problem's own hint).
        workers: Verifier processes for envs that grade batches (``grade_batch``).
        keep: Which problem ids this client serves (e.g. one side of an
            :class:`~agents.splits.IdSplit`); draws skip the others. Default: all.

    Example:
        >>> client = EnvClient("guide/Math-v0", {"families": ["arithmetic"], "difficulty": 1})
        >>> [p.problem_id for p in client.draw(2)]
        ['arithmetic/d1/s0/85062', 'arithmetic/d1/s0/47318']
        >>> [g.reward for g in client.grade(["arithmetic/d1/s0/0"] * 2, ["\\\\boxed{-94}", "?"])]
        [1.0, 0.0]
        >>> client.guided("arithmetic/d1/s0/0").hint is not None
        True
        >>> client.close()
    """

    def __init__(self, env_id: str, env_kwargs: dict[str, Any] | None = None, *, seed: int = 0,
                 hints: HintProvider | None = None, workers: int | None = None,
                 keep: Callable[[str], bool] | None = None) -> None:
        self.env_id = env_id
        self.env = _make(env_id, env_kwargs or {})
        _check_text_spaces(env_id, self.env)
        self.guiding = HintOnFailure(self.env, hints)
        self.seed = seed
        self.position = 0
        self._workers = workers
        self._pool: VerifierPool | None = None
        self._warned = False
        self.keep = keep

    def draw(self, n: int) -> list[Prompt]:
        """The next ``n`` problems (reset ``k`` uses ``seed + position``; see ``keep``)."""
        prompts = []
        misses = 0
        while len(prompts) < n:
            prompt = self._reset_at(self.position)
            self.position += 1
            if self.keep is None or self.keep(prompt.problem_id):
                prompts.append(prompt)
                misses = 0
                continue
            misses += 1
            if misses >= _MAX_MISSES:
                raise UsageError(f"{self.env_id}: none of {misses} problems in a row belongs to "
                                 "this client's split; the env has too few problems to split")
        return prompts

    def draw_distinct(self, n: int, *, strict: bool = True) -> list[Prompt]:
        """The next ``n`` distinct problems (repeats skipped), e.g. for an evaluation.

        When ``10 * n`` draws find fewer than ``n`` distinct problems: ``UsageError`` if
        ``strict``, else the ones found.
        """
        prompts: dict[str, Prompt] = {}
        for _ in range(10 * n):
            if len(prompts) == n:
                break
            prompt = self.draw(1)[0]
            prompts.setdefault(prompt.problem_id, prompt)
        if len(prompts) < n and strict:
            raise UsageError(f"{self.env_id} has only {len(prompts)} distinct problems in "
                             f"{10 * n} draws here; ask for fewer than {n}")
        return list(prompts.values())

    def peek(self, n: int) -> list[Prompt]:
        """The problems the next ``n`` resets would show, without drawing them."""
        return [self._reset_at(self.position + k) for k in range(n)]

    def _reset_at(self, position: int) -> Prompt:
        obs, info = self.env.reset(seed=self.seed + position)
        return _prompt(obs, info)

    def prompt(self, problem_id: str) -> Prompt:
        """The plain prompt of a given problem."""
        obs, info = self.env.reset(options={"problem_id": problem_id})
        return _prompt(obs, info)

    def guided(self, problem_id: str) -> Prompt | None:
        """The problem's prompt with a hint, or None when no hint is available.

        An env that does not expose its problem (``env.unwrapped.problem``) has no hints: the
        learner then trains without guidance, with one warning.
        """
        try:
            obs, info = self.guiding.reset(options={"problem_id": problem_id, "guided": True})
        except HintUnavailable as exc:
            if not self._warned:
                warnings.warn(f"{self.env_id}: no hints, so no guidance ({exc})", stacklevel=2)
                self._warned = True
            return None
        return _prompt(obs, info) if info.get("guided") else None

    def grade(self, problem_ids: Sequence[str], completions: Sequence[str]) -> list[Grade]:
        """Grade ``completions[i]`` for ``problem_ids[i]``, all at once where possible."""
        if len(problem_ids) != len(completions):
            raise ValueError(f"got {len(problem_ids)} problem ids for {len(completions)} "
                             "completions")
        inner = self.env.unwrapped
        if isinstance(inner, BatchGradingEnv):
            verdicts = inner.grade_batch(problem_ids, completions, self._verifier_pool())
            grades = [_grade(verdict) for verdict in verdicts]
        else:
            grades = [self._grade_by_step(pid, text)
                      for pid, text in zip(problem_ids, completions, strict=True)]
        _check_available(grades)
        return grades

    def close(self) -> None:
        """Close the env and the verifier pool."""
        if self._pool is not None:
            self._pool.close()
        self.env.close()

    def _verifier_pool(self) -> VerifierPool:
        """The pool batches are graded in, started on first use."""
        if self._pool is None:
            self._pool = VerifierPool(self._workers)
        return self._pool

    def _grade_by_step(self, problem_id: str, completion: str) -> Grade:
        """An env with only the basic protocol: replay the problem and step."""
        self.env.reset(options={"problem_id": problem_id})
        _, reward, _, _, info = self.env.step(completion)
        verdict = info.get("verdict") or {}
        correct = bool(verdict.get("correct", float(reward) >= 1.0))
        return Grade(float(reward), correct, str(verdict.get("status", "")),
                     reason=str(verdict.get("reason", "")))


def _check_available(grades: Sequence[Grade]) -> None:
    for grade in grades:
        if grade.status == "unavailable":
            raise VerifierUnavailableError(
                f"the env's verifier cannot run on this machine, so every reward would be 0: "
                f"{grade.reason}")


def _make(env_id: str, kwargs: dict[str, Any]) -> gym.Env[Any, Any]:
    try:
        return guide_envs.make(env_id, **kwargs)
    except gym.error.Error as exc:
        raise ValueError(f"cannot make env {env_id!r}: {exc}") from None
    except TypeError as exc:
        raise ValueError(f"bad keyword arguments for {env_id!r}: {exc}") from None


def _check_text_spaces(env_id: str, env: gym.Env[Any, Any]) -> None:
    for name in ("observation_space", "action_space"):
        space = getattr(env, name)
        if not isinstance(space, gym.spaces.Text):
            raise ValueError(f"{env_id} has a non-text {name} ({space}); a language-model "
                             "learner needs text observations and actions")


def _prompt(obs: str, info: dict[str, Any]) -> Prompt:
    if "problem_id" not in info:
        raise ValueError("the env's reset info has no 'problem_id' (see the env protocol)")
    return Prompt(str(info["problem_id"]), obs, tuple(info.get("messages") or ()),
                  info.get("hint"))


def _grade(verdict: Verdict) -> Grade:
    return Grade(float(verdict.score), verdict.correct, verdict.status.value,
                 reason=verdict.reason)
