"""A real OpenAI-compatible teacher server on 127.0.0.1 for the teacher and precompute tests
(the ``server`` fixture in conftest.py starts one)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from verifiers.math import last_boxed


class TeacherServer:
    """POST /v1/chat/completions on 127.0.0.1: deterministic hints, failures on demand."""

    def __init__(self, delay_s: float = 0.0, port: int = 0) -> None:
        self.delay_s = delay_s
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.fail_statuses: list[int] = []  # statuses for the next requests, in order
        self.leak = False  # reply with the reference solution's boxed answer
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server method name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.calls += 1
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    status = server.fail_statuses.pop(0) if server.fail_statuses else 200
                try:
                    time.sleep(server.delay_s)
                    if self.path != "/v1/chat/completions":
                        status = 404
                    self._reply(status, server.reply(body) if status == 200 else
                                {"error": {"message": f"status {status}", "type": "test"}})
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        content = body["messages"][-1]["content"]
        if self.leak:
            text = f"Just write {last_boxed(content)}."
        else:  # letters only, so the hint never states a number
            digest = hashlib.sha256(content.encode()).hexdigest()[:8]
            word = digest.translate(str.maketrans("0123456789", "ghijklmnop"))
            text = f"Hint {word} from {body['model']}: work one operation at a time."
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0,
                "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
