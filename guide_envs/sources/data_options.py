"""The data options of dataset-backed sources, named as :func:`datasets.load_dataset` names them.

``data_files`` is for local files and ``path`` for hub ids (or a local dataset directory). A
local file given as ``path=`` is taken as ``data_files``. The record readers (``mmlu``,
``aqua``, ``gpqa``, ``mbpp``, ``stdio``) read one local file, given either way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["local_file_as_data_files", "one_local_file"]


def _is_file(value: Any) -> bool:
    return isinstance(value, (str, os.PathLike)) and Path(value).is_file()


def local_file_as_data_files(path: Any, data_files: Any) -> tuple[Any, Any]:
    """``(path, data_files)`` with a local file given as ``path`` moved to ``data_files``.

    Paths (:class:`os.PathLike`) in ``data_files`` become strings. Raises ``ValueError`` when
    the file is given both ways.

    >>> local_file_as_data_files("openai/gsm8k", None)
    ('openai/gsm8k', None)
    >>> local_file_as_data_files(__file__, None) == (None, __file__)
    True
    """
    if isinstance(data_files, os.PathLike):
        data_files = os.fspath(data_files)
    elif isinstance(data_files, (list, tuple)):
        data_files = [os.fspath(f) if isinstance(f, os.PathLike) else f for f in data_files]
    if not _is_file(path):
        return path, data_files
    if data_files is not None:
        raise ValueError(f"give the local file as data_files={str(path)!r}, not both path= and "
                         f"data_files={data_files!r}")
    return None, str(path)


def one_local_file(source: str, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a record reader: the one local file as ``path``.

    The file comes as ``data_files`` (a path, or a list of one) or as ``path``. Raises
    ``ValueError`` saying what to pass when there is none, more than one, or ``path`` is not a
    local file (a hub id).
    """
    rest = dict(kwargs)
    path, files = local_file_as_data_files(rest.pop("path", None), rest.pop("data_files", None))
    if path is not None:
        raise ValueError(f"source {source!r} reads one local file: pass data_files='<file>' "
                         f"(path={str(path)!r} is not a local file; hub ids are read by the "
                         "dataset sources such as 'gsm8k' or 'dataset')")
    if isinstance(files, (list, tuple)) and len(files) == 1:
        files = files[0]
    if files is None:
        raise ValueError(f"source {source!r} needs its records: data_files='<a local file>'")
    if not isinstance(files, (str, os.PathLike)):
        raise ValueError(f"source {source!r} reads one local file, got data_files={files!r}")
    return {**rest, "path": files}
