"""Importing Markdown articles: validation by file and field, upserts, rendering and the split."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from newsroom.articles import importing
from newsroom.articles.rendering import render_body
from newsroom.core import yaml_input
from newsroom.extensions import db
from newsroom.models import Article

TZ = "Europe/Copenhagen"

FIELDS = {
    "slug": "havnen-er-sjaeldent-flaskehalsen",
    "title": "Havnen er sjældent flaskehalsen",
    "lead": "Papirerne er.",
    "section": "Debat",
    "kind": "commentary",
    "author": "Mette Skov",
    "author_title": "havnerådgiver",
    "language": "da",
    "published_at": "2026-11-08T09:15:00+01:00",
    "locked": "true",
}
BODY = "Første afsnit, som alle må læse.\n\nAndet afsnit kun for abonnenter.\n"


def article_text(body: str = BODY, drop: tuple[str, ...] = (), **overrides: str) -> str:
    fields = {**FIELDS, **overrides}
    lines = [f"{key}: {value}" for key, value in fields.items() if key not in drop]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_import(app, *paths: Path) -> importing.ImportReport:
    with app.app_context():
        report = importing.import_paths(db.session, list(paths), TZ)
        db.session.commit()
        return report


def stored(app, slug: str = FIELDS["slug"]) -> Article | None:
    with app.app_context():
        return db.session.scalar(select(Article).where(Article.slug == slug))


def article_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Article.id)))


def test_import_single_file_creates_the_article(app, tmp_path):
    report = run_import(app, write(tmp_path, "a.md", article_text()))
    assert report.created == [FIELDS["slug"]]
    article = stored(app)
    assert article.headline == FIELDS["title"]
    assert article.locked is True
    assert article.author.title == "havnerådgiver"


def test_import_folder_imports_every_markdown_file(app, tmp_path):
    write(tmp_path, "one.md", article_text(slug="one"))
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "two.md", article_text(slug="two"))
    write(tmp_path, "notes.txt", "not an article")
    report = run_import(app, tmp_path)
    assert sorted(report.created) == ["one", "two"]
    assert not report.problems


def test_import_again_updates_the_same_slug(app, tmp_path):
    path = write(tmp_path, "a.md", article_text())
    run_import(app, path)
    write(tmp_path, "a.md", article_text(title="Ny rubrik"))
    report = run_import(app, path)
    assert report.updated == [FIELDS["slug"]]
    assert article_count(app) == 1
    assert stored(app).headline == "Ny rubrik"


BROKEN = [
    ("missing-field", article_text(drop=("lead",)), "lead"),
    ("bad-date", article_text(published_at="2026-13-45"), "published_at"),
    ("bad-date-text", article_text(published_at="next tuesday"), "published_at"),
    ("bad-kind", article_text(kind="gossip"), "kind"),
    ("bad-slug", article_text(slug="Not A Slug!"), "slug"),
    ("bad-language", article_text(language="Danish language"), "language"),
    ("non-boolean-locked", article_text(locked="maybe"), "locked"),
    ("invalid-yaml", article_text(title='"unterminated'), "front matter"),
    ("no-front-matter", "Just a body without any header.\n", "front matter"),
    ("empty-body", article_text(body="\n   \n"), "body"),
    ("non-utf8", article_text().encode("utf-8").replace("ø".encode(), b"\xf8"), "file"),
    ("oversize", article_text(body="x" * (yaml_input.MAX_FILE_BYTES + 1)), "file"),
]


@pytest.mark.parametrize(("name", "text", "field"), BROKEN, ids=[b[0] for b in BROKEN])
def test_import_broken_file_reported_by_name_and_field(app, tmp_path, name, text, field):
    path = write(tmp_path, f"{name}.md", text)
    report = run_import(app, path)
    assert (str(path), field) in {(p.path, p.field) for p in report.problems}
    assert report.created == [] and report.updated == []


@pytest.mark.parametrize(("name", "text", "field"), BROKEN, ids=[b[0] for b in BROKEN])
def test_import_broken_file_writes_nothing_and_others_import(app, tmp_path, name, text, field):
    write(tmp_path, "a-good.md", article_text(slug="good-one"))
    write(tmp_path, f"{name}.md", text)
    write(tmp_path, "z-good.md", article_text(slug="good-two"))
    report = run_import(app, tmp_path)
    assert sorted(report.created) == ["good-one", "good-two"]
    assert article_count(app) == 2


def test_import_broken_update_leaves_the_stored_article_unchanged(app, tmp_path):
    path = write(tmp_path, "a.md", article_text())
    run_import(app, path)
    write(tmp_path, "a.md", article_text(title="Changed", kind="gossip"))
    run_import(app, path)
    assert stored(app).headline == FIELDS["title"]


def test_import_keeps_nordic_letters_quotes_and_dashes(app, tmp_path):
    text = "“Åsa öppnar dörren” – sagde Søren — ‘på svenska’ … æøå ÆØÅ äö."
    write(tmp_path, "a.md", article_text(body=text + "\n", title=f'"{text}"', lead=f'"{text}"'))
    run_import(app, tmp_path)
    article = stored(app)
    assert article.headline == text
    assert article.lead == text
    assert text in article.teaser_html


def test_import_renders_markdown_at_import(app, tmp_path):
    write(tmp_path, "a.md", article_text(body="Et *vigtigt* afsnit.\n\n## Mellemrubrik\n"))
    run_import(app, tmp_path)
    article = stored(app)
    assert article.teaser_html == "<p>Et <em>vigtigt</em> afsnit.</p>"
    assert article.rest_html == "<h2>Mellemrubrik</h2>"


def test_render_body_drops_script_and_javascript_links():
    rendered = render_body(
        "Read [this](javascript:alert(1)) now.\n\n"
        '<script>alert("x")</script>\n\n'
        '[again](JavaScript:alert(2)) and <a href="javascript:alert(3)">raw</a>\n'
    )
    html = rendered.teaser_html + rendered.rest_html
    assert "<script" not in html
    assert "<a " not in html  # no link survives, so no javascript: href can be clicked


def test_render_body_escapes_raw_html():
    rendered = render_body('Intro.\n\n<div onclick="steal()">boxed</div>\n')
    assert "<div" not in rendered.rest_html
    assert "&lt;div" in rendered.rest_html


def test_render_body_keeps_safe_links_with_rel():
    rendered = render_body("See [the report](https://example.com/r).")
    assert 'href="https://example.com/r"' in rendered.teaser_html
    assert 'rel="noopener noreferrer"' in rendered.teaser_html


def test_render_body_teaser_is_exactly_the_first_paragraph():
    rendered = render_body("First one.\nStill first.\n\nSecond.\n\n- a list\n")
    assert rendered.teaser_html == "<p>First one.\nStill first.</p>"
    assert rendered.rest_html.startswith("<p>Second.</p>")


def test_render_body_without_an_opening_paragraph_has_no_teaser():
    rendered = render_body("- point one\n- point two\n\nA paragraph after the list.\n")
    assert rendered.teaser_html == ""
    assert "point one" in rendered.rest_html


def test_import_readme_example_is_a_valid_article():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```markdown\n", 1)[1].split("```", 1)[0]
    source = importing.parse_source(example, TZ)
    assert source.locked is True
    assert source.kind == "commentary"
