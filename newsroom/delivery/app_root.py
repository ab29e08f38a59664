"""Where the site lives: the path of NEWSROOM_SITE_URL, never a header a request sends.

A server that believes a forwarded `SCRIPT_NAME` (gunicorn does, from its trusted
forwarders) would put it in front of every link url_for builds, and a kept page would hand
those links to every later reader. This layer, outermost, puts the request's path back
together and sets SCRIPT_NAME to the site's own root, whatever the request said.
"""

from urllib.parse import urlsplit

# Forwarded prefixes some proxies send; nothing here reads them, nor may anything below.
FORWARDED_PREFIXES = ("HTTP_X_FORWARDED_PREFIX", "HTTP_X_SCRIPT_NAME", "HTTP_SCRIPT_NAME")


def root_of(site_url: str) -> str:
    """The path the site is served under ("" at the top of its host)."""
    return urlsplit(site_url).path.rstrip("/")


class AppRoot:
    def __init__(self, inner, root: str) -> None:
        self.inner = inner
        self.root = root

    def __call__(self, environ: dict, start_response):
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if self.root and (path == self.root or path.startswith(self.root + "/")):
            path = path[len(self.root) :]
        environ["SCRIPT_NAME"] = self.root
        environ["PATH_INFO"] = path
        for name in FORWARDED_PREFIXES:
            environ.pop(name, None)
        return self.inner(environ, start_response)
