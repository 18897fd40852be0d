"""Tests of ``guide_envs.sources.generators``.

A package, so that pytest imports its test modules under its name: they cannot clash with test
modules of the same name elsewhere in tests/ (``test_science.py``, ``test_files.py``).
"""
