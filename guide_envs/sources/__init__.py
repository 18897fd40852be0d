"""Where problems come from: the :class:`ProblemSource` protocol and :func:`make_source`.

Built-in sources: :class:`~guide_envs.sources.procedural.ProceduralSource` (the offline
default), dataset files or hub ids through :func:`guide_envs.sources.datasets.load_source`, and
:class:`~guide_envs.sources.reasoning_gym.ReasoningGymSource`.
"""

from __future__ import annotations

from typing import Any

from guide_envs.sources.base import ListSource, ProblemSource

__all__ = ["ListSource", "ProblemSource", "make_source"]


def make_source(source: str | ProblemSource = "procedural", **kwargs: Any) -> ProblemSource:
    """Build a source from ``gym.make`` keyword arguments.

    - ``"procedural"``: ``families``, ``difficulty``, ``seed``, ``size``.
    - ``"reasoning_gym"``: ``dataset`` (a reasoning-gym name), ``size``, ``seed``, ``config``.
    - a dataset preset (``"gsm8k"``, ``"math"``, ``"guide"``, ``"aime24"``, ``"amc23"``,
      ``"minerva"``) or ``"dataset"`` for a custom one: ``path`` (hub id), ``data_files``,
      ``split``, ``columns``, ``limit``.
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
    from guide_envs.sources.datasets import PRESETS, load_source

    if source == "dataset":
        return load_source(None, **kwargs)
    if source in PRESETS:
        return load_source(source, **kwargs)
    raise ValueError(f"unknown source {source!r}; choose 'procedural', 'reasoning_gym', "
                     f"'dataset' or a preset: {', '.join(sorted(PRESETS))}")
