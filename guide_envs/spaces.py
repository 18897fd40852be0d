"""Text spaces for model prompts and completions: :class:`UnicodeText`."""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from gymnasium.spaces import Text

__all__ = ["UnicodeText"]

#: Characters :meth:`UnicodeText.sample` draws from: ASCII, LaTeX punctuation, math symbols,
#: Greek, and a few non-Latin letters, so that sampled actions exercise real Unicode.
SAMPLE_CHARSET = string.printable + "αβγδθλμπσφωΔΣΩ√∑∫∞≤≥≠±×÷°·→∈∉∪∩数学答案éüñ"


class UnicodeText(Text):
    """Any Python string of ``min_length`` to ``max_length`` characters, whatever its alphabet.

    Gymnasium's :class:`~gymnasium.spaces.Text` only contains strings over its charset
    (alphanumerics by default), which real model output never is. ``sample`` draws from a
    mixed charset, with lengths up to ``sample_max_length`` so that sampling stays cheap.

    Example:
        >>> space = UnicodeText(max_length=100)
        >>> space.contains("Let $x = \\\\frac{1}{2}$ — 答案 √2 🙂")
        True
        >>> space.contains(b"bytes"), space.contains("x" * 101)
        (False, False)
        >>> _ = space.seed(0)
        >>> isinstance(space.sample(), str)
        True
    """

    def __init__(self, max_length: int, *, min_length: int = 0, sample_max_length: int = 256,
                 seed: int | np.random.Generator | None = None) -> None:
        if max_length < max(min_length, 1):
            raise ValueError(f"max_length must be >= max(min_length, 1), got {max_length!r}")
        super().__init__(max_length, min_length=min_length, charset=SAMPLE_CHARSET, seed=seed)
        self.sample_max_length = max(min(sample_max_length, max_length), min_length)

    def contains(self, x: Any) -> bool:
        """Whether ``x`` is a ``str`` whose length is within bounds (any characters)."""
        return isinstance(x, str) and self.min_length <= len(x) <= self.max_length

    def sample(self, mask: Any = None, probability: Any = None) -> str:
        """A random string; without a mask its length is at most ``sample_max_length``."""
        if mask is None and probability is None:
            length = int(self.np_random.integers(self.min_length, self.sample_max_length + 1))
            mask = (length, None)
        return super().sample(mask=mask, probability=probability)

    @property
    def is_np_flattenable(self) -> bool:
        """Unbounded alphabets have no fixed-size integer encoding."""
        return False

    def __repr__(self) -> str:
        return f"UnicodeText(min_length={self.min_length}, max_length={self.max_length})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, UnicodeText) and self.min_length == other.min_length
                and self.max_length == other.max_length)

    def __hash__(self) -> int:
        return hash((UnicodeText, self.min_length, self.max_length))
