"""Domain failures. Each carries a code; the web layer maps codes to statuses in one table
(newsroom.web.json_errors.STATUS_BY_CODE) and to sentences in newsroom.gifting.messages."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # gifting raises AllowanceUsed, so it cannot be imported here at run time
    from newsroom.gifting.giving import Allowance


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.code)


class NotFound(DomainError):
    code = "not_found"


class DigitalPlusRequired(DomainError):
    code = "digital_plus_required"


class AllowanceUsed(DomainError):
    code = "allowance_used"

    def __init__(self, allowance: "Allowance") -> None:
        super().__init__("allowance used")
        self.allowance = allowance


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
