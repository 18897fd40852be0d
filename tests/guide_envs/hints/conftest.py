"""``server``: a started :class:`TeacherServer` (test_teacher.py, test_precompute.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._teacher_server import TeacherServer


@pytest.fixture
def server() -> Iterator[TeacherServer]:
    srv = TeacherServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
