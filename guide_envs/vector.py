"""A batch of reasoning envs graded in parallel: :class:`ReasoningVectorEnv`, :func:`make_vector`.

``gym.make_vec("guide/Math-v0", num_envs=N)`` builds one of these (the ids register it as their
``vector_entry_point``). Gymnasium's :class:`~gymnasium.vector.SyncVectorEnv` would call each
sub-env's ``step`` in turn, so a batch of N completions is graded one after another; here the N
completions go to a :class:`~verifiers.pool.VerifierPool` at once (several worker processes,
each under a hard deadline, with a judgement cache shared by the batch) and the verdicts are
handed back to the sub-envs. Everything else (observations, rewards, infos, autoreset) behaves
as in ``SyncVectorEnv``; ``benchmarks/vector_env.py`` measures the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode
from gymnasium.vector.utils import batch_space

from guide_envs.env import ReasoningEnv
from verifiers.pool import VerifierPool
from verifiers.verdict import Verdict

__all__ = ["ReasoningVectorEnv", "make_vector"]

_Batch = tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]


class ReasoningVectorEnv(gym.vector.VectorEnv):
    """``num_envs`` copies of a :class:`~guide_envs.ReasoningEnv` whose steps are graded together.

    Args:
        envs: The sub-environments (all alike; usually built by :func:`make_vector`).
        workers: Verifier processes (default: the pool's, one per core up to 8).
        deadline_s: Per-verification deadline (default: each verifier's own).
        autoreset_mode: Gymnasium's autoreset rule: ``NEXT_STEP`` (the default, as in
            ``SyncVectorEnv``: the step after an episode ends resets that sub-env and ignores
            its action) or ``SAME_STEP`` (the step that ends an episode also draws the next
            problem; the graded observation and info go to ``info["final_obs"]`` /
            ``info["final_info"]``), which suits one-step episodes better.

    Example:
        >>> import gymnasium as gym, guide_envs
        >>> envs = gym.make_vec("guide/Math-v0", num_envs=2, families=["arithmetic"],
        ...                     difficulty=1)
        >>> obs, info = envs.reset(seed=0)
        >>> len(obs), list(info["problem_id"])
        (2, ['arithmetic/d1/s0/85062', 'arithmetic/d1/s0/47318'])
        >>> _, rewards, terminated, _, info = envs.step(["\\\\boxed{0}", "no idea"])
        >>> terminated.tolist(), list(info["verdict"]["status"])
        ([True, True], ['incorrect', 'no_answer'])
        >>> envs.close()
    """

    metadata: dict[str, Any] = {"autoreset_mode": AutoresetMode.NEXT_STEP}  # noqa: RUF012

    def __init__(self, envs: Sequence[ReasoningEnv], *, workers: int | None = None,
                 deadline_s: float | None = None,
                 autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP) -> None:
        if not envs:
            raise ValueError("a vector env needs at least one sub-env")
        mode = AutoresetMode(autoreset_mode)
        if mode is AutoresetMode.DISABLED:
            raise ValueError("autoreset_mode DISABLED is not supported; use NEXT_STEP or "
                             "SAME_STEP")
        self.envs = list(envs)
        self.num_envs = len(self.envs)
        self.autoreset_mode = mode
        self.metadata = {**self.metadata, "autoreset_mode": mode}
        self.single_observation_space = self.envs[0].observation_space
        self.single_action_space = self.envs[0].action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.pool = VerifierPool(workers, deadline_s=deadline_s)
        self._obs: list[str] = [""] * self.num_envs
        self._needs_reset = np.zeros(self.num_envs, dtype=bool)

    def reset(self, *, seed: int | Sequence[int | None] | None = None,
              options: dict[str, Any] | None = None) -> tuple[tuple[str, ...], dict[str, Any]]:
        """Reset every sub-env; ``seed`` is an int (sub-env ``i`` gets ``seed + i``) or a list.

        ``options`` go to every sub-env (``{"problem_id": ...}`` replays one problem in all).
        """
        seeds = self._seeds(seed)
        infos: dict[str, Any] = {}
        for i, (env, env_seed) in enumerate(zip(self.envs, seeds, strict=True)):
            self._obs[i], info = env.reset(seed=env_seed, options=options)
            infos = self._add_info(infos, info, i)
        self._needs_reset[:] = False
        return tuple(self._obs), infos

    def step(self, actions: Sequence[str]) -> _Batch:
        """Grade one completion per sub-env, all at once, and return the batched results."""
        actions = list(actions)
        if len(actions) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} actions, got {len(actions)}")
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terminated = np.zeros(self.num_envs, dtype=bool)
        truncated = np.zeros(self.num_envs, dtype=bool)
        results: dict[int, tuple[str, Any, bool, bool, dict[str, Any]]] = {}
        graded = [i for i in range(self.num_envs) if not self._needs_reset[i]]
        for i, verdict in zip(graded, self._grade(graded, actions), strict=True):
            results[i] = self.envs[i].conclude(verdict)
        infos: dict[str, Any] = {}
        for i, env in enumerate(self.envs):
            if i not in results:  # NEXT_STEP: this sub-env ended last step; its action is ignored
                self._obs[i], info = env.reset()
                infos = self._add_info(infos, info, i)
                continue
            obs, reward, terminated[i], truncated[i], info = results[i]
            rewards[i] = float(reward)
            if self.autoreset_mode is AutoresetMode.SAME_STEP and (terminated[i] or truncated[i]):
                infos = self._add_info(infos, {"final_obs": obs, "final_info": info}, i)
                obs, info = env.reset()
            self._obs[i] = obs
            infos = self._add_info(infos, info, i)
        if self.autoreset_mode is AutoresetMode.NEXT_STEP:
            self._needs_reset = terminated | truncated
        return tuple(self._obs), rewards, terminated, truncated, infos

    def close_extras(self, **kwargs: Any) -> None:
        """Stop the verifier pool and close the sub-envs."""
        self.pool.close()
        for env in self.envs:
            env.close()

    def _grade(self, indices: list[int], actions: list[str]) -> list[Verdict]:
        """Verdicts for the sub-envs at ``indices``, as one pool batch."""
        completions = [self.envs[i].check_action(actions[i]) for i in indices]
        problems = [self.envs[i].problem for i in indices]
        chosen = [self.envs[i].verifier_for(problem)
                  for i, problem in zip(indices, problems, strict=True)]
        return self.pool.verify_mixed(completions, problems, chosen)

    def _seeds(self, seed: int | Sequence[int | None] | None) -> list[int | None]:
        if seed is None:
            return [None] * self.num_envs
        if isinstance(seed, (int, np.integer)):
            return [int(seed) + i for i in range(self.num_envs)]
        seeds = list(seed)
        if len(seeds) != self.num_envs:
            raise ValueError(f"expected {self.num_envs} seeds, got {len(seeds)}")
        return seeds


def make_vector(make_env: Callable[..., ReasoningEnv], num_envs: int = 1, *,
                workers: int | None = None, deadline_s: float | None = None,
                autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
                **env_kwargs: Any) -> ReasoningVectorEnv:
    """``num_envs`` sub-envs from ``make_env(**env_kwargs)``, sharing one problem source.

    The source is built once and shared (a dataset is read once, not ``num_envs`` times); each
    sub-env still draws with its own seed.
    """
    if num_envs < 1:
        raise ValueError(f"num_envs must be at least 1, got {num_envs!r}")
    first = make_env(**env_kwargs)
    others = [first.replica() for _ in range(num_envs - 1)]
    return ReasoningVectorEnv([first, *others], workers=workers, deadline_s=deadline_s,
                              autoreset_mode=autoreset_mode)
