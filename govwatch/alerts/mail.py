"""The email channel: one message with plain-text and HTML parts, sent with smtplib.

`SmtpSettings.security` chooses the connection: "starttls" (upgrade a plain connection, the default),
"tls" (implicit TLS, usually port 465) or "none" (a local relay); certificates are checked against the
system's trusted CAs (`SSL_CERT_FILE` adds one). A refused recipient or sender, a failed login, an untrusted
certificate and any 5xx answer are final; a dropped connection, a timeout and 4xx answers are retried.
The SMTP password never appears in an error.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from govwatch.alerts.channels import DeliveryResult
from govwatch.config import SmtpSettings
from govwatch.redact import mask_text, secret_forms

SECURITY_MODES = ("starttls", "tls", "none")


def build_email(*, sender: str, recipient: str, subject: str, text: str, html: str) -> EmailMessage:
    """A multipart/alternative message: mail readers show the HTML part, others the text."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _redact(text: str, smtp: SmtpSettings) -> str:
    """The text without the password, in clear or base64 (a server may echo the AUTH line)."""
    return mask_text(text, secret_forms(smtp.password, username=smtp.username))


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    if smtp.security == "tls":
        return smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout_s, context=ssl.create_default_context()
        )
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    if smtp.security == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def _answer(exc: smtplib.SMTPResponseException) -> str:
    said = (
        exc.smtp_error.decode("utf-8", "replace")
        if isinstance(exc.smtp_error, bytes)
        else str(exc.smtp_error)
    )
    return f"{exc.smtp_code} {said}"


def deliver_email(smtp: SmtpSettings, message: EmailMessage) -> DeliveryResult:
    """Send one message; never raises for SMTP or network failures, it returns them."""
    if not smtp.host:
        return DeliveryResult(
            ok=False, error="no SMTP server configured; set [smtp] host (or GOVWATCH_SMTP_HOST)"
        )
    if smtp.security not in SECURITY_MODES:
        return DeliveryResult(ok=False, error=f"[smtp] security must be one of {', '.join(SECURITY_MODES)}")
    where = f"SMTP server {smtp.host}:{smtp.port}"
    try:
        with _connect(smtp) as client:
            if smtp.username:
                client.login(smtp.username, smtp.password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(
            f"{who}: {code} {said.decode('utf-8', 'replace')}" for who, (code, said) in exc.recipients.items()
        )
        return DeliveryResult(
            ok=False, error=_redact(f"{where} refused the recipient ({refused}); fix the address", smtp)
        )
    except smtplib.SMTPAuthenticationError:
        return DeliveryResult(
            ok=False, error=f"{where} refused the login; check [smtp] username and password"
        )
    except smtplib.SMTPSenderRefused as exc:
        return DeliveryResult(
            ok=False, error=_redact(f"{where} refused the sender ({_answer(exc)}); set [smtp] sender", smtp)
        )
    except smtplib.SMTPResponseException as exc:
        retryable = 400 <= exc.smtp_code < 500
        return DeliveryResult(
            ok=False, retryable=retryable, error=_redact(f"{where} answered {_answer(exc)}", smtp)
        )
    except ssl.SSLCertVerificationError as exc:
        return DeliveryResult(
            ok=False,
            error=f"{where} has an untrusted certificate ({exc.verify_message}); fix the certificate, "
            "or trust its CA with SSL_CERT_FILE",
        )
    except smtplib.SMTPNotSupportedError:
        return DeliveryResult(
            ok=False, error=f"{where} does not support {smtp.security}; set [smtp] security"
        )
    except (smtplib.SMTPException, OSError) as exc:
        return DeliveryResult(
            ok=False,
            retryable=True,
            error=_redact(f"cannot deliver via {where} ({type(exc).__name__}: {exc})", smtp),
        )
    return DeliveryResult(ok=True)
