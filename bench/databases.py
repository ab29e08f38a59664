"""A fresh database per archive size: a SQLite file, or a private PostgreSQL server."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import dataset, servers


@contextmanager
def database(args: argparse.Namespace, workdir: Path, articles: int) -> Iterator[str]:
    """A fresh, empty database for one archive size."""
    if args.postgres:
        with servers.postgres(workdir / f"pg-{articles}") as url:
            yield url
    else:
        path = workdir / f"newsroom-{articles}.sqlite3"
        yield f"sqlite:///{path}"


def build(args: argparse.Namespace, url: str, articles: int) -> dataset.Dataset:
    size = dataset.Size(articles=articles, readers=args.readers, subscribers=args.subscribers)
    print(
        f"building {articles:,} articles, {args.readers:,} readers "
        f"({args.subscribers:,} Digital+) ...",
        flush=True,
    )
    data = dataset.build(url, size)
    print(f"  built in {data.build_seconds:.1f} s", flush=True)
    return data
