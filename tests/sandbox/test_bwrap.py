"""The bubblewrap backend (sandbox/bwrap.py) beyond the contract every backend meets
(test_sandbox.py)."""

from __future__ import annotations

import pytest

from sandbox import ExecStatus
from sandbox.bwrap import BwrapSandbox


@pytest.mark.needs_bwrap
def test_bwrap_sandbox_error_is_reported() -> None:
    result = BwrapSandbox().run("exit 0", files={"main.sh": "x", "main.sh/y": "z"},
                                language="bash")
    assert result.status is ExecStatus.SANDBOX_ERROR
    assert "bwrap" in result.stderr
