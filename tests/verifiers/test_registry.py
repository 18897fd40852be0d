"""Verifiers are found by name, built-in or through the guide_rl.verifiers entry-point group."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import verifiers
from verifiers.math import DEFAULT_DEADLINE_S


def test_builtin_names() -> None:
    names = verifiers.available()
    for name in ("math", "reasoning_gym"):
        assert name in names
        assert hasattr(verifiers.get(name), "verify")


def test_builtins_are_found_without_installed_metadata(tmp_path: Path) -> None:
    """The registry lists the built-ins itself: no site-packages, no entry points, all found."""
    root = Path(verifiers.__file__).resolve().parent.parent
    code = ("import sys; sys.path.insert(0, sys.argv[1])\n"
            "from importlib.metadata import entry_points\n"
            "import verifiers\n"
            "assert not list(entry_points(group=verifiers.ENTRY_POINT_GROUP))\n"
            "print(*verifiers.available())\n")
    out = subprocess.run([sys.executable, "-S", "-c", code, str(root)], capture_output=True,
                         text=True, timeout=120, cwd=tmp_path, check=True)
    assert out.stdout.split() == ["chain", "code", "math", "reasoning_gym", "science"]


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(KeyError, match="available: .*math"):
        verifiers.get("no-such-verifier")


def test_third_party_entry_point_is_found_without_importing_it(tmp_path: Path) -> None:
    """A distribution that declares an entry point is picked up by name in a fresh process."""
    (tmp_path / "thirdparty_verifier.py").write_text(textwrap.dedent("""
        from verifiers import Verdict

        class Lenient:
            def verify(self, response, problem):
                return Verdict.right(response.strip(), "anything goes")
    """))
    dist = tmp_path / "thirdparty_verifier-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty-verifier\n"
                                   "Version: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[guide_rl.verifiers]\nlenient = thirdparty_verifier:Lenient\n")
    code = ("import sys, verifiers\n"
            "assert 'thirdparty_verifier' not in sys.modules\n"
            "assert 'lenient' in verifiers.available()\n"
            "print(verifiers.get('lenient').verify(' x ', None).reason)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={"PYTHONPATH": str(tmp_path), "PATH": ""},
                         check=True)
    assert out.stdout.strip() == "anything goes"


def test_registry_finds_math_and_rejects_unknown_names() -> None:
    assert "math" in verifiers.available()
    assert verifiers.get("math", deadline_s=DEFAULT_DEADLINE_S).deadline_s == DEFAULT_DEADLINE_S
    with pytest.raises(KeyError, match="no verifier named 'nope'"):
        verifiers.get("nope")


def test_register_adds_a_custom_verifier() -> None:
    class Always:
        def verify(self, response: str, problem: object) -> verifiers.Verdict:
            return verifiers.Verdict.right(response)

    verifiers.register("always-test", Always)
    assert verifiers.get("always-test").verify("x", None).correct
