"""``pool``: verifier worker processes for the code tests of a module (generators/test_code.py,
test_code_datasets.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from verifiers.pool import VerifierPool


@pytest.fixture(scope="module")
def pool() -> Iterator[VerifierPool]:
    """Two worker processes, each with its own warm sandbox (faster than threads over one)."""
    with VerifierPool(workers=2) as shared:
        yield shared
