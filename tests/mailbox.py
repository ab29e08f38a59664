"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests."""

import email
import re
import threading
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

from scripts.loopback import free_port

LINK = re.compile(r"https?://newsroom\.test(/[^\s<>\"']*)")


class _Keeper:
    def __init__(self, inbox: "SMTPServer") -> None:
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        with self.inbox.lock:
            self.inbox.messages.append(message)
            self.inbox.lock.notify_all()
        return "250 Message accepted for delivery"


class SMTPServer:
    """Start, stop and start again on the same port, as a real mail server may go down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.lock = threading.Condition()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def app_config(self) -> dict:
        """Settings pointing an app at this server; retries come due at once in tests."""
        return {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_RETRY_SECONDS": 0,
            "MAIL_WORKER_POLL_SECONDS": 0.2,
        }

    def to(self, address: str) -> list[EmailMessage]:
        """What has arrived for one address, oldest first."""
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    def wait_for(self, address: str, count: int = 1, seconds: float = 30) -> EmailMessage:
        """The newest mail to an address once `count` have arrived: a live server delivers
        after its response has gone out, so a browser test waits for the mail, boundedly."""
        with self.lock:
            arrived = self.lock.wait_for(
                lambda: len([m for m in self.messages if address in m["To"]]) >= count, seconds
            )
        assert arrived, f"fewer than {count} mail(s) for {address} after {seconds} s"
        return self.to(address)[-1]

    def last(self, address: str) -> EmailMessage:
        received = self.to(address)
        assert received, f"no mail for {address}"
        return received[-1]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The path of the site link in a mail's plain-text part (and the same in its HTML)."""
    found = LINK.search(text_of(message))
    assert found, "no link to the site in the mail"
    assert found[0] in html_of(message)
    return found[1]
