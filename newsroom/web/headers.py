"""Security and caching headers on every response."""

from flask import Flask, Response

from newsroom.config import billing_configured

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


def content_security_policy(config) -> str:
    """The policy, with Stripe's hosted pages allowed as form targets when Digital+ is on
    sale: the Subscribe and Manage forms post here and are redirected there, and browsers
    hold a form's redirects to form-action too."""
    if not billing_configured(config):
        return CONTENT_SECURITY_POLICY
    origins = " ".join(config["STRIPE_FORM_ACTION_ORIGINS"])
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origins}")


def init_app(app: Flask) -> None:
    production = app.config["ENV"] == "production"
    policy = content_security_policy(app.config)

    @app.after_request
    def set_headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if response.mimetype == "text/html":
            h.setdefault("Content-Security-Policy", policy)
            h.setdefault("X-Frame-Options", "SAMEORIGIN")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # A page may differ by reader (cookies) and language: every cache keys on both.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        if "Cache-Control" not in h:
            # Only what is marked public may be kept (delivery/public.py); the rest is
            # someone's own, or an address no cache should hold.
            h["Cache-Control"] = "private, no-store"
        return response
