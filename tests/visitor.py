"""A minimal HTTP client for tests against real servers: one browser at one source address."""

import http.client
import json
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from tests.helpers import CSRF_META


class Visitor:
    """Keeps its cookies and the page's CSRF token; opens a new connection per request, so
    consecutive requests spread over a server's worker processes."""

    def __init__(self, base: str, address: str = "127.0.0.1", headers: dict | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port, self.address = parts.hostname, parts.port, address
        self.headers = dict(headers or {})  # sent with every request, e.g. X-Forwarded-For
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=60, source_address=(self.address, 0)
        )
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **self.headers}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            text = response.read().decode()
        finally:
            connection.close()
        if match := CSRF_META.search(text):
            self.token = match[1]
        return response.status, text

    def get(self, path: str, **headers) -> tuple[int, str]:
        return self.request("GET", path, headers=headers)

    def log_in(self, email: str, password: str) -> int:
        self.get("/login")
        form = urlencode({"email": email, "password": password, "csrf_token": self.token})
        status = self.request("POST", "/login", form)[0]
        if status == 302:
            self.token = ""  # log-in starts a new session: the next page brings a new token
        return status

    def post_json(self, path: str) -> tuple[int, dict | None]:
        """A fetch from the page's script: JSON wanted, the CSRF token in the header."""
        if not self.token:
            self.get("/digital-plus")
        status, text = self.request(
            "POST", path, headers={"Accept": "application/json", "X-CSRFToken": self.token}
        )
        try:
            return status, json.loads(text)
        except ValueError:
            return status, None
