"""Only http, https and mailto leave the site (N10): a protocol-relative address (`//host/x`,
`/\\host/x`) names another host to a browser, so it is refused for `image` and dropped from
bodies, while site paths and full http(s) addresses stay."""

import re

import pytest

from newsroom.articles.rendering import render_body
from tests.articles.test_importing import article_text, run_import, stored, write

OFF_SITE = ["//evil.example/x.jpg", "/\\evil.example/x.jpg", "\\\\evil.example/x.jpg"]


@pytest.mark.parametrize("image", OFF_SITE)
def test_import_refuses_a_protocol_relative_image(app, tmp_path, image):
    write(tmp_path, "good.md", article_text(slug="good", image="/static/good.jpg"))
    bad = write(tmp_path, "bad.md", article_text(slug="bad", image=f"'{image}'"))
    report = run_import(app, tmp_path)
    assert [(str(p.path), p.field) for p in report.problems] == [(str(bad), "image")]
    assert report.created == ["good"]
    assert stored(app, "bad") is None
    assert stored(app, "good").image == "/static/good.jpg"


@pytest.mark.parametrize(
    "markdown",
    [
        "See [this](//evil.example/x) now.",
        "See ![this](//evil.example/x.png) now.",
        "See [this][r] now.\n\n[r]: //evil.example/x",
        "See [this](<\t//evil.example/x>) now.",
    ],
)
def test_render_body_drops_protocol_relative_links_and_images(markdown):
    html = render_body(markdown).teaser_html
    assert "this" in html
    assert re.findall(r'(?:href|src)="([^"]*)"', html) == []


def test_imported_body_keeps_site_paths_and_full_addresses_but_no_other_host(app, tmp_path):
    body = (
        "Read [ours](/articles/x), [theirs](https://example.com/r), [mail](mailto:a@b.dk) "
        "and [scheme-less](//evil.example/x).\n"
    )
    run_import(app, write(tmp_path, "a.md", article_text(body=body)))
    html = stored(app).teaser_html
    assert 'href="/articles/x"' in html
    assert 'href="https://example.com/r"' in html
    assert 'href="mailto:a@b.dk"' in html
    assert "evil.example" not in html
