"""The email channel against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import base64
import socketserver
import ssl
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from govwatch.alerts.mail import build_email, deliver_email
from govwatch.config import SmtpSettings
from tests.alerts.conftest import REFUSED, Certificate, Inbox, free_port


def message(to: str = "team@example.org") -> EmailMessage:
    return build_email(
        sender="govwatch@example.org",
        recipient=to,
        subject="[govwatch] new-mous",
        text="plain",
        html="<p>rich</p>",
    )


def smtp(port: int, **changes: Any) -> SmtpSettings:
    return SmtpSettings(
        **{"host": "127.0.0.1", "port": port, "security": "none", "timeout_s": 5.0, **changes}
    )


def test_email_arrives_with_text_and_html_parts(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    assert deliver_email(smtp(port), message()).ok
    received = inbox.messages[0]
    assert received["Subject"] == "[govwatch] new-mous"
    types = [part.get_content_type() for part in received.walk()]
    assert "text/plain" in types and "text/html" in types


def test_login_with_the_configured_credentials(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    assert deliver_email(smtp(port, username="govwatch", password="right-password"), message()).ok
    assert len(inbox.messages) == 1


def test_refused_login_is_final_and_never_shows_the_password(smtp_server: tuple[Inbox, int]) -> None:
    _inbox, port = smtp_server
    result = deliver_email(smtp(port, username="govwatch", password="wrong-password-xyz"), message())
    assert not result.ok and not result.retryable
    assert "refused the login" in result.error
    assert "wrong-password-xyz" not in result.error


def test_refused_recipient_is_final_with_the_server_reason(smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    result = deliver_email(smtp(port), message(to=REFUSED))
    assert not result.ok and not result.retryable
    assert "550" in result.error and REFUSED in result.error
    assert inbox.messages == []


def test_server_down_is_retryable() -> None:
    result = deliver_email(smtp(free_port()), message())
    assert not result.ok and result.retryable


def test_no_smtp_host_says_what_to_set() -> None:
    result = deliver_email(SmtpSettings(), message())
    assert not result.ok and "set [smtp] host" in result.error


def _server_context(certificate: Certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    return context


@pytest.fixture
def tls_smtp_server(certificate: Certificate) -> Iterator[tuple[Inbox, int, int]]:
    """Two servers on one inbox: STARTTLS required on the first port, implicit TLS on the second."""
    inbox = Inbox()
    context = _server_context(certificate)
    starttls = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), tls_context=context, require_starttls=True
    )
    implicit = Controller(inbox, hostname="127.0.0.1", port=free_port(), ssl_context=context)
    starttls.start()
    implicit.start()
    yield inbox, starttls.port, implicit.port
    starttls.stop()
    implicit.stop()


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_tls_connections_deliver_when_the_certificate_is_trusted(
    tls_smtp_server: tuple[Inbox, int, int],
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    inbox, starttls_port, tls_port = tls_smtp_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.ca_file))
    port = starttls_port if security == "starttls" else tls_port
    assert deliver_email(smtp(port, security=security), message()).ok
    assert len(inbox.messages) == 1


def test_an_untrusted_certificate_fails_for_good(tls_smtp_server: tuple[Inbox, int, int]) -> None:
    _inbox, starttls_port, _tls_port = tls_smtp_server
    result = deliver_email(smtp(starttls_port, security="starttls"), message())
    assert not result.ok and not result.retryable
    assert "untrusted certificate" in result.error


class _EchoingSmtp(socketserver.StreamRequestHandler):
    """An SMTP server that accepts any login, then refuses the sender quoting the AUTH line it got."""

    def handle(self) -> None:
        auth = ""
        self.wfile.write(b"220 echo ESMTP\r\n")
        for raw in self.rfile:
            line = raw.decode("ascii", "replace").strip()
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-echo\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                auth = line
                self.wfile.write(b"235 2.7.0 accepted\r\n")
            elif verb == "MAIL":
                self.wfile.write(f"550 5.7.1 sender refused after {auth}\r\n".encode())
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_a_server_echoing_the_auth_line_never_gets_the_password_into_the_error() -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _EchoingSmtp)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        result = deliver_email(smtp(port, username="govwatch", password="hunter2-password"), message())
    finally:
        server.shutdown()
        server.server_close()
    assert not result.ok and "refused the sender" in result.error
    plain = base64.b64encode(b"\0govwatch\0hunter2-password").decode()
    assert "hunter2-password" not in result.error and plain not in result.error
    assert "AUTH PLAIN ***" in result.error
