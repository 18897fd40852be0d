"""The sandbox's Docker image (sandbox/images.py) against a real Docker daemon (skipped without
one, naming what to install; failing instead under GUIDE_RL_REQUIRE_SYSTEM=1)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.needs_docker


def test_images_command_reports_the_sandbox_image(capsys: pytest.CaptureFixture[str]) -> None:
    from sandbox.images import SANDBOX_IMAGE, main

    assert main(["--check"]) == 0  # CI builds the image before the tests (python -m sandbox.images)
    assert capsys.readouterr().out.strip() == f"{SANDBOX_IMAGE}: present"
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0 and "build_offline.sh" in capsys.readouterr().out
