"""Gymnasium ids for the environments: :func:`make_math_env` and :func:`register_envs`.

Gymnasium 1.x has no plugin entry points, so ids exist once this package is imported. Either
``import guide_envs`` (then ``gym.register_envs(guide_envs)`` keeps linters from calling the
import unused) or name the module in the id: ``gym.make("guide_envs:guide/Math-v0")``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from guide_envs.env import ReasoningEnv
from guide_envs.sources import make_source
from guide_envs.templates import PromptTemplate

__all__ = ["ENV_IDS", "make_math_env", "register_envs"]

ENV_IDS = ("guide/Math-v0",)


def make_math_env(source: Any = "procedural", *, template: str | PromptTemplate = "boxed",
                  verifier: Any = None, render_mode: str | None = None,
                  **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Math-v0`` environment: math problems graded by the math verifier.

    ``source`` and ``source_kwargs`` are passed to :func:`guide_envs.sources.make_source`
    (procedural families and difficulty, a dataset preset with ``data_files``, or a
    reasoning-gym dataset).
    """
    return ReasoningEnv(make_source(source, **source_kwargs), verifier, template=template,
                        render_mode=render_mode)


def register_envs() -> None:
    """Register every guide-rl id with Gymnasium (idempotent)."""
    if "guide/Math-v0" not in gym.registry:
        gym.register("guide/Math-v0", entry_point="guide_envs.registration:make_math_env")
