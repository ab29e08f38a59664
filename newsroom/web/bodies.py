"""Request bodies: a form or a JSON object, read against the fields an endpoint declares.

A field the endpoint does not take, or one of the wrong type, is refused (400, `invalid_body`)
rather than ignored: a client that misspells `note` learns it at once instead of giving a gift
without its note. The answer is a MultiDict of strings, the shape a form posts, so a Flask-WTF
form can be built from it (`SomeForm(formdata=fields)`)."""

from collections.abc import Mapping

from flask import g, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from newsroom.core.errors import DomainError

# Forms carry Flask-WTF's token; scripts send it as the X-CSRFToken header instead.
CSRF_FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InvalidBody(DomainError):
    """A request body this endpoint cannot take: unknown or mistyped fields, broken JSON."""

    code = "invalid_body"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def body_fields(**declared: type) -> MultiDict:
    """The request's fields (`name=str` or `name=int` each), from a JSON object or a form,
    as strings. A JSON `null` is a field left out. InvalidBody for anything else. Read once
    per request and declaration: a view and its helpers may each ask."""
    read = g.setdefault("body_fields", {})
    key = tuple(sorted((name, kind.__name__) for name, kind in declared.items()))
    if key not in read:
        read[key] = _read(declared)
    return read[key]


def _read(declared: Mapping[str, type]) -> MultiDict:
    if request.is_json:
        return _json_fields(declared)
    if request.mimetype in FORM_TYPES or not request.content_length:
        return _form_fields(declared)
    raise InvalidBody(_("Send the fields as a form or as a JSON object."))


def _json_fields(declared: Mapping[str, type]) -> MultiDict:
    body = request.get_json(silent=True)
    if body is None and request.get_data(cache=True).strip():
        raise InvalidBody(_("The request body is not valid JSON."))
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise InvalidBody(_("The request body must be a JSON object of fields."))
    fields = MultiDict()
    for name, value in body.items():
        kind = _declared(declared, name)
        if value is None or name == CSRF_FIELD:
            continue
        # bool is an int to Python; not to a client that sent `true` for a number.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise InvalidBody(_mistyped(name, kind))
        fields.add(name, str(value))
    return fields


def _form_fields(declared: Mapping[str, type]) -> MultiDict:
    if request.files:  # no endpoint here takes a file
        raise InvalidBody(_unknown(next(iter(request.files)), declared))
    fields = MultiDict()
    for name, values in request.form.lists():
        kind = _declared(declared, name)
        if name == CSRF_FIELD:
            continue
        if len(values) > 1:
            raise InvalidBody(_("The field “%(name)s” is given more than once.", name=name))
        if kind is int and not values[0].strip():
            continue  # a form's empty choice ("no limit") is a field left out, like JSON null
        if kind is int and not (values[0].isascii() and values[0].strip().lstrip("-").isdigit()):
            raise InvalidBody(_mistyped(name, kind))
        fields.add(name, values[0].strip() if kind is int else values[0])
    return fields


def _declared(declared: Mapping[str, type], name: str) -> type:
    if name == CSRF_FIELD:
        return str
    if name not in declared:
        raise InvalidBody(_unknown(name, declared))
    return declared[name]


def _unknown(name: str, declared: Mapping[str, type]) -> str:
    if not declared:
        return _("“%(name)s” is not a field here: this request takes no fields.", name=name)
    return _(
        "“%(name)s” is not a field here. The fields are: %(fields)s.",
        name=name,
        fields=", ".join(sorted(declared)),
    )


def _mistyped(name: str, kind: type) -> str:
    if kind is int:
        return _("The field “%(name)s” must be a whole number.", name=name)
    if kind is bool:
        return _("The field “%(name)s” must be true or false.", name=name)
    return _("The field “%(name)s” must be text.", name=name)
