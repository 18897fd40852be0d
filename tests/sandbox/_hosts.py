"""The host backends (no namespaces of their own), for the tests that also run on them."""

from __future__ import annotations

HOST_BACKENDS = ("process", "unsafe-local")
