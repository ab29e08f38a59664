"""Operations: the access log, health checks, trusted hosts and settings from the environment."""

import json
import logging

import pytest

from newsroom import create_app
from newsroom.extensions import db
from scripts.loopback import free_port
from tests.conftest import make_test_app
from tests.helpers import SENTINEL

STOPPED_POSTGRES = "postgresql+psycopg://newsroom@127.0.0.1:{port}/newsroom"


@pytest.fixture
def access_lines(caplog):
    """The access log's lines, parsed."""
    caplog.set_level(logging.INFO, logger="newsroom.access")

    def lines() -> list[dict]:
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "newsroom.access"]

    return lines


@pytest.fixture
def down_app():
    app = make_test_app(STOPPED_POSTGRES.format(port=free_port()))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_access_log_writes_one_line_per_request(client, access_lines):
    client.get("/")
    client.get("/login")
    client.get("/no-such-page")
    assert [line["status"] for line in access_lines()] == [200, 200, 404]


def test_access_log_line_carries_status_duration_and_anonymous(client, access_lines):
    client.get("/login")
    (line,) = access_lines()
    assert line["method"] == "GET"
    assert line["path"] == "/login"
    assert line["status"] == 200
    assert isinstance(line["ms"], float)
    assert line["ms"] >= 0
    assert line["user"] == "anonymous"


def test_access_log_line_carries_the_user_id_not_the_session_version(
    client, auth, make_user, access_lines
):
    user = make_user()
    auth.login(user.email)
    client.get("/account")
    assert access_lines()[-1]["user"] == str(user.id)


def test_access_log_never_holds_query_string_or_gift_token(client, make_article, access_lines):
    article = make_article()
    client.get(f"/articles/{article.slug}?gift=SECRET-TOKEN-123&utm=x")
    (line,) = access_lines()
    assert line["path"] == f"/articles/{article.slug}"
    raw = json.dumps(line)
    assert "SECRET-TOKEN-123" not in raw
    assert "gift=" not in raw


def test_access_log_never_holds_article_text(client, auth, make_user, make_article, caplog):
    caplog.set_level(logging.DEBUG)
    article = make_article(headline="A headline to keep out of logs")
    auth.login(make_user(digital_plus=True).email)
    assert SENTINEL in client.get(f"/articles/{article.slug}").get_data(as_text=True)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SENTINEL not in logged
    assert "A headline to keep out of logs" not in logged


def test_access_log_records_a_failed_request_as_anonymous_with_database_down(down_app, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.access")
    down_app.test_client().get("/articles/anything")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "newsroom.access"]
    assert [(line["status"], line["user"]) for line in lines] == [(503, "anonymous")]


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_answers_ok_with_database_down_and_a_session_cookie(
    client, auth, make_user, down_app
):
    """The process is up even when the database is not; the check must not need it."""
    auth.login(make_user().email)
    down = down_app.test_client()
    down.set_cookie("session", client.get_cookie("session").value)
    assert down.get("/healthz").status_code == 200


def test_readyz_answers_ok_with_database_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_readyz_answers_503_with_database_unreachable(down_app):
    response = down_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["newsroom.test"]}])
def test_trusted_hosts_refuses_another_host_with_400(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["newsroom.test"]}])
def test_trusted_hosts_refuses_another_host_with_400_json(client):
    response = client.get("/", headers={"Host": "evil.example", "Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid"


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["newsroom.test"]}])
def test_trusted_hosts_serves_the_configured_host(client):
    assert client.get("/", headers={"Host": "newsroom.test"}).status_code == 200


def test_environment_sets_production_settings(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("SECRET_KEY_FALLBACKS", f"{'1' * 32},{'2' * 32}")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@127.0.0.1:5432/newsroom")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    monkeypatch.setenv("TRUSTED_HOSTS", "news.example, www.news.example")
    monkeypatch.setenv("NEWSROOM_SITE_URL", "https://news.example")
    monkeypatch.setenv("NEWSROOM_ENV", "production")
    monkeypatch.setenv("NEWSROOM_MAIL_SERVER", "smtp.news.example")
    monkeypatch.setenv("NEWSROOM_MAIL_PORT", "587")
    monkeypatch.setenv("NEWSROOM_MAIL_USE_TLS", "true")
    monkeypatch.setenv("NEWSROOM_MAIL_USERNAME", "newsroom")
    monkeypatch.setenv("NEWSROOM_MAIL_PASSWORD", "20261202")
    monkeypatch.setenv("NEWSROOM_MAIL_FROM", "News <news@news.example>")
    monkeypatch.setenv("NEWSROOM_CUSTOMER_SERVICE_EMAIL", "service@news.example")
    app = create_app()
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SECRET_KEY_FALLBACKS"] == ["1" * 32, "2" * 32]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://u@127.0.0.1:5432/newsroom"
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/0"
    assert app.config["TRUSTED_HOSTS"] == ["news.example", "www.news.example"]
    assert app.config["SITE_URL"] == "https://news.example"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    mail = app.extensions["mailman"]
    assert (mail.server, mail.port, mail.use_tls, mail.backend) == (
        "smtp.news.example",
        587,
        True,
        "smtp",
    )
    assert (mail.username, mail.password) == ("newsroom", "20261202")
    assert mail.default_sender == "News <news@news.example>"
