"""Job listings: loaded from a YAML list, shown newest first."""

import re
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.core import clock
from newsroom.core.yaml_input import DATE_PROBLEM, Problem, load_yaml, read_file, yaml_problem
from newsroom.models import Job

URL = re.compile(r"https?://\S{1,480}")


def newest(session: Session, limit: int = 5) -> list[Job]:
    return list(session.scalars(select(Job).order_by(Job.posted_at.desc()).limit(limit)))


def import_jobs(session: Session, path: Path, tz: str) -> tuple[int, list[Problem]]:
    """Upsert jobs by URL. An entry with a bad field is skipped and reported."""
    name = str(path)
    text = read_file(path)
    if isinstance(text, Problem):
        return 0, [text]
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        return 0, [Problem(name, "file", yaml_problem(exc))]
    if not isinstance(data, list):
        return 0, [Problem(name, "file", "must be a YAML list of jobs")]
    loaded, problems = 0, []
    for index, entry in enumerate(data, start=1):
        where = f"{name}#{index}"
        if not isinstance(entry, dict):
            problems.append(Problem(where, "entry", "must be a mapping"))
            continue
        bad = [
            Problem(where, key, "missing or empty")
            for key in ("title", "employer", "url", "posted_at")
            if not str(entry.get(key) or "").strip()
        ]
        bad += [
            Problem(where, key, "must be text")
            for key in ("title", "employer", "location", "url", "posted_at")
            if isinstance(entry.get(key), bool | list | dict)
        ]
        if bad:
            problems.extend(bad)
            continue
        url = str(entry.get("url") or "").strip()
        if url and not URL.fullmatch(url):
            bad.append(Problem(where, "url", "must be an http(s) URL"))
        posted_at = clock.parse_instant(entry.get("posted_at"), tz)
        if entry.get("posted_at") and posted_at is None:
            bad.append(Problem(where, "posted_at", DATE_PROBLEM))
        if bad:
            problems.extend(bad)
            continue
        job = session.scalar(select(Job).where(Job.url == url)) or Job(url=url)
        job.title = str(entry["title"]).strip()[:200]
        job.employer = str(entry["employer"]).strip()[:200]
        job.location = str(entry.get("location") or "").strip()[:120]
        job.posted_at = posted_at
        session.add(job)
        loaded += 1
    session.flush()
    return loaded, problems
