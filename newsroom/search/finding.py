"""Search over the articles visible now. What a reader searches is what they may read.

A reader without Digital+ searches the public index only (headline, lead, byline, first
paragraph; whole free articles), so neither results nor their count depend on locked text.
A Digital+ reader searches whole bodies and is told which results matched only in the locked
part. The query is reduced to plain words before it reaches a database: no quote, operator
or other syntax of the user's is passed through.
"""

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import column, func, literal_column, select, table
from sqlalchemy.orm import Session

from newsroom.articles import queries
from newsroom.core.pagination import Page
from newsroom.models import Article
from newsroom.search.indexing import STEMMED, WORD, configuration, plain_text, stem
from newsroom.search.models import POSTGRES_TABLE, SQLITE_FULL, SQLITE_PUBLIC

MAX_QUERY_CHARS = 1_000  # the rest of a longer query is ignored
MAX_TERMS = 8
MAX_WORD_CHARS = 60  # longer "words" are not words anyone searches for
BEST, NEWEST = "best", "newest"
ORDERS = (BEST, NEWEST)
EXCERPT_CHARS = 240
HEADLINE_WEIGHT, BODY_WEIGHT = 4.0, 1.0  # SQLite's bm25; PostgreSQL weighs headlines 'A'


def terms_of(query: str) -> list[str]:
    """The distinct lower-case words of a query, in order, at most MAX_TERMS."""
    found: list[str] = []
    for match in WORD.finditer(query):
        if match.end() > MAX_QUERY_CHARS:
            break  # a word cut at the limit would be a different word
        word = match[0].lower()
        if len(word) <= MAX_WORD_CHARS and word not in found:
            found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


def forms_of(term: str) -> list[str]:
    """A query word as every site language would stem it, and as typed: the language of the
    query is not known, and an article was indexed in its own."""
    forms = [term]
    for config in STEMMED:
        form = stem(config, term)
        if form not in forms:
            forms.append(form)
    return forms


@dataclass(frozen=True)
class Hit:
    article: Article
    matched_locked_part: bool  # only ever true for a reader with access to locked parts


@dataclass(frozen=True)
class Results:
    terms: list[str]
    order: str
    count: int
    page: Page[Hit]
    pages: int  # how many pages the count fills; 0 when nothing matched

    @property
    def past_the_last(self) -> bool:
        """A page number beyond the results: the reader is sent back to the last page."""
        return not self.page.items and self.page.has_previous


def search(
    session: Session,
    query: str,
    now: datetime,
    full_access: bool,
    order: str,
    number: int,
    per_page: int,
) -> Results:
    """One page of results and the number of them: two queries, and a third for a Digital+
    reader (which results matched only in the locked part)."""
    terms = terms_of(query)
    order = order if order in ORDERS else BEST
    if not terms:
        return Results(terms, order, 0, Page([], max(1, number), False), 0)
    matches = _backend(session)(terms, full=full_access)
    listing = queries.visible(now).join(matches.source, matches.joined_on)
    listing = listing.where(matches.condition)
    if order == BEST:
        listing = listing.order_by(matches.rank)
    listing = listing.order_by(Article.published_at.desc(), Article.id.desc())
    page = queries.paginate(session, listing, number, per_page)
    count = session.scalar(
        select(func.count(Article.id))
        .join(matches.source, matches.joined_on)
        .where(queries.visible(now).whereclause, matches.condition)
    )
    locked_only: set[int] = set()
    if full_access:
        locked = [a.id for a in page.items if a.locked]
        if locked:
            public = _backend(session)(terms, full=False)
            found = session.scalars(
                select(public.article_id).where(public.condition, public.article_id.in_(locked))
            )
            locked_only = set(locked) - set(found)
    hits = [Hit(a, a.id in locked_only) for a in page.items]
    count = count or 0
    pages = -(-count // per_page)
    return Results(terms, order, count, Page(hits, page.number, page.has_next), pages)


@dataclass(frozen=True)
class _Matches:
    """How one database finds the articles matching the terms in one of the two indexes."""

    source: object  # the table to join
    joined_on: object
    condition: object
    rank: object  # ascending: best first
    article_id: object


def _backend(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return _postgres_matches
    return _sqlite_matches


def fts5_query(terms: list[str]) -> str:
    """Every term as quoted strings of its forms: `("krisen" OR "kris") AND (...)`. Inside
    quotes FTS5 reads no operator, and the words hold no quote to escape from."""
    return " AND ".join(
        "(" + " OR ".join('"' + form.replace('"', '""') + '"' for form in forms_of(t)) + ")"
        for t in terms
    )


def _sqlite_matches(terms: list[str], full: bool) -> _Matches:
    name = SQLITE_FULL if full else SQLITE_PUBLIC
    fts = table(name, column("rowid"))
    whole_table = literal_column(name)
    return _Matches(
        source=fts,
        joined_on=fts.c.rowid == Article.id,
        condition=whole_table.op("MATCH")(fts5_query(terms)),
        rank=func.bm25(whole_table, HEADLINE_WEIGHT, BODY_WEIGHT),
        article_id=fts.c.rowid,
    )


def _tsquery(terms: list[str]):
    """plainto_tsquery reads only words; each term in every configuration, OR-ed, and the
    terms AND-ed. A stop word empties its own configuration's query, not the others'."""
    combined = None
    for term in terms:
        either = None
        for config in (*STEMMED, "simple"):
            one = func.plainto_tsquery(literal_column(f"'{config}'::regconfig"), term)
            either = one if either is None else either.op("||")(one)
        combined = either if combined is None else combined.op("&&")(either)
    return combined


def _postgres_matches(terms: list[str], full: bool) -> _Matches:
    vector_name = "full_vector" if full else "public_vector"
    entries = table(POSTGRES_TABLE, column("article_id"), column(vector_name))
    vector = entries.c[vector_name]
    query = _tsquery(terms)
    return _Matches(
        source=entries,
        joined_on=entries.c.article_id == Article.id,
        condition=vector.op("@@")(query),
        rank=func.ts_rank(vector, query).desc(),
        article_id=entries.c.article_id,
    )


# Highlighting: the public text with the words that matched marked; the text between the
# marks is escaped as a whole.


def _wanted(terms: list[str]) -> frozenset[str]:
    return frozenset(form for term in terms for form in forms_of(term))


def _is_match(word: str, wanted: frozenset[str], config: str) -> bool:
    word = word.lower()
    return word in wanted or stem(config, word) in wanted


def _marked(value: str, wanted: frozenset[str], config: str) -> Markup:
    out, last = [], 0
    for match in WORD.finditer(value):
        if _is_match(match[0], wanted, config):
            out.append(escape(value[last : match.start()]))
            out.append(Markup("<mark>%s</mark>") % match[0])
            last = match.end()
    out.append(escape(value[last:]))
    return Markup("").join(out)


def highlight(value: str, terms: list[str], language: str) -> Markup:
    """`value` escaped, with every word the terms found wrapped in <mark>."""
    return _marked(value, _wanted(terms), configuration(language))


def _clip(value: str, wanted: frozenset[str], config: str, size: int) -> str:
    """A stretch of about `size` characters around the first matching word."""
    if len(value) <= size:
        return value
    first = next((m.start() for m in WORD.finditer(value) if _is_match(m[0], wanted, config)), 0)
    start = max(0, first - size // 3)
    start = value.rfind(" ", 0, start) + 1 if start else 0
    end = value.find(" ", start + size)
    clipped = value[start : end if end != -1 else len(value)]
    return ("… " if start else "") + clipped + (" …" if end != -1 else "")


def excerpt(value: str, terms: list[str], language: str, size: int = EXCERPT_CHARS) -> Markup:
    """A stretch of `value` around its first matching word, highlighted."""
    wanted, config = _wanted(terms), configuration(language)
    return _marked(_clip(value, wanted, config, size), wanted, config)


@dataclass(frozen=True)
class Highlighted:
    headline: Markup
    lead: Markup
    excerpt: Markup  # from the first paragraph, which every reader may see


def highlighted(article: Article, terms: list[str]) -> Highlighted:
    """The public text of a result with the matching words marked."""
    wanted, config = _wanted(terms), configuration(article.language)
    teaser = _clip(plain_text(article.teaser_html), wanted, config, EXCERPT_CHARS)
    return Highlighted(
        _marked(article.headline, wanted, config),
        _marked(article.lead, wanted, config),
        _marked(teaser, wanted, config),
    )
