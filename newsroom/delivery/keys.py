"""Surrogate keys: the names a kept page is filed under, so a change purges exactly it."""

LISTING = "listing"  # every listing, and every page with a sidebar of other articles


def article_key(article_id: int) -> str:
    return f"article-{article_id}"


def section_key(section_slug: str) -> str:
    return f"section-{section_slug}"


def author_key(author_id: int) -> str:
    return f"author-{author_id}"


def keys_for(article) -> list[str]:
    """Every key a change to `article` (its text, headline, lock, publication) touches: its
    own page, its section's and author's pages, and every listing and sidebar."""
    return [
        article_key(article.id),
        section_key(article.section_slug),
        author_key(article.author_id),
        LISTING,
    ]
