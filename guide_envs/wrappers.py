"""Wrappers for reasoning envs: :class:`HintOnFailure`, its :class:`GuidedTemplate`.

Guide's idea in Gymnasium terms: when the policy fails a problem, show the same problem again
with a hint, and let the learner train on the guided attempt as if the hint had not been there
(the learner corrects for it with an importance ratio; see ``agents``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal, SupportsFloat

import gymnasium as gym

from guide_envs.hints.protocol import HintProvider
from guide_envs.problem import Problem
from guide_envs.templates import PromptTemplate, with_hint

__all__ = ["GUIDED", "GuidedReward", "GuidedTemplate", "HintOnFailure", "HintUnavailable"]

GuidedReward = Literal["full", "scaled", "zero"]
_REWARD_RULES = ("full", "scaled", "zero")


class HintUnavailable(TypeError):
    """The env does not expose its current problem, so no provider can give a hint for it."""


@dataclass(frozen=True)
class GuidedTemplate:
    """How a hint joins the original observation: ``{observation}`` and ``{hint}`` fields.

    Example:
        >>> print(GUIDED.render("What is 2+3?", "Count on from 2."))
        What is 2+3?
        <BLANKLINE>
        Hint: Count on from 2.
        <BLANKLINE>
        The hint is only a starting point: write out the complete solution yourself.
    """

    text: str

    def __post_init__(self) -> None:
        for field in ("{observation}", "{hint}"):
            if field not in self.text:
                raise ValueError(f"a guided template needs a {field} field: {self.text!r}")

    def render(self, observation: str, hint: str) -> str:
        """The guided observation."""
        return self.text.replace("{observation}", observation).replace("{hint}", hint)

    def messages(self, messages: list[dict[str, str]], hint: str) -> list[dict[str, str]]:
        """``messages`` with the last user message rendered with the hint."""
        guided = copy.deepcopy(messages)
        for message in reversed(guided):
            if message.get("role") == "user":
                message["content"] = self.render(message["content"], hint)
                break
        return guided


#: The default guided template: the observation, the hint and the templates' own reminder
#: (:data:`~guide_envs.templates.HINT_NOTE`) that a complete solution is still required.
GUIDED = GuidedTemplate(with_hint("{observation}"))


class HintOnFailure(gym.Wrapper[str, str, str, str], gym.utils.RecordConstructorArgs):
    """After a failed attempt, show the same problem again with a hint (up to ``max_hints`` times).

    A failed step (``info["verdict"]["correct"]`` false, or a reward below ``success``) does not
    end the episode while hints remain: it returns the guided observation (the original one plus
    the hint, rendered by ``template``), ``terminated=False``, ``info["guided"] = True`` and
    ``info["hint"]``; the inner env is reset to the same problem (``options={"problem_id":
    ...}``, part of the env protocol) so the next step grades the guided attempt. The episode
    ends on success, after ``max_hints`` guided attempts, or when no hint is available.
    ``info["guided_attempt"]`` says whether the completion just graded was written with a hint.
    ``reset(options={"problem_id": ..., "guided": True})`` starts an episode guided at once
    (what a learner that decides on guidance per group of rollouts needs); when no hint exists
    ``info["guided"]`` is False and the observation is the plain one.

    Reward for a guided attempt (``guided_reward``): ``"full"`` (the verifier's score, the
    default: Guide's learner corrects for the hint with its importance ratio), ``"scaled"``
    (score times ``guided_scale``) or ``"zero"`` (guided attempts only teach through the
    learner, never through the reward). The failed attempt before a hint keeps its own reward.

    Args:
        env: Any env that follows the env protocol and exposes the current
            :class:`~guide_envs.Problem` as ``env.unwrapped.problem`` (as ``ReasoningEnv`` does).
        provider: Where hints come from (default: the problem's own ``hint`` field).
        max_hints: Guided attempts per episode (at least 1).
        template: How the hint joins the observation. By default the env's own hinted prompt
            (a ``ReasoningEnv`` whose :class:`~guide_envs.templates.PromptTemplate` has a
            ``hinted`` form, as the built-in ones do), else :data:`GUIDED`.
        guided_reward: The reward rule for guided attempts (see above).
        guided_scale: The factor for ``"scaled"``.
        success: The reward at or above which an attempt counts as solved when the info has
            no verdict.

    Example:
        >>> import gymnasium as gym, guide_envs
        >>> env = HintOnFailure(gym.make("guide/Math-v0", families=["arithmetic"], difficulty=1))
        >>> obs, info = env.reset(seed=0, options={"problem_id": "arithmetic/d1/s0/0"})
        >>> obs, reward, terminated, _, info = env.step("I think it is \\\\boxed{7}.")
        >>> reward, terminated, info["guided"], "Hint: Follow the order" in obs
        (0.0, False, True, True)
        >>> obs, reward, terminated, _, info = env.step("\\\\boxed{-94}")
        >>> reward, terminated, info["guided_attempt"]
        (1.0, True, True)
    """

    def __init__(self, env: gym.Env[str, str], provider: HintProvider | None = None, *,
                 max_hints: int = 1, template: GuidedTemplate | None = None,
                 guided_reward: GuidedReward = "full", guided_scale: float = 0.5,
                 success: float = 1.0) -> None:
        # recorded as given, not deep-copied: providers may hold locks, clients and verifiers
        gym.utils.RecordConstructorArgs.__init__(
            self, provider=provider, max_hints=max_hints, template=template,
            guided_reward=guided_reward, guided_scale=guided_scale, success=success,
            _disable_deepcopy=True)
        gym.Wrapper.__init__(self, env)
        if max_hints < 1:
            raise ValueError(f"max_hints must be at least 1, got {max_hints!r}")
        if guided_reward not in _REWARD_RULES:
            raise ValueError(f"guided_reward must be one of {_REWARD_RULES}, "
                             f"got {guided_reward!r}")
        if not 0.0 <= guided_scale <= 1.0:
            raise ValueError(f"guided_scale must be in [0, 1], got {guided_scale!r}")
        if provider is None:
            from guide_envs.hints import FieldHint

            provider = FieldHint()
        if not isinstance(provider, HintProvider):
            raise TypeError(f"provider must have a hint(problem) method, got {provider!r}")
        self.provider = provider
        self.max_hints = max_hints
        self.template = template
        self.guided_reward = guided_reward
        self.guided_scale = guided_scale
        self.success = success
        self.hints_used = 0
        self._observation = ""
        self._messages: list[dict[str, str]] | None = None
        self._problem_id: str | None = None

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Reset the inner env; the episode starts unguided."""
        options = dict(options or {})
        guided = bool(options.pop("guided", False))
        obs, info = self.env.reset(seed=seed, options=options or None)
        self.hints_used = 0
        self._observation, self._messages = obs, info.get("messages")
        self._problem_id = info.get("problem_id")
        info = {**info, "guided": False}
        hint = self.provider.hint(self._current_problem()) if guided else None
        if not hint:
            return obs, info
        self.hints_used = 1
        return self._guided_observation(hint, info)

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Grade ``action``; on failure with hints left, return the guided observation."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        info = {**info, "guided_attempt": self.hints_used > 0, "guided": False}
        if self.hints_used > 0:
            reward = self._guided(float(reward))
        if terminated and not truncated and self.hints_used < self.max_hints \
                and not self._solved(info, float(reward)):
            hint = self.provider.hint(self._current_problem())
            if hint:
                return self._guide(hint, reward, info)
        return obs, reward, terminated, truncated, info

    def _guide(self, hint: str, reward: SupportsFloat,
               info: dict[str, Any]) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Replay the problem in the inner env and return the guided observation."""
        self.hints_used += 1
        _, replay_info = self.env.reset(options={"problem_id": self._problem_id})
        info = {**info, "problem_id": replay_info.get("problem_id", self._problem_id)}
        obs, info = self._guided_observation(hint, info)
        return obs, reward, False, False, info

    def _guided_observation(self, hint: str,
                            info: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The observation and info of a guided attempt at the current problem."""
        info = {**info, "guided": True, "hint": hint}
        own = getattr(self.env.unwrapped, "template", None)
        if self.template is None and isinstance(own, PromptTemplate) and own.hinted:
            problem = self._current_problem()
            info["messages"] = own.messages(problem, hint)
            return own.render(problem, hint), info
        template = self.template or GUIDED
        if self._messages is not None:
            info["messages"] = template.messages(self._messages, hint)
        return template.render(self._observation, hint), info

    def _guided(self, reward: float) -> float:
        if self.guided_reward == "zero":
            return 0.0
        return reward * self.guided_scale if self.guided_reward == "scaled" else reward

    def _solved(self, info: dict[str, Any], reward: float) -> bool:
        verdict = info.get("verdict")
        if isinstance(verdict, dict) and "correct" in verdict:
            return bool(verdict["correct"])
        return reward >= self.success

    def _current_problem(self) -> Problem:
        problem = getattr(self.env.unwrapped, "problem", None)
        if not isinstance(problem, Problem):
            raise HintUnavailable(f"HintOnFailure needs env.unwrapped.problem (a Problem) to ask "
                                  f"for a hint; {type(self.env.unwrapped).__name__} has none")
        return problem
