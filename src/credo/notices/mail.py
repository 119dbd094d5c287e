"""E-mail notices over SMTP (stdlib smtplib): the message, and a reusable connection."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import time
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from credo.config import Settings
from credo.notices.texts import Text


def message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID fixed by the notice's idempotency key, so a resent copy is recognisable."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "credo.invalid"
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]}@{domain}>"


def build(settings: Settings, *, to: str, text: Text, idempotency_key: str) -> EmailMessage:
    """A plain-text e-mail for a rendered notice."""
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = text.title
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(idempotency_key, settings.smtp_sender)
    message["Credo-Notice-Id"] = idempotency_key
    message.set_content(text.plain())
    return message


#: Seconds a connection may sit unused before it is checked (``NOOP``) ahead of a send.
IDLE_CHECK = 1.0


class Mailer:
    """One SMTP connection, opened on first use and reopened after an error.

    Servers drop idle connections (Postfix after 300 s): one unused for ``IDLE_CHECK`` seconds
    is checked with ``NOOP`` first and reopened if it is gone, so the next notice is sent at
    once instead of failing an attempt and waiting its backoff. Nothing is sent before the
    check, so reopening cannot deliver a message twice.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._used = 0.0

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.smtp_host is not None
        smtp: smtplib.SMTP
        if s.smtp_tls == "tls":
            smtp = smtplib.SMTP_SSL(
                s.smtp_host,
                s.smtp_port,
                timeout=s.smtp_timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            if s.smtp_tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            smtp.login(s.smtp_user, password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; on any error the connection is dropped and the error raised."""
        if self._smtp is not None and time.monotonic() - self._used >= IDLE_CHECK:
            try:
                alive = self._smtp.noop()[0] == 250
            except (smtplib.SMTPException, OSError):
                alive = False
            if not alive:
                self.close()
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except Exception:
            self.close()
            raise
        self._used = time.monotonic()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:  # a broken connection is being dropped anyway
                smtp.close()
