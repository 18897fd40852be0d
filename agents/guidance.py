"""When and how to guide a group, and where hints come from.

:class:`GuidanceConfig`, :func:`needs_guidance`, :func:`combine_group`, :func:`keep_group`
decide on groups; :func:`hints_for` turns ``--hint`` into a provider and
:func:`check_hints_exist` warns (:class:`GuidanceWarning`) when guidance would find no hints.

Guide (Nath et al., arXiv 2506.13923) samples G rollouts of a prompt q; when the group's success
rate is at or below a threshold (by default: every rollout failed) it samples G fresh rollouts
from q + hint and trains on them in place of the failed ones (or on a mix of both). Filter-GRPO
drops groups whose rewards are all equal, since their group-normalised advantages are all zero.
The group helpers are generic over the rollout record type, so every learner shares them.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from guide_envs.hints import HINT_SPECS, hint_provider
from guide_envs.hints.protocol import HintProvider

if TYPE_CHECKING:
    from agents.env_client import EnvClient

__all__ = ["GuidanceConfig", "GuidanceWarning", "check_hints_exist", "combine_group",
           "hints_for", "keep_group", "needs_guidance"]

T = TypeVar("T")


@dataclass(frozen=True)
class GuidanceConfig:
    """When a group gets guided rollouts and how they join it.

    Example:
        >>> GuidanceConfig(threshold=0.25, mix=2).validate()
        GuidanceConfig(enabled=True, threshold=0.25, mix=2, filter_equal=False)
        >>> GuidanceConfig(threshold=1.0).validate()
        Traceback (most recent call last):
        ...
        ValueError: threshold must be in [0, 1), got 1.0
    """

    enabled: bool = True
    """Sample guided rollouts for groups that need them (False: plain GRPO / Filter-GRPO)."""
    threshold: float = 0.0
    """Guide a group whose success rate is at or below this (0.0: only when every rollout fails)."""
    mix: int = 0
    """Unguided rollouts kept in a guided group (0: the guided rollouts replace the group)."""
    filter_equal: bool = False
    """Filter-GRPO: drop groups whose rewards are all equal (they carry no advantage signal)."""

    def validate(self) -> GuidanceConfig:
        """Raise ValueError on an invalid field; return self so calls can chain."""
        if not 0.0 <= self.threshold < 1.0:
            # threshold 1.0 would guide groups that all succeeded.
            raise ValueError(f"threshold must be in [0, 1), got {self.threshold!r}")
        if self.mix < 0:
            raise ValueError(f"mix must be >= 0, got {self.mix!r}")
        return self


def _check_rewards(rewards: Sequence[float]) -> None:
    if len(rewards) == 0:
        raise ValueError("a group needs at least one reward, got none")


def needs_guidance(rewards: Sequence[float], config: GuidanceConfig, success: float = 1.0) -> bool:
    """Whether a group of unguided rollouts should be followed by guided ones.

    The success rate is the fraction of rewards ``>= success``; a group needs guidance when that
    rate is at or below ``config.threshold``. Never when guidance is disabled, and never for a
    group that fully succeeded (``validate`` keeps the threshold below 1).

    Example:
        >>> config = GuidanceConfig()
        >>> needs_guidance([0.0, 0.0, 0.0], config), needs_guidance([0.0, 1.0, 0.0], config)
        (True, False)
        >>> needs_guidance([0.0, 1.0, 0.0, 0.0], GuidanceConfig(threshold=0.25))
        True
    """
    _check_rewards(rewards)
    if not config.enabled:
        return False
    success_rate = sum(r >= success for r in rewards) / len(rewards)
    return success_rate <= config.threshold


def combine_group(unguided: Sequence[T], guided: Sequence[T], config: GuidanceConfig) -> list[T]:
    """The group to train on: the first ``mix`` unguided rollouts then ``G - mix`` guided ones.

    G is ``len(unguided)``, so the group keeps its size; with ``mix=0`` the guided rollouts
    replace the unguided ones.

    Example:
        >>> combine_group(["u1", "u2", "u3", "u4"], ["g1", "g2", "g3", "g4"], GuidanceConfig())
        ['g1', 'g2', 'g3', 'g4']
        >>> combine_group(["u1", "u2", "u3", "u4"], ["g1", "g2", "g3", "g4"], GuidanceConfig(mix=1))
        ['u1', 'g1', 'g2', 'g3']
    """
    group_size = len(unguided)
    if config.mix >= group_size:
        raise ValueError(f"mix must be smaller than the group size {group_size}, got {config.mix}")
    num_guided = group_size - config.mix
    if len(guided) < num_guided:
        raise ValueError(f"need {num_guided} guided rollouts to fill the group, got {len(guided)}")
    return [*unguided[: config.mix], *guided[:num_guided]]


def keep_group(rewards: Sequence[float], config: GuidanceConfig) -> bool:
    """Whether to train on a group: False only for all-equal rewards under Filter-GRPO.

    Example:
        >>> keep_group([1.0, 1.0], GuidanceConfig(filter_equal=True))
        False
        >>> keep_group([1.0, 1.0], GuidanceConfig()), keep_group([0.0, 1.0], GuidanceConfig(filter_equal=True))
        (True, True)
    """  # noqa: E501
    _check_rewards(rewards)
    if not config.filter_equal:
        return True
    return any(r != rewards[0] for r in rewards)


def hints_for(algo: str, hint: str) -> HintProvider | None:
    """The hint provider ``--hint`` names (None without guidance).

    ``--algo guide --hint none`` is refused: Guide without hints is plain GRPO (or PPO).
    """
    if algo != "guide":
        return None
    provider = hint_provider(hint)
    if provider is None:
        raise ValueError("--hint none gives Guide no hints, so it would train as plain GRPO/PPO; "
                         "pass --algo grpo (or ppo), or a hint source: "
                         + ", ".join(HINT_SPECS))
    return provider


def check_hints_exist(client: EnvClient, spec: str, probe: int = 8) -> bool:
    """Warn loudly when none of the first ``probe`` training problems has a hint.

    Guidance with no hints silently trains plain GRPO; this says so before the run starts.
    """
    if any(client.guided(p.problem_id) is not None for p in client.peek(probe)):
        return True
    warnings.warn(f"guidance is on, but --hint {spec} found no hint for any of the first {probe} "
                  f"training problems of {client.env_id} (no hint field and no worked solution?): "
                  "Guide will run as plain GRPO. Pass --hint teacher:<base_url>:<model> for a "
                  "teacher model's hints, a dataset with hints, or --algo grpo.",
                  GuidanceWarning, stacklevel=2)
    return False


class GuidanceWarning(UserWarning):
    """Guidance is on but cannot guide (no hints found)."""
