"""Domain failures. Each knows its code (the JSON `error` and the key of its sentence) and its
HTTP status, so one handler in newsroom.web.errors answers any of them."""


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code)


class NotFound(DomainError):
    code = "not_found"
    status = 404


class DigitalPlusRequired(DomainError):
    code = "digital_plus_required"
    status = 403


class TechnicalError(DomainError):
    """A fault outside the user's control; nothing was changed."""

    code = "technical_error"
    status = 503
