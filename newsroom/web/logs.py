"""One structured line per request: never the query string (gift tokens), a token in the
path (`/g/<token>`, `/preview/<token>`: the route is logged instead) nor any body."""

import json
import logging
import sys
import time

from flask import Flask, Response, g, request

access_log = logging.getLogger("newsroom.access")


def _loggable_path() -> str:
    if request.url_rule is not None and "token" in (request.view_args or {}):
        return request.url_rule.rule
    return request.path


def init_app(app: Flask) -> None:
    if not access_log.handlers and not app.testing:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = g.get("request_started")
        # Only a user the request already loaded: logging must never query the database
        # (a health check would otherwise fail with it).
        loaded = g.get("_login_user")
        user = loaded.get_id() if loaded is not None and loaded.is_authenticated else None
        access_log.info(
            json.dumps(
                {
                    "method": request.method,
                    "path": _loggable_path(),
                    "endpoint": request.endpoint,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
                    "user": user.split(":", 1)[0] if user else "anonymous",
                }
            )
        )
        return response
