"""What a learner needs from an environment: :class:`EnvProtocol`, :class:`BatchGradingEnv`.

The learners (``agents``) talk to environments only through these, so any Gymnasium env that
follows :class:`EnvProtocol` trains; one that is also a :class:`BatchGradingEnv` (guide-rl's
:class:`~guide_envs.ReasoningEnv`) has a whole batch of completions graded at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, SupportsFloat, runtime_checkable

from gymnasium import spaces

from verifiers.pool import VerifierPool
from verifiers.verdict import Verdict

__all__ = ["BatchGradingEnv", "EnvProtocol"]


@runtime_checkable
class EnvProtocol(Protocol):
    """The env protocol: a Gymnasium env that asks a question in text and grades the answer.

    - ``observation_space`` and ``action_space`` are :class:`gymnasium.spaces.Text`.
    - ``reset(seed=...)`` draws a problem; ``reset(options={"problem_id": id})`` replays the
      problem ``id``. Either way ``info["problem_id"]`` names it (and ``info["messages"]`` may
      hold the prompt as chat messages).
    - ``step(completion)`` grades the completion: the reward, ``terminated=True`` and
      ``info["verdict"]`` (a dict with ``correct``, ``status`` and ``reason``).
    - Gold answers never appear in an observation, nor in an ``info`` before the step that
      grades them.

    Hints are optional: :class:`~guide_envs.wrappers.HintOnFailure` asks for the current
    :class:`~guide_envs.Problem` as ``env.unwrapped.problem``. ``isinstance`` checks that the
    members exist, not what they do.

    Example:
        >>> import gymnasium as gym, guide_envs
        >>> env = gym.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
        >>> isinstance(env, EnvProtocol)
        True
        >>> obs, info = env.reset(options={"problem_id": "arithmetic/d1/s0/0"})
        >>> _, reward, terminated, _, info = env.step("\\\\boxed{-94}")
        >>> reward, terminated, info["verdict"]["correct"]
        (1.0, True, True)
    """

    observation_space: spaces.Space[Any]
    action_space: spaces.Space[Any]

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode on a drawn problem, or on ``options["problem_id"]``."""
        ...

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Grade the completion ``action`` and end the episode."""
        ...

    def close(self) -> None:
        """Release what the env holds."""
        ...


@runtime_checkable
class BatchGradingEnv(EnvProtocol, Protocol):
    """An env that also grades completions by problem id, a batch at a time.

    A learner checks for it on ``env.unwrapped`` and otherwise grades by ``reset`` + ``step``.

    Example:
        >>> import guide_envs
        >>> env = guide_envs.make("guide/Math-v0", families=["arithmetic"], difficulty=1)
        >>> isinstance(env.unwrapped, BatchGradingEnv)
        True
        >>> [v.status.value for v in env.unwrapped.grade_batch(
        ...     ["arithmetic/d1/s0/0"] * 2, ["\\\\boxed{-94}", "no idea"])]
        ['correct', 'no_answer']
    """

    def grade_batch(self, problem_ids: Sequence[str], completions: Sequence[str],
                    pool: VerifierPool | None = None) -> list[Verdict]:
        """The Verdict of ``completions[i]`` for problem ``problem_ids[i]``, in input order.

        Each is the verdict ``step`` would give after ``reset(options={"problem_id": ...})``;
        the current episode is left as it is. With ``pool`` (the caller's, reused across
        calls) the batch is judged in its worker processes; without, as the env sees fit. An
        unknown id raises ``KeyError``.
        """
        ...
