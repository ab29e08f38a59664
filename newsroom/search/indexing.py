"""The search index: what each article contributes, and how it is written on each database.

Rows are written in the caller's transaction (import, re-import, unpublish), so the index
never disagrees with the articles it describes. The public part of a locked article is its
headline, lead, byline and first paragraph: the rest goes into the whole-body index only.
"""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import snowballstemmer
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from newsroom.core.signals import article_changed
from newsroom.models import Article, Author
from newsroom.search.models import POSTGRES_TABLE, SQLITE_FULL, SQLITE_PUBLIC

# Letters and digits, as FTS5's unicode61 tokenizer and PostgreSQL's parser see words.
WORD = re.compile(r"[^\W_]+")
# A site language's Snowball algorithm, which is also its PostgreSQL configuration.
CONFIGURATIONS = {"da": "danish", "sv": "swedish", "en": "english"}
SIMPLE = "simple"  # any other language: lower-cased words, no stemming
STEMMED = tuple(CONFIGURATIONS.values())

_local = threading.local()


def configuration(language: str) -> str:
    return CONFIGURATIONS.get(language.split("-")[0].lower(), SIMPLE)


@lru_cache(maxsize=65_536)
def stem(config: str, word: str) -> str:
    """The Snowball stem of a lower-case word (`krisen` and `krise` -> `kris`)."""
    if config == SIMPLE:
        return word
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if config not in stemmers:  # a stemmer keeps state while it works: one per thread
        stemmers[config] = snowballstemmer.stemmer(config)
    return stemmers[config].stemWord(word)


def stemmed(value: str, config: str) -> str:
    return " ".join(stem(config, word.lower()) for word in WORD.findall(value))


class _TextOf(HTMLParser):
    BREAKS = {"p", "li", "h2", "h3", "h4", "td", "th", "br", "tr", "blockquote", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, _attrs) -> None:
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of sanitised article HTML, without its tags or attributes."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


@dataclass(frozen=True)
class Document:
    article_id: int
    config: str
    headline: str
    public_body: str  # what a reader without Digital+ may read
    full_body: str


def document(
    article_id: int,
    headline: str,
    lead: str,
    author: str,
    language: str,
    locked: bool,
    teaser_html: str,
    rest_html: str,
) -> Document:
    public = " ".join([lead, author, plain_text(teaser_html)])
    full = " ".join([public, plain_text(rest_html)])
    return Document(
        article_id, configuration(language), headline, full if not locked else public, full
    )


_DOCUMENT_COLUMNS = (
    Article.id,
    Article.headline,
    Article.lead,
    Author.name,
    Article.language,
    Article.locked,
    Article.teaser_html,
    Article.rest_html,
)


@article_changed.connect
def _reindex_changed(article: Article, session: Session) -> None:
    index_article(session, article)


def index_article(session: Session, article: Article) -> None:
    """Bring one article's entries up to date: written when it is published, gone when not."""
    if not article.is_published:
        remove(session, [article.id])
        return
    doc = document(
        article.id,
        article.headline,
        article.lead,
        article.author.name,
        article.language,
        article.locked,
        article.teaser_html,
        article.rest_html,
    )
    write(session, [doc])


def reindex_all(session: Session, batch: int = 500) -> int:
    """Rebuild every entry from the articles (after an upgrade, or a change of stemming)."""
    dialect = session.get_bind().dialect.name
    tables = [POSTGRES_TABLE] if dialect == "postgresql" else [SQLITE_PUBLIC, SQLITE_FULL]
    for name in tables:
        session.execute(text(f"DELETE FROM {name}"))
    query = (
        select(*_DOCUMENT_COLUMNS)
        .join(Author, Author.id == Article.author_id)
        .where(Article.is_published.is_(True))
        .order_by(Article.id)
    )
    written, last_id = 0, 0
    while True:
        rows = session.execute(query.where(Article.id > last_id).limit(batch)).all()
        if not rows:
            return written
        write(session, [document(*row) for row in rows], replace=False)
        written += len(rows)
        last_id = rows[-1][0]


def write(session: Session, documents: Iterable[Document], replace: bool = True) -> None:
    documents = list(documents)
    if not documents:
        return
    if session.get_bind().dialect.name == "postgresql":
        _write_postgres(session, documents)
    else:
        _write_sqlite(session, documents, replace)


def remove(session: Session, article_ids: list[int]) -> None:
    params = [{"id": article_id} for article_id in article_ids]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"DELETE FROM {POSTGRES_TABLE} WHERE article_id = :id"), params)
        return
    for name in (SQLITE_PUBLIC, SQLITE_FULL):
        session.execute(text(f"DELETE FROM {name} WHERE rowid = :id"), params)


def _write_sqlite(session: Session, documents: list[Document], replace: bool) -> None:
    if replace:
        remove(session, [doc.article_id for doc in documents])
    for name, part in ((SQLITE_PUBLIC, "public_body"), (SQLITE_FULL, "full_body")):
        rows = [
            {
                "id": doc.article_id,
                "headline": stemmed(doc.headline, doc.config),
                "body": stemmed(getattr(doc, part), doc.config),
            }
            for doc in documents
        ]
        session.execute(
            text(f"INSERT INTO {name} (rowid, headline, body) VALUES (:id, :headline, :body)"),
            rows,
        )


def _vector(body: str) -> str:
    # Stemmed in the article's language, and also as plain lower-case words, so that a
    # query word is found whichever language it was stemmed in (and stop words still match).
    return (
        "setweight(to_tsvector(CAST(:config AS regconfig), :headline), 'A')"
        " || setweight(to_tsvector('simple', :headline), 'A')"
        f" || to_tsvector(CAST(:config AS regconfig), :{body})"
        f" || to_tsvector('simple', :{body})"
    )


_POSTGRES_UPSERT = text(
    f"INSERT INTO {POSTGRES_TABLE} (article_id, public_vector, full_vector)"
    f" VALUES (:id, {_vector('public_body')}, {_vector('full_body')})"
    " ON CONFLICT (article_id) DO UPDATE SET"
    " public_vector = excluded.public_vector, full_vector = excluded.full_vector"
)


def _write_postgres(session: Session, documents: list[Document]) -> None:
    session.execute(
        _POSTGRES_UPSERT,
        [
            {
                "id": doc.article_id,
                "config": doc.config,
                "headline": doc.headline,
                "public_body": doc.public_body,
                "full_body": doc.full_body,
            }
            for doc in documents
        ],
    )
