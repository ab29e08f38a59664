"""Passwords and the production start-up checks (D6, D7)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug.security import check_password_hash, generate_password_hash

from newsroom import create_app
from newsroom.accounts import operations
from newsroom.config import DEVELOPMENT_SECRET_KEY, Config, ConfigError
from newsroom.extensions import db
from newsroom.models import User
from tests.conftest import PRODUCTION, make_test_app
from tests.helpers import FAST_HASH, PASSWORD, csrf_token

ROOT = Path(__file__).resolve().parents[2]
OLD_HASH = "pbkdf2:sha256:600000"
LONG_PASSWORD = "Aa1-" + "x" * 60


def stored_hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_config_hashes_passwords_with_scrypt_n_2_17():
    assert Config.PASSWORD_HASH_METHOD == "scrypt:131072:8:1"


def test_authenticate_upgrades_older_hash_to_default_method(app, make_user):
    user = make_user()
    with app.app_context():
        row = db.session.get(User, user.id)
        row.password_hash = generate_password_hash(PASSWORD, method=OLD_HASH)
        db.session.flush()
        operations.authenticate(
            db.session, user.email, PASSWORD, hash_method=Config.PASSWORD_HASH_METHOD
        )
        assert row.password_hash.startswith("scrypt:131072:8:1$")
        assert check_password_hash(row.password_hash, PASSWORD)


def test_login_with_older_hash_succeeds_and_upgrades_it(app, auth, make_user):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).password_hash = generate_password_hash(
            PASSWORD, method=OLD_HASH
        )
        db.session.commit()
    assert auth.login(user.email).status_code == 302
    assert stored_hash(app, user.id).startswith(FAST_HASH + "$")


def test_login_with_wrong_password_keeps_older_hash(app, auth, make_user):
    user = make_user()
    old = generate_password_hash(PASSWORD, method=OLD_HASH)
    with app.app_context():
        db.session.get(User, user.id).password_hash = old
        db.session.commit()
    assert auth.login(user.email, "Wrong-password-1").status_code == 400
    assert stored_hash(app, user.id) == old


def test_register_and_login_accept_a_64_character_password(app, client, auth):
    assert len(LONG_PASSWORD) == 64
    response = client.post(
        "/register",
        data={
            "email": "long@example.com",
            "name": "Long Password",
            "password": LONG_PASSWORD,
            "csrf_token": csrf_token(client, "/register"),
        },
    )
    assert response.status_code == 302
    auth.logout()
    assert auth.login("long@example.com", LONG_PASSWORD).status_code == 302
    assert client.get("/account").status_code == 200


def test_login_rejects_the_64_character_password_cut_short(auth, make_user):
    user = make_user(password=LONG_PASSWORD)
    assert auth.login(user.email, LONG_PASSWORD[:63]).status_code == 400


@pytest.mark.parametrize("secret", [DEVELOPMENT_SECRET_KEY, "", None])
def test_create_app_in_production_refuses_development_or_missing_secret(database_url, secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        make_test_app(database_url, ENV="production", SECRET_KEY=secret)


def test_create_app_in_production_refuses_short_secret(database_url):
    with pytest.raises(ConfigError, match="at least 32 characters"):
        make_test_app(database_url, ENV="production", SECRET_KEY="short-secret")


def test_create_app_in_production_refuses_development_secret_as_fallback(database_url):
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        make_test_app(database_url, ENV="production", SECRET_KEY_FALLBACKS=[DEVELOPMENT_SECRET_KEY])


def test_create_app_in_production_starts_with_a_real_secret(database_url):
    app = make_test_app(database_url, **PRODUCTION)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_create_app_in_development_accepts_development_secret():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY


def run_flask(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSROOM_")}
    clean.pop("SECRET_KEY", None)
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}", **env)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "routes"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_flask_cli_in_production_without_secret_exits_with_message(tmp_path):
    result = run_flask(tmp_path, NEWSROOM_ENV="production")
    assert result.returncode != 0
    assert "Refusing to start in production without a real SECRET_KEY" in result.stderr


def test_flask_cli_in_production_with_development_secret_exits_with_message(tmp_path):
    result = run_flask(tmp_path, NEWSROOM_ENV="production", SECRET_KEY=DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "Refusing to start in production without a real SECRET_KEY" in result.stderr


def test_flask_cli_in_production_with_real_secret_starts(tmp_path):
    result = run_flask(
        tmp_path,
        NEWSROOM_ENV="production",
        SECRET_KEY="k" * 48,
        NEWSROOM_SITE_URL="https://news.example",
        REDIS_URL="redis://127.0.0.1:6390/0",
        NEWSROOM_MAIL_SERVER="127.0.0.1",
        NEWSROOM_CUSTOMER_SERVICE_EMAIL="service@news.example",
    )
    assert result.returncode == 0, result.stderr
    assert "articles.show" in result.stdout


def test_flask_cli_in_production_without_mail_server_exits_with_message(tmp_path):
    result = run_flask(tmp_path, NEWSROOM_ENV="production", SECRET_KEY="k" * 48)
    assert result.returncode != 0
    assert "Refusing to start in production without a mail server" in result.stderr
