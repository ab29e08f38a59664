"""What an article looks like as JSON and as schema.org data: public fields only, the
body only where access is full."""

from flask import current_app, url_for

from newsroom.articles.paywall import Access
from newsroom.articles.queries import ArticleRecord
from newsroom.models import Article
from newsroom.web.helpers import site_url

LOCKED_PART_CLASS = "paywalled-content"


def article_summary(article: Article | ArticleRecord) -> dict:
    """What any reader may see of an article, for listings and JSON."""
    return {
        "slug": article.slug,
        "url": site_url(url_for("articles.show", slug=article.slug)),
        "headline": article.headline,
        "lead": article.lead,
        "section": article.section,
        "kind": article.kind,
        "language": article.language,
        "locked": article.locked,
        "published_at": article.published_at.isoformat(),
        "author": {"name": article.author.name, "title": article.author.title},
    }


def article_json(article: ArticleRecord, access: Access) -> dict:
    data = article_summary(article)
    data["access"] = access.grant.value
    data["teaser_html"] = article.teaser_html
    if access.full:
        data["body_html"] = article.teaser_html + article.rest_html
    return data


def json_ld(article: ArticleRecord, url: str) -> dict:
    """schema.org NewsArticle; a locked article names its locked part, as paywall guidelines ask."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.lead,
        "inLanguage": article.language,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "author": {
            "@type": "Person",
            "name": article.author.name,
            "jobTitle": article.author.title,
        },
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_NAME"]},
        "mainEntityOfPage": url,
        "isAccessibleForFree": not article.locked,
    }
    if article.image:
        data["image"] = article.image
    if article.locked:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": "." + LOCKED_PART_CLASS,
        }
    return data
