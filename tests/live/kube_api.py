"""A fake Kubernetes API server on loopback speaking the few endpoints iamlint reads.

Lists are served page by page (`limit` + `continue`, at most `page_size` items a page,
whatever `limit` asks), list items without `apiVersion`/`kind` as the real API serves them;
single objects by path; a bearer token is checked when one is set; paths in `forbidden`
answer 403. Every request is recorded (method, path with query, Authorization header).
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    authorization: str


@dataclass
class FakeKubeApi:
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str | None = None
    forbidden: set[str] = field(default_factory=set)
    page_size: int = 2
    requests: list[Request] = field(default_factory=list)
    url: str = ""  # set by serve()

    def serve(self, tls: ssl.SSLContext | None = None) -> tuple[str, ThreadingHTTPServer]:
        """Start on a free loopback port; returns (server URL, the server to shut down)."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        scheme = "http"
        if tls is not None:
            server.socket = tls.wrap_socket(server.socket, server_side=True)
            scheme = "https"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"{scheme}://127.0.0.1:{server.server_address[1]}"
        return self.url, server

    def answer(self, method: str, target: str, authorization: str) -> tuple[int, dict[str, Any]]:
        self.requests.append(Request(method, target, authorization))
        if method != "GET":
            return 405, _status(405, "MethodNotAllowed", f"{method} is not allowed here")
        parts = urlsplit(target)
        if self.token is not None and authorization != f"Bearer {self.token}":
            return 401, _status(401, "Unauthorized", "Unauthorized")
        if parts.path in self.forbidden:
            resource = parts.path.rstrip("/").rsplit("/", 1)[-1]
            message = (
                f'{resource} is forbidden: User "reader" cannot list resource "{resource}" '
                "at the cluster scope"
            )
            return 403, _status(403, "Forbidden", message)
        if parts.path in self.lists:
            return 200, self._page(self.lists[parts.path], parse_qs(parts.query))
        if parts.path in self.objects:
            return 200, self.objects[parts.path]
        return 404, _status(404, "NotFound", f"{parts.path} not found")

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
        start = int((query.get("continue") or ["0"])[0])
        limit = min(int((query.get("limit") or ["500"])[0]), self.page_size)
        page = [{k: v for k, v in i.items() if k not in ("apiVersion", "kind")} for i in items]
        end = start + limit
        metadata = {"resourceVersion": "1"} | ({"continue": str(end)} if end < len(items) else {})
        return {"kind": "List", "apiVersion": "v1", "metadata": metadata, "items": page[start:end]}


def closed_port() -> int:
    """A loopback port nothing listens on (just released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def _handler(api: FakeKubeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            code, body = api.answer(self.command, self.path, self.headers.get("Authorization", ""))
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def self_signed_certificate(directory: Path) -> tuple[Path, Path] | None:
    """(certificate, key) PEM files for 127.0.0.1, with `cryptography` if installed, else the
    openssl CLI; None when neither is available."""
    try:
        return _with_cryptography(directory)
    except ImportError:
        pass
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "server.crt", directory / "server.key"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _with_cryptography(directory: Path) -> tuple[Path, Path]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "server.crt", directory / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
