"""The one shape of every JSON error: {"error": code, "message": text}, and the one table
from a failure's code (a DomainError's among them) to its HTTP status."""

from flask import Response, jsonify

STATUS_BY_CODE = {
    "invalid": 400,
    "csrf_failed": 400,
    "invalid_note": 400,
    "invalid_email": 400,
    "invalid_link": 400,
    "login_required": 401,
    "digital_plus_required": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "email_not_verified": 403,
    "link_for_another_account": 403,
    "allowance_used": 409,
    "not_giftable": 409,
    "already_verified": 409,
    "expired_link": 410,
    "rate_limited": 429,
    "internal_error": 500,
    "technical_error": 503,
}


def error_response(code: str, message: str, status: int | None = None, **extra) -> Response:
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status or STATUS_BY_CODE.get(code, 400)
    return response
