"""What every desk blueprint shares: the staff member behind the request, and answers that
no cache keeps and no search engine indexes."""

from flask import Response
from flask_login import current_user


def me():
    return current_user._get_current_object()


def private(response: Response) -> Response:
    """after_request: nothing on the desk or behind a preview link is kept or indexed."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
