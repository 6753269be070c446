"""Fixtures for the alert tests: the sample announcement, a movable clock, a DuckDB with the alert tables,
and real local receivers (an HTTP server and an SMTP server on 127.0.0.1)."""

from __future__ import annotations

import copy
import email
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from govwatch.alerts.store import apply_migration

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def announcement() -> dict[str, Any]:
    """The canonical OpenAI–UK MoU press release as an announcement message (a fresh copy per test)."""
    return copy.deepcopy(json.loads((FIXTURES / "announcement_openai_mou.json").read_text(encoding="utf-8")))


class Clock:
    """A clock the test moves forward, so retries and digests need no sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2025, 7, 22, 9, 0, tzinfo=UTC))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB file in tmp_path with the alert migration applied."""
    conn = duckdb.connect(str(tmp_path / "alerts.duckdb"))
    apply_migration(conn)
    yield conn
    conn.close()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


class Receiver:
    """A real HTTP server on 127.0.0.1; `answer` decides each response from the request count."""

    def __init__(self, port: int = 0) -> None:
        self.received: list[Received] = []
        self.answer: Callable[[int], Answer] = lambda _n: Answer()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.received.append(
                    Received(self.path, dict(self.headers.items()), body, time.perf_counter())
                )
                answer = owner.answer(len(owner.received))
                if answer.hang:
                    owner.release.wait(10)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


def free_port() -> int:
    """A port nothing listens on (bound and released), for a receiver that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def start_receiver() -> Iterator[Callable[[int], Receiver]]:
    started: list[Receiver] = []

    def start(port: int) -> Receiver:
        server = Receiver(port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


REFUSED = "nobody@example.org"


class Inbox:
    """Keeps every accepted message; refuses one recipient like a real server would."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    def text(value: Any) -> str:
        return value.decode() if isinstance(value, bytes) else str(value)

    ok = (
        isinstance(data, LoginPassword)
        and text(data.login) == "govwatch"
        and text(data.password) == "right-password"
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    yield inbox, controller.port
    controller.stop()


@dataclass
class Certificate:
    """A CA and a server certificate for 127.0.0.1, made for one test."""

    ca_file: Path
    cert_file: Path
    key_file: Path


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """Made with `cryptography` (present with the test dependencies); skipped if it is not installed."""
    pytest.importorskip("cryptography")
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def build(subject: str, key: Any, issuer: Any, issuer_key: Any, *, ca: bool) -> Any:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return builder.sign(issuer_key or key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = build("govwatch test CA", ca_key, None, None, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = build("127.0.0.1", key, ca_cert.subject, ca_key, ca=False)
    paths = Certificate(tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key")
    paths.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    paths.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths
