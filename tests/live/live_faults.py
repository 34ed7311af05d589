"""AWS faults for the live tests: error answers injected into a boto3 session's requests
(a `before-send` hook returning a response, so botocore's retry logic sees them as if the
server had sent them), and loopback servers that answer with an error or never answer."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.awsrequest import AWSResponse

QUERY_XML = (  # IAM and STS
    "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
    "</Error><RequestId>iamlint-test</RequestId></ErrorResponse>"
)


def error_answer(protocol: str, code: str, message: str) -> tuple[dict[str, str], bytes]:
    """Headers and body of an AWS error in a service's protocol (`query`, `json`,
    `rest-json`)."""
    if protocol == "query":
        body = QUERY_XML.format(code=code, message=message).encode()
        return {"Content-Type": "text/xml"}, body
    headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}
    return headers, json.dumps({"__type": code, "message": message}).encode()


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class Injected:
    """`before-send` handler: the first `times` requests of an operation get an error
    answer; later ones (if any) go to the server. `sent` counts every request."""

    def __init__(self, protocol: str, code: str, status: int, times: int | None) -> None:
        self.headers, self.body = error_answer(protocol, code, f"injected {code}")
        self.status = status
        self.times = times
        self.sent = 0
        self._lock = threading.Lock()

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        with self._lock:
            self.sent += 1
            inject = self.times is None or self.sent <= self.times
        if not inject:
            return None
        return AWSResponse(request.url, self.status, dict(self.headers), _Body(self.body))


def inject(
    session: Any,
    service: str,
    operation: str,
    code: str,
    *,
    status: int = 400,
    times: int | None = None,
) -> Injected:
    """Answer `times` requests (None: all) of `service`/`operation` with the error `code`."""
    protocol = session.client(service, region_name="us-east-1").meta.service_model.protocol
    handler = Injected(protocol, code, status, times)
    session.events.register(f"before-send.{service}.{operation}", handler)
    return handler


def count_requests(session: Any, service: str, operation: str) -> list[int]:
    """A one-item list counting the requests sent for `service`/`operation`."""
    sent = [0]

    def count(**_: Any) -> None:
        sent[0] += 1

    session.events.register(f"before-send.{service}.{operation}", count)
    return sent


def page_size(session: Any, service: str, operation: str, key: str, size: int) -> None:
    """Ask for pages of `size` items (as `--page-size` would), to make the server paginate."""

    def small_pages(params: dict[str, Any], **_: Any) -> None:
        params[key] = size

    session.events.register(f"before-parameter-build.{service}.{operation}", small_pages)


class ErrorServer:
    """A loopback HTTP server answering every request with one AWS error."""

    def __init__(self, protocol: str, code: str, status: int = 400) -> None:
        headers, body = error_answer(protocol, code, f"served {code}")

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ErrorServer:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """A loopback server that accepts connections and never answers (read timeouts)."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        self.socket.settimeout(0.1)
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.accepted.append(connection)  # held open, never read nor answered

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self.accepted:
            connection.close()
        self.socket.close()
