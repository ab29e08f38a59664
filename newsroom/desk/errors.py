"""Refusals on the desk. What someone may not see is answered as if it did not exist."""

from newsroom.core.errors import DomainError, NotFound


class NotOnDesk(NotFound):
    """No role, no such article, or an article this staff member may not see: 404."""


class VerificationRequired(DomainError):
    code = "verification_required"
    status = 403


class InvalidTransition(DomainError):
    """The action does not apply to the article in its present state."""

    code = "invalid_transition"
    status = 409


class SlugTaken(DomainError):
    code = "slug_taken"
    status = 409


class TextWithoutSource(DomainError):
    """A body typed for an article imported before the desk kept sources: refused, as it
    would replace the article's whole text."""

    code = "text_without_source"
    status = 409


class NameTaken(DomainError):
    """Another section or author has that name already (or the name is empty)."""

    code = "name_taken"
    status = 409


class NoSuchAccount(DomainError):
    code = "no_such_account"
    status = 404


class PasswordNotConfirmed(DomainError):
    """The admin's password, entered again for a role change, was not right."""

    code = "password_not_confirmed"
    status = 403


class OwnRole(DomainError):
    code = "own_role"
    status = 409


class UnpublishFirst(DomainError):
    """A published or scheduled article is unpublished before it can be deleted."""

    code = "unpublish_first"
    status = 409


class InUse(DomainError):
    """A section or author some article carries cannot be removed: the article keeps them."""

    code = "in_use"
    status = 409
