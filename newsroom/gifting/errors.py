"""Why a gift was refused."""

from newsroom.core.errors import DomainError, NotFound
from newsroom.gifting.allowance import Allowance


class AllowanceUsed(DomainError):
    code = "allowance_used"
    status = 409

    def __init__(self, allowance: Allowance) -> None:
        super().__init__("allowance used")
        self.allowance = allowance


class NotGiftable(DomainError):
    """The editors have kept this article from being given."""

    code = "not_giftable"
    status = 409


class InvalidNote(DomainError):
    """A gift note too long, or holding control or bidirectional characters."""

    code = "invalid_note"


class InvalidPeopleLimit(DomainError):
    """A limit on how many people a link opens for outside 1-10."""

    code = "invalid_people_limit"


class InvalidLinkDays(DomainError):
    """A life for a link that is not one of the choices (1, 7 or 30 days, at most the
    site's GIFT_LINK_DAYS)."""

    code = "invalid_link_days"


class InvalidRecipient(DomainError):
    """A friend's address for a gift mail that is not an e-mail address."""

    code = "invalid_email"


class InvalidAskerAddress(DomainError):
    """The address an asker left for the new link is not an e-mail address."""

    code = "invalid_email"


class NoSuchGift(NotFound):
    """No gift of this giver has that id."""


class InvalidLink(NotFound):
    """A gift link that names no gift of this article, or one that still opens: there is
    nothing to ask the giver for."""
