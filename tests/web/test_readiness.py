"""/readyz tells a load balancer the truth (H11): no schema or no file is 503, and the check
creates nothing."""

from newsroom.extensions import db
from tests.conftest import POSTGRES_URL, make_test_app


def test_readyz_on_a_missing_sqlite_file_is_503_and_creates_nothing(tmp_path):
    path = tmp_path / "absent" / "newsroom.sqlite3"
    path.parent.mkdir()
    app = make_test_app(f"sqlite:///{path}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "missing"}
    assert list(path.parent.iterdir()) == []


def test_readyz_on_an_empty_database_without_the_schema_is_503(tmp_path):
    url = POSTGRES_URL or f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = make_test_app(url)
    with app.app_context():
        db.drop_all()  # PostgreSQL: the suite's schema; SQLite: creates the empty file
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "no schema"
    with app.app_context():
        db.create_all()  # leave the shared PostgreSQL schema as the suite expects
        db.engine.dispose()


def test_readyz_with_the_schema_is_ok(client):
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}


def test_no_request_creates_a_missing_sqlite_file(tmp_path):
    """Pages, feeds, forms and posts on a missing database answer 503 and leave no file."""
    path = tmp_path / "absent" / "newsroom.sqlite3"
    path.parent.mkdir()
    client = make_test_app(f"sqlite:///{path}").test_client()
    for method, address, status in [
        ("GET", "/", 503),
        ("GET", "/articles/any-article", 503),
        ("GET", "/feed.xml", 503),
        ("GET", "/search?q=anything", 503),
        ("GET", "/login", 503),  # every page's header lists the stored sections
        ("POST", "/login", 400),  # no CSRF token
    ]:
        assert client.open(address, method=method).status_code == status, address
    assert list(path.parent.iterdir()) == []
