"""make_source, the one way to name a source: an unknown name suggests the closest."""

from __future__ import annotations

import pytest

from guide_envs.sources import make_source


def test_an_unknown_source_name_suggests_the_closest() -> None:
    with pytest.raises(ValueError, match="unknown source 'gsm8'; did you mean 'gsm8k'?"):
        make_source("gsm8")
