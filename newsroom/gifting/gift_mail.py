"""Sending a gift by e-mail: the friend's address is checked, used for one mail and kept
nowhere (the outbox forgets a gift mail once it is sent or given up)."""

from email_validator import EmailNotValidError, validate_email

from newsroom.gifting.errors import InvalidRecipient

MAX_ADDRESS_LENGTH = 254


def recipient_address(raw: str) -> str:
    """The friend's address, normalised; InvalidRecipient for anything that is not one."""
    address = raw.strip()
    if not address or len(address) > MAX_ADDRESS_LENGTH:
        raise InvalidRecipient()
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRecipient() from exc
