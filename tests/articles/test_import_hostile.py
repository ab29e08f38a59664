"""Malformed files among good ones (I1), for `import` and `jobs` alike: each is reported as
PATH: FIELD: problem, the others load, the command exits 1, and nothing runs away."""

import pytest

from newsroom.core import clock, yaml_input
from newsroom.extensions import db
from newsroom.jobs import listings
from newsroom.models import Article, Job
from tests.articles.test_importing import TZ, article_text, run_import, write
from tests.helpers import rows

GOOD_JOB = """\
- title: Energy journalist
  employer: Nordlys Mediehus
  url: https://listings.example.com/energy
  posted_at: 2026-11-10
"""
# Nine levels of nine aliases: under 600 bytes that stand for 9**9 strings once used.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)
    ]
)
DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-12:00", "0001-01-01", "0001-01-01T00:30:00+01:00", "1899-12-31"],
)
def test_parse_instant_out_of_range_is_none_not_an_overflow(value):
    assert clock.parse_instant(value, TZ) is None


def test_parse_instant_keeps_the_range_ends():
    assert clock.parse_instant("1900-01-01T00:00:00+00:00", TZ).year == 1900
    assert clock.parse_instant("2999-12-31", TZ).year == 2999


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01"])
def test_import_date_out_of_range_is_reported_and_others_import(app, tmp_path, value):
    write(tmp_path, "good.md", article_text(slug="good"))
    bad = write(tmp_path, "bad.md", article_text(slug="bad", published_at=value))
    report = run_import(app, tmp_path)
    assert [str(p) for p in report.problems] == [f"{bad}: published_at: {yaml_input.DATE_PROBLEM}"]
    assert report.created == ["good"]


def test_import_deeply_nested_front_matter_is_reported_and_others_import(app, tmp_path):
    write(tmp_path, "good.md", article_text(slug="good"))
    bad = write(tmp_path, "deep.md", "---\nslug: " + DEEP + "\n---\nBody.\n")
    report = run_import(app, tmp_path)
    assert len(report.problems) == 1
    assert str(report.problems[0]).startswith(f"{bad}: front matter: not valid YAML")
    assert "nested deeper than" in str(report.problems[0])
    assert report.created == ["good"]


def test_import_front_matter_with_aliases_is_reported_and_others_import(app, tmp_path):
    write(tmp_path, "good.md", article_text(slug="good"))
    bad = write(tmp_path, "alias.md", "---\n" + ALIAS_BOMB + "\n---\nBody.\n")
    report = run_import(app, tmp_path)
    assert [p.field for p in report.problems] == ["front matter"]
    assert "aliases" in report.problems[0].message
    assert str(report.problems[0]).startswith(str(bad))
    assert report.created == ["good"]


def test_import_command_with_hostile_files_exits_1_without_a_traceback(app, runner, tmp_path):
    write(tmp_path, "good.md", article_text(slug="good"))
    write(tmp_path, "date.md", article_text(slug="date", published_at="0001-01-01"))
    write(tmp_path, "deep.md", "---\nslug: " + DEEP + "\n---\nBody.\n")
    result = runner.invoke(args=["newsroom", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "1 created, 0 updated, 2 file(s) with errors" in result.output
    assert rows(app, Article) == 1


def load_jobs(app, path):
    with app.app_context():
        loaded, problems = listings.import_jobs(db.session, path, TZ)
        db.session.commit()
        return loaded, [str(p) for p in problems]


def test_jobs_alias_bomb_is_refused_at_once(app, tmp_path):
    entry = "- " + ALIAS_BOMB.replace("\n", "\n  ")
    entry += "\n  title: *i\n  employer: *i\n  url: https://listings.example.com/x\n"
    path = write(tmp_path, "jobs.yaml", entry + "  posted_at: 2026-11-10\n")
    assert path.stat().st_size < 600
    loaded, problems = load_jobs(app, path)
    assert loaded == 0
    assert len(problems) == 1 and problems[0].startswith(f"{path}: file: not valid YAML")


def test_jobs_small_alias_is_refused_too(app, tmp_path):
    text = GOOD_JOB + "- title: &t Copy editor\n  employer: *t\n"
    text += "  url: https://listings.example.com/copy\n  posted_at: 2026-11-11\n"
    path = write(tmp_path, "jobs.yaml", text)
    loaded, problems = load_jobs(app, path)
    assert loaded == 0
    assert "aliases (*name) are not allowed" in problems[0]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-12:00", "0001-01-01"])
def test_jobs_date_out_of_range_is_reported_and_others_load(app, tmp_path, value):
    text = GOOD_JOB + "- title: Copy editor\n  employer: Avisen\n"
    text += f"  url: https://listings.example.com/copy\n  posted_at: {value}\n"
    path = write(tmp_path, "jobs.yaml", text)
    loaded, problems = load_jobs(app, path)
    assert loaded == 1
    assert problems == [f"{path}#2: posted_at: {yaml_input.DATE_PROBLEM}"]


def test_jobs_deep_nesting_is_reported(app, tmp_path):
    path = write(tmp_path, "jobs.yaml", DEEP)
    loaded, problems = load_jobs(app, path)
    assert loaded == 0
    assert "nested deeper than" in problems[0]


def test_jobs_fields_of_the_wrong_type_are_reported_and_others_load(app, tmp_path):
    text = GOOD_JOB + "- title: [Copy, editor]\n  employer: {name: Avisen}\n"
    text += "  url: https://listings.example.com/copy\n  posted_at: 2026-11-11\n"
    path = write(tmp_path, "jobs.yaml", text)
    loaded, problems = load_jobs(app, path)
    assert loaded == 1
    assert problems == [f"{path}#2: title: must be text", f"{path}#2: employer: must be text"]
    assert rows(app, Job) == 1


def test_jobs_file_over_1_mb_is_refused_unread(app, tmp_path):
    path = write(tmp_path, "jobs.yaml", GOOD_JOB + "#" * 1_100_000 + "\n")
    loaded, problems = load_jobs(app, path)
    assert (loaded, problems) == (0, [f"{path}: file: larger than 1 MB"])


def test_jobs_command_with_a_hostile_file_exits_1_without_a_traceback(runner, tmp_path):
    path = write(tmp_path, "jobs.yaml", DEEP)
    result = runner.invoke(args=["newsroom", "jobs", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"error: {path}: file: not valid YAML" in result.stderr
