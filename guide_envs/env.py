"""The single-turn reasoning environment: :class:`ReasoningEnv`.

One episode is one problem: ``reset`` shows the prompt, ``step(completion)`` grades the
completion with the problem's verifier and ends the episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, SupportsFloat

import gymnasium as gym
from gymnasium.error import ResetNeeded

import verifiers
from guide_envs.problem import Problem
from guide_envs.sources.base import ProblemSource
from guide_envs.spaces import UnicodeText
from guide_envs.templates import PromptTemplate, get_template
from guide_envs.verifier_choice import VerifierChoice
from verifiers.pool import VerifierPool
from verifiers.verdict import Verdict, warn_if_unavailable

__all__ = ["ReasoningEnv"]

#: Longest prompt an observation may hold (characters).
MAX_PROMPT_CHARS = 1 << 16
#: Longest completion ``step`` accepts (characters); longer ones are graded on their tail.
MAX_COMPLETION_CHARS = 1 << 22
_RESET_OPTIONS = frozenset({"problem_id", "index"})


class ReasoningEnv(gym.Env[str, str]):
    """Problems from a source, rendered as text prompts; completions graded by a verifier.

    It follows the env protocol and grades batches by problem id
    (:class:`~guide_envs.protocol.BatchGradingEnv`).

    The observation is the problem's prompt rendered with ``template`` (by default: reason step
    by step, final answer in ``\\boxed{}``). ``info["messages"]`` holds the same prompt as chat
    messages. ``step(completion)`` returns the verifier's score as the reward,
    ``terminated=True``, ``truncated=False`` and ``info["verdict"]`` (a dict form of the
    :class:`~verifiers.Verdict`, without its timing so that the same completion always gives the
    same info; the full verdict is in :attr:`last_verdict`). Gold answers, solutions and hints
    never appear in an observation or in ``info``. A verifier that cannot run on this machine
    (no sandbox for code) gives ``info["verdict"]["status"] == "unavailable"``, reward 0 and a
    :class:`~verifiers.VerifierUnavailableWarning` once per process.

    Args:
        source: Where problems come from (see :mod:`guide_envs.sources`).
        verifier: A verifier name or object for every problem; by default each problem's
            ``metadata["verifier"]``, else its domain (see
            :class:`~guide_envs.verifier_choice.VerifierChoice`).
        template: A :class:`~guide_envs.templates.PromptTemplate` or a name.
        render_mode: ``"ansi"`` to render the current problem and last verdict as text.

    Example:
        >>> from guide_envs.sources.procedural import ProceduralSource
        >>> env = ReasoningEnv(ProceduralSource(families="arithmetic", difficulty=1))
        >>> obs, info = env.reset(seed=0, options={"problem_id": "arithmetic/d1/s0/0"})
        >>> obs.splitlines()[0]
        'Compute $30 - 35 - 89$.'
        >>> _, reward, terminated, truncated, info = env.step("... \\\\boxed{-94}")
        >>> reward, terminated, info["verdict"]["status"]
        (1.0, True, 'correct')
    """

    # Gymnasium's checker wants a frame rate for every render mode; text has none, 1 is harmless.
    metadata: dict[str, Any] = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012

    def __init__(self, source: ProblemSource, verifier: str | verifiers.Verifier | None = None,
                 *, template: str | PromptTemplate = "boxed",
                 render_mode: str | None = None) -> None:
        if len(source) == 0:
            raise ValueError(f"source {source!r} holds no problems")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']} "
                             f"or None, got {render_mode!r}")
        self.source = source
        self.template = get_template(template)
        self.render_mode = render_mode
        self.observation_space = UnicodeText(MAX_PROMPT_CHARS, min_length=1)
        self.action_space = UnicodeText(MAX_COMPLETION_CHARS)
        self._choice = VerifierChoice(verifier)
        self._problem: Problem | None = None
        self._done = True
        self.last_verdict: Verdict | None = None

    @property
    def problem(self) -> Problem:
        """The current problem, gold answer included: for graders and wrappers, not policies."""
        if self._problem is None:
            raise ResetNeeded("call reset() before reading the current problem")
        return self._problem

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode on a drawn problem, or the one named by ``options``.

        ``options={"problem_id": id}`` or ``{"index": i}`` replays a given problem; otherwise
        the problem is drawn uniformly from the source with ``self.np_random``.
        """
        super().reset(seed=seed)
        self._problem = self._choose(options or {})
        self._done = False
        self.last_verdict = None
        return self.template.render(self._problem), self._info()

    def step(self, action: str) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """Grade ``action`` (the model's completion) and end the episode."""
        completion = self.check_action(action)
        problem = self.problem
        return self.conclude(self.verifier_for(problem).verify(completion, problem))

    def check_action(self, action: str) -> str:
        """The completion ``step`` would grade (its tail, if too long); raise if out of turn."""
        if self._problem is None or self._done:
            raise ResetNeeded("the episode is over: call reset() before step()")
        if not isinstance(action, str):
            kind = type(action).__name__
            raise TypeError(f"action must be the completion text (str), got {kind}")
        return action[-MAX_COMPLETION_CHARS:]

    def conclude(self, verdict: Verdict) -> tuple[str, SupportsFloat, bool, bool, dict[str, Any]]:
        """End the episode with a verdict computed elsewhere (by a vector env's verifier pool).

        Returns what :meth:`step` returns; ``step`` is ``check_action``, verify, ``conclude``.
        """
        if self._problem is None or self._done:
            raise ResetNeeded("the episode is over: call reset() before step()")
        self.last_verdict = verdict
        self._done = True
        warn_if_unavailable(verdict, self.spec.id if self.spec else type(self).__name__)
        info = self._info()
        info["verdict"] = verdict.to_dict(timing=False)
        return self.template.render(self._problem), float(verdict.score), True, False, info

    def render(self) -> str | None:
        """The current prompt and last verdict as text (``render_mode="ansi"``)."""
        if self.render_mode != "ansi" or self._problem is None:
            return None
        lines = [f"[{self._problem.id}]", self.template.render(self._problem)]
        if self.last_verdict is not None:
            v = self.last_verdict
            lines.append(f"-> {v.status.value} (score {v.score:g}): {v.reason}")
        return "\n".join(lines)

    def replica(self) -> ReasoningEnv:
        """A new env on the same source, verifiers, template and render mode (its own RNG)."""
        twin = ReasoningEnv(self.source, self._choice.verifier, template=self.template,
                            render_mode=self.render_mode)
        twin._choice = self._choice  # shared: one verifier object per name for the batch
        return twin

    def verifier_for(self, problem: Problem) -> verifiers.Verifier:
        """The verifier that grades ``problem``."""
        return self._choice.for_problem(problem)

    def grade_batch(self, problem_ids: Sequence[str], completions: Sequence[str],
                    pool: VerifierPool | None = None) -> list[Verdict]:
        """The Verdict of ``completions[i]`` for problem ``problem_ids[i]``, in input order.

        What ``step`` would give after a reset to each problem (a long completion is graded
        on its tail), leaving the current episode alone. With ``pool``, one batch in its
        workers; without, one by one here, each under its verifier's deadline. An unknown id
        raises ``KeyError``.
        """
        if len(problem_ids) != len(completions):
            raise ValueError(f"got {len(problem_ids)} problem ids for {len(completions)} "
                             "completions")
        problems = [self.source.find(str(problem_id)) for problem_id in problem_ids]
        texts = [c[-MAX_COMPLETION_CHARS:] if isinstance(c, str) else c for c in completions]
        chosen = [self.verifier_for(problem) for problem in problems]
        if pool is not None:
            return pool.verify_mixed(texts, problems, chosen)
        return [v.verify(text, problem) for v, text, problem in zip(chosen, texts, problems,
                                                                    strict=True)]

    def _choose(self, options: dict[str, Any]) -> Problem:
        unknown = set(options) - _RESET_OPTIONS
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; "
                             f"supported: {sorted(_RESET_OPTIONS)}")
        if "problem_id" in options:
            return self.source.find(str(options["problem_id"]))
        if "index" in options:
            index = int(options["index"])
            if not 0 <= index < len(self.source):
                raise ValueError(f"index {index} out of range for a source of {len(self.source)}")
            return self.source[index]
        return self.source[int(self.np_random.integers(len(self.source)))]

    def _info(self) -> dict[str, Any]:
        assert self._problem is not None
        return {"problem_id": self._problem.id,
                "messages": self.template.messages(self._problem)}
