"""Production refuses to start with an unsafe setting, naming it (H5)."""

import pytest

from newsroom.config import DEVELOPMENT_SECRET_KEY, ConfigError
from tests.accounts.test_accounts import run_flask
from tests.conftest import PRODUCTION, make_test_app

STRONG = "an-older-key-that-is-long-enough-0000000"
SHARED = {
    "ENV": "production",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6390/0",
    "SITE_URL": "https://news.example",
}


@pytest.mark.parametrize("weak", ["x", "", "k" * 31, DEVELOPMENT_SECRET_KEY])
def test_production_refuses_a_weak_secret_key_fallback(database_url, weak):
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        make_test_app(database_url, **PRODUCTION, SECRET_KEY_FALLBACKS=[STRONG, weak])


def test_production_refuses_a_weak_fallback_from_the_environment(tmp_path):
    result = run_flask(
        tmp_path,
        NEWSROOM_ENV="production",
        SECRET_KEY="k" * 48,
        SECRET_KEY_FALLBACKS="x",
        NEWSROOM_SITE_URL="https://news.example",
        REDIS_URL="redis://127.0.0.1:6390/0",
    )
    assert result.returncode != 0
    assert "SECRET_KEY_FALLBACKS" in result.stderr


def test_production_starts_with_strong_fallbacks(database_url):
    app = make_test_app(database_url, **PRODUCTION, SECRET_KEY_FALLBACKS=[STRONG, "o" * 32])
    assert app.config["SECRET_KEY_FALLBACKS"] == [STRONG, "o" * 32]


def test_production_refuses_to_start_without_a_site_url(database_url):
    with pytest.raises(ConfigError, match="NEWSROOM_SITE_URL"):
        make_test_app(database_url, **PRODUCTION, SITE_URL="http://127.0.0.1:5000")


def test_production_refuses_rate_limits_counted_in_process_memory(database_url):
    with pytest.raises(ConfigError, match="REDIS_URL"):
        make_test_app(database_url, ENV="production", RATELIMIT_STORAGE_URI="memory://")


def test_production_starts_with_shared_limit_storage(database_url):
    app = make_test_app(database_url, **SHARED)
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_production_names_every_wrong_setting_at_once(database_url):
    with pytest.raises(ConfigError) as refused:
        make_test_app(
            database_url,
            ENV="production",
            SECRET_KEY_FALLBACKS=["x"],
            SITE_URL="http://127.0.0.1:5000",
        )
    for setting in ("SECRET_KEY_FALLBACKS", "NEWSROOM_SITE_URL", "REDIS_URL"):
        assert setting in str(refused.value)


def test_development_needs_none_of_the_production_settings(database_url):
    app = make_test_app(database_url, SECRET_KEY_FALLBACKS=["x"], SITE_URL="http://127.0.0.1:5000")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("site_url", ["http://news.example", "HTTP://news.example"])
def test_production_refuses_a_plain_http_site_url(database_url, site_url):
    with pytest.raises(ConfigError, match="https://"):
        make_test_app(database_url, **SHARED | {"SITE_URL": site_url})


def test_production_runs_on_http_only_when_allowed_by_name(tmp_path):
    environment = {
        "NEWSROOM_ENV": "production",
        "SECRET_KEY": "k" * 48,
        "NEWSROOM_SITE_URL": "http://news.example",
        "REDIS_URL": "redis://127.0.0.1:6390/0",
        "NEWSROOM_MAIL_SERVER": "127.0.0.1",
        "NEWSROOM_CUSTOMER_SERVICE_EMAIL": "service@news.example",
    }
    refused = run_flask(tmp_path, **environment)
    assert refused.returncode != 0
    assert "NEWSROOM_ALLOW_HTTP_SITE_URL" in refused.stderr
    allowed = run_flask(tmp_path, **environment, NEWSROOM_ALLOW_HTTP_SITE_URL="true")
    assert allowed.returncode == 0, allowed.stderr


def test_production_starts_on_an_https_site_url(database_url):
    app = make_test_app(database_url, **SHARED)
    assert app.config["SITE_URL"] == "https://news.example"


def test_production_refuses_to_start_with_no_way_to_get_digital_plus(database_url):
    with pytest.raises(ConfigError, match="NEWSROOM_CUSTOMER_SERVICE_EMAIL"):
        make_test_app(database_url, **SHARED, CUSTOMER_SERVICE_EMAIL=None)


def test_production_starts_with_customer_service_or_stripe_alone(database_url):
    serviced = make_test_app(database_url, **SHARED)
    assert serviced.config["CUSTOMER_SERVICE_EMAIL"]
    stripe = {
        "STRIPE_SECRET_KEY": "sk_live_x",
        "STRIPE_PRICE_ID": "price_1",
        "STRIPE_WEBHOOK_SECRET": "whsec_x",
    }
    sold = make_test_app(database_url, **SHARED, **stripe, CUSTOMER_SERVICE_EMAIL=None)
    assert sold.config["STRIPE_SECRET_KEY"] == "sk_live_x"


def test_production_reads_customer_service_from_the_environment(tmp_path):
    environment = {
        "NEWSROOM_ENV": "production",
        "SECRET_KEY": "k" * 48,
        "NEWSROOM_SITE_URL": "https://news.example",
        "REDIS_URL": "redis://127.0.0.1:6390/0",
        "NEWSROOM_MAIL_SERVER": "127.0.0.1",
    }
    refused = run_flask(tmp_path, **environment)
    assert refused.returncode != 0
    assert "NEWSROOM_CUSTOMER_SERVICE_EMAIL" in refused.stderr
    allowed = run_flask(tmp_path, **environment, NEWSROOM_CUSTOMER_SERVICE_EMAIL="s@news.example")
    assert allowed.returncode == 0, allowed.stderr
