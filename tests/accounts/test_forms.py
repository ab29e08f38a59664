"""Form errors: tied to their inputs, all reported at once, focus on the first, and in the
page's language (WTForms' own messages included)."""

from html.parser import HTMLParser
from pathlib import Path

import wtforms
from babel.messages.pofile import read_po

from tests.helpers import PASSWORD, csrf_token

CATALOG = Path(__file__).resolve().parents[2] / "newsroom/translations/da/LC_MESSAGES"


class Elements(HTMLParser):
    """Every element's attributes by id, and the inputs by name."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict] = {}
        self.inputs: dict[str, dict] = {}
        self.text: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.by_id[attributes["id"]] = attributes
            self._open.append(attributes["id"])
            self.text[attributes["id"]] = ""
        if tag == "input" and "name" in attributes:
            self.inputs[attributes["name"]] = attributes

    def handle_data(self, data):
        for element_id in self._open:
            self.text[element_id] += data

    def handle_endtag(self, tag):
        if tag == "p" and self._open:
            self._open.pop()


def errors_of(page: Elements, name: str) -> list[str]:
    """The texts the input's aria-describedby points at that are errors."""
    ids = (page.inputs[name].get("aria-describedby") or "").split()
    return [page.text[i].strip() for i in ids if "-error-" in i]


def post(client, path: str, **data):
    data["csrf_token"] = csrf_token(client, path)
    return client.post(path, data=data)


def test_forms_register_reports_every_error_at_once(client):
    response = post(client, "/register", email="not-an-address", name="Ida", password="short")
    assert response.status_code == 400
    page = Elements(response.text)
    assert errors_of(page, "email") == ["Enter a valid e-mail address."]
    assert errors_of(page, "password") == [
        "Choose a password of at least 10 characters, not only lower-case letters."
    ]
    assert page.inputs["email"]["aria-invalid"] == "true"
    assert page.inputs["password"]["aria-invalid"] == "true"
    assert "aria-invalid" not in page.inputs["name"]


def test_forms_first_error_takes_the_focus(client):
    page = Elements(post(client, "/register", email="not-an-address", password="short").text)
    assert "autofocus" in page.inputs["email"]
    assert "autofocus" not in page.inputs["name"]
    assert "autofocus" not in page.inputs["password"]


def test_forms_focus_goes_past_valid_fields(client, make_user):
    user = make_user()
    page = Elements(post(client, "/login", email=user.email, password="").text)
    assert "autofocus" not in page.inputs["email"]  # the login page otherwise focuses e-mail
    assert "autofocus" in page.inputs["password"]


def test_forms_hint_is_described_but_not_an_error(client):
    page = Elements(client.get("/register").text)
    described = page.inputs["password"]["aria-describedby"].split()
    assert described == ["password-hint"]
    assert "At least 10 characters" in page.text["password-hint"]
    assert "aria-invalid" not in page.inputs["password"]


def test_forms_valid_page_has_its_own_focus_and_no_errors(client):
    page = Elements(client.get("/login").text)
    assert "autofocus" in page.inputs["email"]
    assert "aria-invalid" not in page.inputs["email"]


def test_forms_account_weak_new_password_is_tied_to_its_input(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    response = post(client, "/account", current_password=PASSWORD, new_password="short")
    assert response.status_code == 400
    page = Elements(response.text)
    assert errors_of(page, "new_password") == [
        "Choose a password of at least 10 characters, not only lower-case letters."
    ]
    assert "autofocus" in page.inputs["new_password"]


def test_forms_danish_pages_get_danish_validation_messages(client):
    client.set_cookie("lang", "da")
    page = Elements(post(client, "/login", email="", password="").text)
    assert errors_of(page, "email") == ["Feltet skal udfyldes."]
    assert errors_of(page, "password") == ["Feltet skal udfyldes."]


def test_forms_danish_register_errors(client):
    client.set_cookie("lang", "da")
    response = post(client, "/register", email="x", name="", password="kort")
    page = Elements(response.text)
    assert errors_of(page, "email") == ["Indtast en gyldig e-mailadresse."]
    assert errors_of(page, "name") == ["Feltet skal udfyldes."]
    assert errors_of(page, "password")[0].startswith("Vælg en adgangskode på mindst 10 tegn")
    assert "This field is required" not in response.text


def test_forms_every_wtforms_message_has_a_danish_translation():
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id and "%s" not in str(m.id)}
    with open(CATALOG / "messages.po", "rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and all(m.string)}
    assert wanted - translated == set()
