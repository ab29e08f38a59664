"""Display names others see (H10): no hidden or formatting characters, something visible."""

import pytest

from newsroom.accounts import operations
from newsroom.extensions import db
from newsroom.models import User
from tests.accounts.test_auth_pages import register

HIDDEN = [
    "Karen\u202eloH",  # right-to-left override
    "\u2066Karen\u2069",  # isolates
    "Ka\u200bren",  # zero-width space
    "Ka\u200dren",  # zero-width joiner
    "Karen\ufeff",  # zero-width no-break space
    "Karen\x07",  # a control character
    "Karen\u2028Holm",  # line separator
    "Karen\ue000",  # private use
]
BLANK = ["\u200b", "   ", "\u3164", "\u2800\u2800", "\u0301\u0301"]


@pytest.mark.parametrize("name", HIDDEN + BLANK)
def test_clean_display_name_refuses_hidden_or_invisible_names(name):
    with pytest.raises(operations.InvalidName):
        operations.clean_display_name(name)


@pytest.mark.parametrize(
    "name", ["Karen Holm", "Søren Ørsted", "محمد الأحمد", "李小龙", "Zoë O'Neil-Smith", "R2-D2"]
)
def test_clean_display_name_keeps_real_names_in_any_script(name):
    assert operations.clean_display_name(f"  {name} ") == name


def test_clean_display_name_normalises_to_one_form():
    assert operations.clean_display_name("Zoe\u0308") == "Zo\u00eb"


@pytest.mark.parametrize("name", [HIDDEN[0], HIDDEN[2], BLANK[2]])
def test_register_refuses_a_spoofing_name_with_a_clear_message(app, client, name):
    response = register(client, email="spoof@example.com", name=name)
    assert response.status_code == 400
    assert "Write your name in visible letters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_register_refuses_a_spoofing_name_in_danish(client):
    client.set_cookie("lang", "da")
    response = register(client, email="spoof@example.com", name=HIDDEN[0])
    assert "Skriv dit navn med synlige bogstaver" in response.get_data(as_text=True)
