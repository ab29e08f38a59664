"""Security and caching headers on every response."""

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


def init_app(app: Flask) -> None:
    production = app.config["ENV"] == "production"

    @app.after_request
    def set_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html":
            h.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            h.setdefault("X-Frame-Options", "SAMEORIGIN")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Pages depend on the session (the CSRF token at the least) and the language.
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
        if "Cache-Control" not in h:
            h["Cache-Control"] = "private, no-cache"
        return response
