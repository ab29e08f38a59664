"""Articles from Markdown files with YAML front matter. A bad file writes nothing of itself."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from newsroom.articles import revisions
from newsroom.articles.models import DRAFT, KINDS, PUBLISHED, UNPUBLISHED
from newsroom.articles.rendering import is_image_address
from newsroom.core import clock
from newsroom.core.slugs import slugify
from newsroom.core.yaml_input import DATE_PROBLEM, Problem, load_yaml, read_file, yaml_problem
from newsroom.models import Article, Author

REQUIRED = (
    "slug",
    "title",
    "lead",
    "section",
    "kind",
    "author",
    "author_title",
    "language",
    "published_at",
    "locked",
)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
MAX_BIO_CHARS = 1_000
IMPORT = "import"  # who made the revisions an import writes


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleSource:
    slug: str
    title: str
    lead: str
    section: str
    kind: str
    author: str
    author_title: str
    language: str
    published_at: datetime
    locked: bool
    image: str | None
    published: bool
    giftable: bool
    body: str
    author_bio: str | None = None  # None: keep the bio the author has


class InvalidSource(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


def markdown_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.md") if p.is_file()))
        else:
            found.append(path)
    return found


def split_front_matter(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff")
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)(.*)", text, re.DOTALL)
    if match is None:
        raise InvalidSource([("front matter", "missing: the file must start with a --- block")])
    return match[1], match[2]


def _text(data: dict, key: str, problems: list, max_length: int) -> str:
    """A required text field; a missing key was already reported by the caller."""
    if key not in data:
        return ""
    value = data[key]
    if value is None or isinstance(value, bool | dict | list) or not str(value).strip():
        problems.append((key, "empty" if value in (None, "") else "must be text"))
        return ""
    value = str(value).strip()
    if len(value) > max_length:
        problems.append((key, f"longer than {max_length} characters"))
    return value


def parse_source(text: str, tz: str) -> ArticleSource:
    """Validate one file's text; every problem is collected, not just the first."""
    header, body = split_front_matter(text)
    try:
        data = load_yaml(header)
    except yaml.YAMLError as exc:
        raise InvalidSource([("front matter", yaml_problem(exc, first_line=2))]) from None
    if not isinstance(data, dict):
        raise InvalidSource([("front matter", "must be a mapping of field: value")])

    problems: list[tuple[str, str]] = []
    for key in REQUIRED:
        if key not in data:
            problems.append((key, "missing"))
    slug = _text(data, "slug", problems, 160)
    if slug and not SLUG.fullmatch(slug):
        problems.append(("slug", "use lower-case letters, digits and single hyphens"))
    title = _text(data, "title", problems, 300)
    lead = _text(data, "lead", problems, 2000)
    section = _text(data, "section", problems, 80)
    author = _text(data, "author", problems, 120)
    author_title = _text(data, "author_title", problems, 200)
    kind = _text(data, "kind", problems, 32)
    if kind and kind not in KINDS:
        problems.append(("kind", f"must be one of {', '.join(KINDS)}"))
    language = _text(data, "language", problems, 16)
    if language and not LANGUAGE.fullmatch(language):
        problems.append(("language", "must be a language code such as da, sv or en"))
    published_at = datetime.now(UTC)
    if "published_at" in data:
        parsed = clock.parse_instant(data["published_at"], tz)
        if parsed is None:
            problems.append(("published_at", DATE_PROBLEM))
        else:
            published_at = parsed
    locked = data.get("locked")
    if "locked" in data and not isinstance(locked, bool):
        problems.append(("locked", "must be true or false"))
    image = data.get("image")
    if image is not None and not (isinstance(image, str) and is_image_address(image)):
        problems.append(("image", "must be an http(s) URL or a path starting with /"))
    published = data.get("published", True)
    if not isinstance(published, bool):
        problems.append(("published", "must be true or false"))
    giftable = data.get("giftable", True)
    if not isinstance(giftable, bool):
        problems.append(("giftable", "must be true or false"))
    author_bio = data.get("author_bio")
    if author_bio is not None:
        if not isinstance(author_bio, str):
            problems.append(("author_bio", "must be text"))
        elif len(author_bio.strip()) > MAX_BIO_CHARS:
            problems.append(("author_bio", f"longer than {MAX_BIO_CHARS} characters"))
        else:
            author_bio = author_bio.strip()
    if not body.strip():
        problems.append(("body", "empty: write the article below the front matter"))
    if problems:
        raise InvalidSource(problems)
    return ArticleSource(
        slug=slug,
        title=title,
        lead=lead,
        section=section,
        kind=kind,
        author=author,
        author_title=author_title,
        language=language,
        published_at=published_at,
        locked=bool(locked),
        image=image,
        published=published,
        giftable=giftable,
        body=body,
        author_bio=author_bio,
    )


def free_author_slug(session: Session, name: str) -> str:
    """The name's slug, or with -2, -3 ... when another author already has it."""
    base = slugify(name)
    taken = set(
        session.scalars(
            select(Author.slug).where((Author.slug == base) | Author.slug.like(f"{base}-%"))
        )
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def upsert_article(session: Session, source: ArticleSource) -> bool:
    """Create or update by slug. Returns True when the article is new."""
    author = session.scalar(select(Author).where(Author.name == source.author))
    if author is None:
        slug = free_author_slug(session, source.author)
        author = Author(name=source.author, slug=slug, title=source.author_title)
        session.add(author)
    else:
        author.title = source.author_title
    if source.author_bio is not None:
        author.bio = source.author_bio
    article = session.scalar(select(Article).where(Article.slug == source.slug))
    created = article is None
    if article is None:
        article = Article(slug=source.slug)
    revisions.save(
        session,
        article,
        _content(source, author, article),
        base=article.revision or 0,
        now=clock.now(),
        by=IMPORT,
    )
    return created


def _content(source: ArticleSource, author: Author, article: Article) -> revisions.Content:
    """What the file says, as a save: `published: false` unpublishes what readers may have
    seen and leaves anything else a draft."""
    if source.published:
        state = PUBLISHED
    elif article.id is not None and article.was_public(clock.now()):
        state = UNPUBLISHED
    else:
        state = DRAFT
    return revisions.Content(
        slug=source.slug,
        headline=source.title,
        lead=source.lead,
        body=source.body,
        section=source.section,
        kind=source.kind,
        author=author,
        language=source.language,
        image=source.image,
        locked=source.locked,
        giftable=source.giftable,
        state=state,
        published_at=source.published_at,
    )


def import_paths(session: Session, paths: list[Path], tz: str) -> ImportReport:
    """Import every file; each in its own savepoint so one bad file costs only itself."""
    report = ImportReport()
    for path in markdown_files(paths):
        text = read_file(path)
        if isinstance(text, Problem):
            report.problems.append(text)
            continue
        try:
            source = parse_source(text, tz)
        except InvalidSource as exc:
            report.problems.extend(Problem(str(path), f, m) for f, m in exc.problems)
            continue
        with session.begin_nested():
            created = upsert_article(session, source)
        (report.created if created else report.updated).append(source.slug)
    return report
