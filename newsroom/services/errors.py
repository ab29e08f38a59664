"""Domain failures. Views map each code to a status and a message."""

from datetime import date


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code)


class NotFound(DomainError):
    code = "not_found"


class LoginRequired(DomainError):
    code = "login_required"


class DigitalPlusRequired(DomainError):
    code = "digital_plus_required"


class AllowanceUsed(DomainError):
    code = "allowance_used"

    def __init__(self, used: int, limit: int, renews_on: date) -> None:
        super().__init__("allowance used")
        self.used = used
        self.limit = limit
        self.renews_on = renews_on


class NotGiftable(DomainError):
    """The editors have kept this article from being given."""

    code = "not_giftable"


class InvalidNote(DomainError):
    """A gift note too long, or holding control or bidirectional characters."""

    code = "invalid_note"


class InvalidRecipient(DomainError):
    """A friend's address for a gift mail that is not an e-mail address."""

    code = "invalid_email"


class TechnicalError(DomainError):
    """A fault outside the user's control; nothing was changed."""

    code = "technical_error"


class ValidationFailed(DomainError):
    code = "invalid"
