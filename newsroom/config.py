"""Configuration defaults. Secrets come from the environment; nothing here does I/O."""

import os
from collections.abc import Callable

# Development-only secret. Production refuses to start with it (see check_production_config).
DEVELOPMENT_SECRET_KEY = "development-only-secret-do-not-use-in-production"
MIN_SECRET_LENGTH = 32


class Config:
    ENV = "development"  # NEWSROOM_ENV=production turns on the production checks
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SECRET_KEY_FALLBACKS: list[str] = []

    SQLALCHEMY_DATABASE_URI = "sqlite:///newsroom.sqlite3"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    SITE_NAME = "Newsroom"
    SITE_URL = "http://127.0.0.1:5000"
    CONTACT_EMAIL = "contact@newsroom.example"
    TIMEZONE = "Europe/Copenhagen"
    GIFTS_PER_MONTH = 5
    GIFT_LINK_DAYS = 30
    ARTICLES_PER_PAGE = 20
    READING_LIST_PER_PAGE = 20
    SEARCH_PER_PAGE = 20
    SIDEBAR_CACHE_SECONDS = 60
    ARTICLE_CACHE_SECONDS = 10  # article rows; an editor's change empties the cache at once
    # Public pages (delivery/public.py): how long a shared cache (and the embedded store,
    # delivery/page_cache.py) may keep one, its s-maxage; 0 keeps none.
    PAGE_CACHE_SECONDS = 60
    PAGE_CACHE_BYTES = 64 * 1024 * 1024  # the embedded store's hard bound, per process
    # Shared caches in front (Varnish, a CDN): comma-separated base URLs that take `PURGE /`
    # with an `xkey` header after every editor's change. Empty: no shared cache to purge.
    CACHE_PURGE_URLS = ""

    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    PASSWORD_MIN_LENGTH = 10

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Copenhagen"
    LANGUAGES = ("en", "da")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    WTF_CSRF_SSL_STRICT = True

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30

    RATELIMIT_STORAGE_URI = "memory://"
    # Off: Flask-Limiter would put its window's reset (an hour) in Retry-After on every
    # answer of a limited page, a 503 included; the 429 page says when to come back itself.
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute"
    LOGIN_LIMIT_PER_ACCOUNT = "10 per minute"
    GIFT_CREATE_LIMIT = "30 per minute"
    GIFT_TOKEN_FAILURE_LIMIT = "30 per minute"
    VERIFY_RESEND_LIMIT = "3 per hour"  # "send the link again" per account
    PASSWORD_FORGOT_LIMIT_PER_ADDRESS = "5 per hour"  # reset mails asked for one address
    PASSWORD_FORGOT_LIMIT_PER_CLIENT = "20 per hour"
    GIFT_ASK_LIMIT = "5 per hour"  # requests for a new link, per address
    GIFT_READER_LIMIT = "20 per hour"  # new gift-reader browser ids handed to one client
    GIFT_MAIL_LIMIT = "10 per hour"  # gift links sent by e-mail, per giver
    REGISTER_LIMIT = "10 per hour"  # sign-ups (and tries of a taken address) per client
    # Every other password or token check (web/limits.py: credential_check).
    CREDENTIAL_LIMIT_PER_ACCOUNT = "10 per minute"
    CREDENTIAL_LIMIT_PER_CLIENT = "20 per minute"

    # How many reverse proxies stand in front; only then are X-Forwarded-For/-Proto believed.
    PROXY_COUNT = 0

    TRUSTED_HOSTS: list[str] | None = None
    # Production mails its links and builds its feeds on SITE_URL, so it must be https unless
    # this is set on purpose (a closed test installation without a certificate).
    ALLOW_HTTP_SITE_URL = False
    # The largest form is a few kB; anything bigger is refused (413) before it is read.
    MAX_CONTENT_LENGTH = 64 * 1024

    # Mail: Flask-Mailman reads the MAIL_* names. Without a server, development prints mail.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_FROM = "Newsroom <newsroom@localhost>"
    MAIL_TIMEOUT = 10  # seconds an SMTP server may keep a delivery waiting
    MAIL_DELIVER_AFTER_REQUEST = True  # try each queued mail as soon as its request committed
    MAIL_RETRY_SECONDS = 30  # first retry delay; doubles per attempt, at most an hour
    MAIL_MAX_ATTEMPTS = 20
    MAIL_WORKER_POLL_SECONDS = 5
    MAIL_KEEP_SENT_DAYS = 7

    # Buying Digital+ with Stripe: without the first three the Digital+ page names customer
    # service instead. STRIPE_PRICE_ID may be a Price or (older accounts, localstripe) a Plan.
    STRIPE_SECRET_KEY: str | None = None
    STRIPE_PRICE_ID: str | None = None
    STRIPE_WEBHOOK_SECRET: str | None = None
    STRIPE_API_BASE: str | None = None  # tests: a Stripe stand-in on loopback
    STRIPE_TIMEOUT_SECONDS = 10  # a reader waits on Checkout and the portal; Stripe answers fast
    STRIPE_NETWORK_RETRIES = 1  # the SDK adds idempotency keys, so a retried POST is safe
    STRIPE_PRICE_CACHE_SECONDS = 600  # the price shown on the Digital+ page
    STRIPE_PRICE_RETRY_SECONDS = 30  # after Stripe failed to answer for it
    PAST_DUE_GRACE_DAYS = 7  # a failed renewal keeps Digital+ this long past the period end
    # Where Checkout and the customer portal live: the forms that lead there may go there.
    STRIPE_FORM_ACTION_ORIGINS = ["https://checkout.stripe.com", "https://billing.stripe.com"]
    BILLING_START_LIMIT = "10 per minute"  # Checkout and portal sessions started, per reader
    # Customer service, named on the Digital+ page (where it sells Digital+ without Stripe)
    # and wherever the site asks readers to write: an address, and optionally a phone number
    # and opening hours as readers should read them ("weekdays 9-16").
    CUSTOMER_SERVICE_EMAIL: str | None = None
    CUSTOMER_SERVICE_PHONE: str | None = None
    CUSTOMER_SERVICE_HOURS: str | None = None


STRIPE_SETTINGS = ("STRIPE_SECRET_KEY", "STRIPE_PRICE_ID", "STRIPE_WEBHOOK_SECRET")


def billing_configured(config) -> bool:
    """Stripe is set up: Digital+ can be bought on the site."""
    return all(config.get(name) for name in STRIPE_SETTINGS)


def environment_overrides() -> dict:
    """Settings read from unprefixed variables that operators expect by their usual names."""
    overrides: dict = {}
    if url := os.environ.get("DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if key := os.environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = key
    if fallbacks := os.environ.get("SECRET_KEY_FALLBACKS"):
        overrides["SECRET_KEY_FALLBACKS"] = [k for k in fallbacks.split(",") if k]
    if redis_url := os.environ.get("REDIS_URL"):
        overrides["RATELIMIT_STORAGE_URI"] = redis_url
    for name in STRIPE_SETTINGS + ("STRIPE_API_BASE",):
        if value := os.environ.get(name):
            overrides[name] = value
    if hosts := os.environ.get("TRUSTED_HOSTS"):
        overrides["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    return overrides


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the driver this project ships."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def mail_settings(config: dict) -> dict:
    """What Flask-Mailman needs, derived from the site's mail settings: SMTP when a server is
    configured, the console otherwise."""
    password = config.get("MAIL_PASSWORD")
    backend = config.get("MAIL_BACKEND") or (
        "smtp" if config.get("MAIL_SERVER") else "newsroom.mail.delivery.ConsoleEmailBackend"
    )
    return {
        "MAIL_BACKEND": backend,
        "MAIL_DEFAULT_SENDER": config.get("MAIL_FROM"),
        # A password of digits arrives from the environment as a JSON number.
        "MAIL_PASSWORD": None if password is None else str(password),
    }


class ConfigError(RuntimeError):
    """The configuration is unsafe to run with."""


def _secret_key(config: dict) -> str | None:
    secret = config.get("SECRET_KEY")
    if not secret or secret == DEVELOPMENT_SECRET_KEY:
        return (
            "Refusing to start in production without a real SECRET_KEY: "
            "set SECRET_KEY (or NEWSROOM_SECRET_KEY) to a long random value."
        )
    if len(secret) < MIN_SECRET_LENGTH:
        return (
            f"SECRET_KEY is too short for production: use at least {MIN_SECRET_LENGTH} characters."
        )
    return None


def _secret_key_fallbacks(config: dict) -> str | None:
    # Flask accepts session cookies signed with any fallback, so each must be as strong.
    for key in config.get("SECRET_KEY_FALLBACKS") or []:
        if not key or key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_LENGTH:
            return (
                "Every SECRET_KEY_FALLBACKS entry must be a real key of at least "
                f"{MIN_SECRET_LENGTH} characters, never the development secret."
            )
    return None


def _site_url(config: dict) -> str | None:
    if not config.get("SITE_URL") or config["SITE_URL"] == Config.SITE_URL:
        return (
            "Set NEWSROOM_SITE_URL to the site's public address (e.g. https://news.example): "
            "every gift link, share link and feed entry is built on it."
        )
    if not str(config["SITE_URL"]).lower().startswith("https://") and not config.get(
        "ALLOW_HTTP_SITE_URL"
    ):
        return (
            "NEWSROOM_SITE_URL must start with https:// in production: every mailed link and "
            "feed entry is built on it. Set NEWSROOM_ALLOW_HTTP_SITE_URL=true only for an "
            "installation that is never reached over the internet."
        )
    return None


def _limit_storage(config: dict) -> str | None:
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory://"):
        return (
            "Set REDIS_URL (or NEWSROOM_RATELIMIT_STORAGE_URI) to shared storage for the rate "
            "limits: counted in each process's memory they do not hold across workers."
        )
    return None


def _mail_server(config: dict) -> str | None:
    if not config.get("MAIL_SERVER"):
        return (
            "Refusing to start in production without a mail server: "
            "set NEWSROOM_MAIL_SERVER (and NEWSROOM_MAIL_PORT, _USERNAME, _PASSWORD, _USE_TLS, "
            "NEWSROOM_MAIL_FROM)."
        )
    return None


def _stripe(config: dict) -> str | None:
    given = [name for name in STRIPE_SETTINGS if config.get(name)]
    if given and len(given) != len(STRIPE_SETTINGS):
        missing = ", ".join(name for name in STRIPE_SETTINGS if name not in given)
        return f"Stripe is only half set up: set {missing} as well, or none of them."
    if config.get("STRIPE_API_BASE"):
        return "STRIPE_API_BASE is for tests against a Stripe stand-in; unset it in production."
    return None


def _sales_channel(config: dict) -> str | None:
    if billing_configured(config) or config.get("CUSTOMER_SERVICE_EMAIL"):
        return None
    return (
        "Readers have no way to get Digital+: set the Stripe settings (STRIPE_SECRET_KEY, "
        "STRIPE_PRICE_ID, STRIPE_WEBHOOK_SECRET) or NEWSROOM_CUSTOMER_SERVICE_EMAIL, or both."
    )


# Each check returns what is wrong with the configuration, or None; add new ones here.
PRODUCTION_CHECKS: tuple[Callable[[dict], str | None], ...] = (
    _secret_key,
    _secret_key_fallbacks,
    _site_url,
    _limit_storage,
    _mail_server,
    _stripe,
    _sales_channel,
)


def check_production_config(config: dict) -> None:
    """Refuse to run production with an unsafe setting, naming every one that is wrong."""
    if config.get("ENV") != "production":
        return
    problems = [message for check in PRODUCTION_CHECKS if (message := check(config))]
    if problems:
        raise ConfigError(" ".join(problems))
