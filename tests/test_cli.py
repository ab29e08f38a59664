"""The editor's commands: import, jobs, subscribe and demo, through the Flask CLI runner."""

import re

from newsroom.models import Article, Author, Job, Subscription, User
from tests.articles.test_importing import article_text, write
from tests.helpers import csrf_token, rows

JOBS = """\
- title: Energijournalist
  employer: Nordlys Mediehus
  location: Esbjerg
  url: https://jobs.example.com/energi
  posted_at: 2026-11-10
- title: Datajournalist
  employer: Mälardalens Nyhetsbyrå
  url: https://jobs.example.com/data
  posted_at: 2026-11-14T08:00:00+01:00
"""
DEMO_LOGIN = re.compile(r"(\S+@example\.com)\s+password: (\S+)")


def test_import_command_reports_created_articles(runner, tmp_path):
    write(tmp_path, "a.md", article_text(slug="from-the-cli"))
    result = runner.invoke(args=["newsroom", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "created from-the-cli" in result.output


def test_import_command_broken_file_exits_non_zero_naming_file_and_field(app, runner, tmp_path):
    write(tmp_path, "good.md", article_text(slug="good"))
    bad = write(tmp_path, "bad.md", article_text(slug="bad", kind="gossip"))
    result = runner.invoke(args=["newsroom", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error: {bad}: kind:" in result.stderr
    assert rows(app, Article) == 1


def test_import_command_unknown_path_is_reported(runner, tmp_path):
    missing = tmp_path / "nowhere.md"
    result = runner.invoke(args=["newsroom", "import", str(missing)])
    assert result.exit_code == 1
    assert f"{missing}: file: not found" in result.stderr


def test_jobs_command_loads_listings(app, runner, tmp_path):
    path = write(tmp_path, "jobs.yaml", JOBS)
    result = runner.invoke(args=["newsroom", "jobs", str(path)])
    assert result.exit_code == 0, result.output
    assert rows(app, Job) == 2


def test_jobs_command_run_twice_has_no_duplicates(app, runner, tmp_path):
    path = write(tmp_path, "jobs.yaml", JOBS)
    runner.invoke(args=["newsroom", "jobs", str(path)])
    runner.invoke(args=["newsroom", "jobs", str(path)])
    assert rows(app, Job) == 2


def test_jobs_command_reports_bad_entries_and_loads_the_rest(app, runner, tmp_path):
    bad = JOBS + (
        "- title: No link\n  employer: X\n  url: ftp://jobs.example.com/x\n"
        "  posted_at: 2026-11-01\n"
        "- title: Bad date\n  employer: Y\n  url: https://jobs.example.com/y\n"
        "  posted_at: 2026-02-30\n"
    )
    path = write(tmp_path, "jobs.yaml", bad)
    result = runner.invoke(args=["newsroom", "jobs", str(path)])
    assert result.exit_code == 1
    assert f"{path}#3: url:" in result.stderr
    assert f"{path}#4: posted_at:" in result.stderr
    assert rows(app, Job) == 2


def test_jobs_command_not_a_list_is_reported(runner, tmp_path):
    path = write(tmp_path, "jobs.yaml", "title: just one mapping\n")
    result = runner.invoke(args=["newsroom", "jobs", str(path)])
    assert result.exit_code == 1
    assert f"{path}: file: must be a YAML list" in result.stderr


def test_demo_command_loads_twelve_articles(app, runner):
    result = runner.invoke(args=["newsroom", "demo"])
    assert result.exit_code == 0, result.output
    assert rows(app, Article) == 12
    assert rows(app, Author) >= 3
    assert rows(app, Job) >= 3


def test_demo_command_twice_duplicates_nothing(app, runner):
    runner.invoke(args=["newsroom", "demo"])
    before = {model: rows(app, model) for model in (Article, Author, Job, User, Subscription)}
    result = runner.invoke(args=["newsroom", "demo"])
    assert result.exit_code == 0, result.output
    assert {model: rows(app, model) for model in before} == before


def test_demo_command_prints_two_accounts_one_with_digital_plus(runner):
    result = runner.invoke(args=["newsroom", "demo"])
    lines = [line for line in result.output.splitlines() if DEMO_LOGIN.search(line)]
    assert len(lines) == 2
    assert "Digital+ subscriber" in lines[0]
    assert "no Digital+" in lines[1]


def demo_logins(runner) -> list[tuple[str, str]]:
    return DEMO_LOGIN.findall(runner.invoke(args=["newsroom", "demo"]).output)


def test_demo_command_subscriber_logs_in_and_reads_locked_article(client, auth, runner):
    (email, password), _ = demo_logins(runner)
    response = auth.login(email, password)
    assert response.status_code == 302
    page = client.get("/articles/batterier-alene-redder-ikke-elnettet").get_data(as_text=True)
    assert "This article requires Digital+" not in page
    assert 'class="paywalled-content"' in page


def test_demo_command_reader_logs_in_and_meets_the_paywall(client, auth, runner):
    _, (email, password) = demo_logins(runner)
    response = auth.login(email, password)
    assert response.status_code == 302
    page = client.get("/articles/batterier-alene-redder-ikke-elnettet").get_data(as_text=True)
    assert "This article requires Digital+" in page


def test_demo_command_accounts_get_new_passwords_each_run(client, runner):
    (email, old_password), _ = demo_logins(runner)
    demo_logins(runner)
    response = client.post(
        "/login",
        data={"email": email, "password": old_password, "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 400
