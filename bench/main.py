"""`bash bench/run`: build an archive, serve it with gunicorn next to a bare Flask app, drive
both with wrk in interleaved rounds, and report rates relative to the bare route."""

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset, profile, report, scenarios, servers, sessions, wrk
from bench.databases import build, database
from bench.report import Rounds
from newsroom.core import signing
from scripts import loopback, varnish

SCALE_SIZES = (1_000, 10_000, 100_000)


class OutOfTime(Exception):
    """The run reached --time-limit; what was measured so far is still reported."""


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("--articles", type=int, default=10_000, help="archive size (default 10,000)")
    p.add_argument("--readers", type=int, default=2_000, help="accounts, subscribers included")
    p.add_argument("--subscribers", type=int, default=500, help="readers with Digital+")
    p.add_argument("--duration", type=float, default=10, help="seconds per wrk run")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    p.add_argument("--connections", type=int, default=16, help="wrk connections")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument(
        "--workers",
        type=int,
        default=servers.workers_default(),
        help="gunicorn sync workers (default: cores)",
    )
    p.add_argument(
        "--logins",
        type=int,
        default=200,
        help="subscribers logged in over HTTP for the subscriber scenarios",
    )
    p.add_argument("--warmup", type=float, default=2, help="unrecorded seconds per scenario")
    p.add_argument("--postgres", action="store_true", help="a local PostgreSQL, not SQLite")
    p.add_argument(
        "--varnish",
        action="store_true",
        help="also run the anonymous pages through Varnish (deploy/varnish) in front of the site",
    )
    p.add_argument(
        "--scale",
        action="store_true",
        help="repeat the article scenarios at 1,000 / 10,000 / 100,000 articles",
    )
    p.add_argument("--only", default="", help="comma-separated scenario names to run")
    p.add_argument(
        "--profile",
        action="store_true",
        help="profile the article pages in-process with pyinstrument; no load",
    )
    p.add_argument("--profile-requests", type=int, default=300)
    p.add_argument("--time-limit", type=float, default=45, help="minutes; the run stops there")
    p.add_argument("--keep", action="store_true", help="keep databases and logs (prints where)")
    args = p.parse_args(argv)
    if min(args.articles, args.rounds, args.connections, args.threads, args.logins) < 1:
        p.error("sizes and counts must be positive")
    if args.subscribers > args.readers:
        p.error("--subscribers cannot exceed --readers")
    return args


class Runner:
    def __init__(self, args: argparse.Namespace, workdir: Path) -> None:
        self.args = args
        self.workdir = workdir
        self.deadline = time.monotonic() + args.time_limit * 60
        self.bare_script = wrk.write_script(workdir / "bare.lua", scenarios.bare().requests)

    def drive(self, base: str, script: Path, seconds: float) -> wrk.Measurement:
        if time.monotonic() + seconds > self.deadline:
            raise OutOfTime()
        a = self.args
        return wrk.run(base, script, seconds, a.connections, a.threads)

    def measure(self, bare_base: str, articles: int, article_pages_only: bool) -> list[Rounds]:
        """Everything for one archive size: its own database and site server."""
        a = self.args
        secret = servers.new_secret_key()
        with database(a, self.workdir, articles) as url:
            data = build(a, url, articles)
            env = servers.site_environment(url, secret)
            log = self.workdir / f"site-{articles}.log"
            with loopback.gunicorn("app:app", env, a.workers, log, "/healthz") as site:
                cache = (
                    varnish.varnish_server([site], self.workdir / f"varnish-{articles}")
                    if a.varnish
                    else nullcontext(None)
                )
                with cache as cache_base:
                    bases = {"site": site, "varnish": cache_base}
                    return self._rounds(bare_base, bases, url, data, secret, article_pages_only)

    def _rounds(self, bare_base, bases, url, data, secret, article_pages_only) -> list[Rounds]:
        site = bases["site"]
        a = self.args
        logins = sessions.log_in_many(site, data.subscriber_emails[: a.logins])
        slug, public_id, created = data.open_gifts[0]
        gift_path = f"/articles/{slug}?gift={signing.sign_gift(public_id, created, [secret])}"
        problems = sessions.check_pages(site, slug, logins[0], gift_path)
        problems += sessions.check_search(site, logins[0], data.topics[0])
        if problems:
            raise RuntimeError("pages are not what the scenarios assume: " + "; ".join(problems))
        has_list = sessions.route_exists(
            site, logins[0], "/reading-list/{slug}", data.locked_slugs[:3]
        )
        site_scenarios = scenarios.build(
            data, logins, secret, reading_list=has_list, varnish=bases["varnish"] is not None
        )
        if article_pages_only:
            site_scenarios = [s for s in site_scenarios if s.article_page]
        if a.only:
            wanted = set(a.only.split(","))
            site_scenarios = [s for s in site_scenarios if s.name in wanted]
        results = [Rounds(scenarios.bare())] + [Rounds(s) for s in site_scenarios]
        if not has_list and not article_pages_only:
            missing = Rounds(
                scenarios.Scenario(
                    "reading_list_add", "reading-list add (POST JSON)", "site", frozenset(), []
                )
            )
            missing.skipped = "route not built yet (404 for every slug)"
            results.append(missing)
        scripts = {
            s.name: wrk.write_script(self.workdir / f"{s.name}.lua", s.requests)
            for s in site_scenarios
        }
        started = datetime.now(UTC)

        def run_site(s: scenarios.Scenario, seconds: float) -> wrk.Measurement:
            if s.resets_writes:
                dataset.forget_writes(url, started)
            if s.prepare is not None:
                s.prepare(url)
            return self.drive(bases[s.server], scripts[s.name], seconds)

        if a.warmup > 0:
            self.drive(bare_base, self.bare_script, a.warmup)
            for s in site_scenarios:
                run_site(s, a.warmup)
        try:
            for n in range(a.rounds):
                bare = self.drive(bare_base, self.bare_script, a.duration)
                results[0].add(bare, bare.rps)
                line = [f"bare {bare.rps:.0f}/s"]
                for rounds in results[1:]:
                    if rounds.skipped:
                        continue
                    m = run_site(rounds.scenario, a.duration)
                    rounds.add(m, bare.rps)
                    line.append(f"{rounds.scenario.name} {m.rps / bare.rps:.2f}x")
                print(f"  round {n + 1}/{a.rounds}: " + ", ".join(line), flush=True)
        except OutOfTime:
            print("  time limit reached: reporting the rounds completed", flush=True)
        return results


def settings(args: argparse.Namespace) -> dict:
    keys = (
        "articles",
        "readers",
        "subscribers",
        "duration",
        "rounds",
        "connections",
        "threads",
        "workers",
        "logins",
        "warmup",
        "postgres",
        "varnish",
        "scale",
        "only",
    )
    return {k: getattr(args, k) for k in keys}


def benchmark(args: argparse.Namespace, workdir: Path) -> int:
    runner = Runner(args, workdir)
    sizes = SCALE_SIZES if args.scale else (args.articles,)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{engine}, gunicorn {args.workers} sync workers, wrk {args.threads} threads x "
        f"{args.connections} connections, {args.rounds} rounds x {args.duration:g} s",
        flush=True,
    )
    by_size: dict[int, list[Rounds]] = {}
    with loopback.gunicorn(
        "bench.bare_app:app", {}, args.workers, workdir / "bare.log", "/"
    ) as bare:
        for articles in sizes:
            by_size[articles] = runner.measure(bare, articles, article_pages_only=args.scale)
    document = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": engine,
        "settings": settings(args),
        "machine": report.machine(),
        "sizes": {str(n): [r.to_json() for r in rows] for n, rows in by_size.items()},
    }
    print()
    for articles, rows in by_size.items():
        print(report.table(f"{engine}, {articles:,} articles (median of rounds)", rows))
        print()
    if args.scale:
        text, checks = report.scale_table(by_size)
        document["flat_with_size"] = checks
        print(text)
        print()
    print(f"results: {report.save(document)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    servers.exit_on_sigterm()
    if not args.profile and not wrk.available():
        print("wrk is missing: run `bash scripts/system-packages` (Debian's wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    os.chmod(workdir, 0o755)  # PostgreSQL runs as its own user and must reach its directory
    try:
        if args.profile:
            return profile.run(args, workdir)
        return benchmark(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
