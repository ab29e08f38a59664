"""The one shape of every JSON error: {"error": code, "message": text}."""

from flask import Response, jsonify

STATUS_BY_CODE = {
    "invalid": 400,
    "csrf_failed": 400,
    "login_required": 401,
    "digital_plus_required": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "allowance_used": 409,
    "rate_limited": 429,
    "internal_error": 500,
    "technical_error": 503,
}


def error_response(code: str, message: str, status: int | None = None, **extra) -> Response:
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status or STATUS_BY_CODE.get(code, 400)
    return response
