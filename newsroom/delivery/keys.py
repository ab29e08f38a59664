"""The surrogate keys public pages carry, so a shared cache can drop exactly what a change
touches: the article's own pages, its section's, its author's and every listing."""

from newsroom.articles.models import Article

LISTING = "listing"


def keys_for(article: Article) -> list[str]:
    """Every key a change to `article` touches."""
    return [
        f"article-{article.id}",
        f"section-{article.section_slug}",
        f"author-{article.author_id}",
        LISTING,
    ]
