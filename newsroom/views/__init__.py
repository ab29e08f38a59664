"""HTML and JSON blueprints, one per area."""

from newsroom.views import (
    account,
    articles,
    auth,
    authors,
    billing,
    gifts,
    password,
    reading_list,
    search,
    sections,
    site,
)

BLUEPRINTS = [
    site.bp,
    auth.bp,
    account.bp,
    billing.bp,
    password.bp,
    articles.bp,
    gifts.bp,
    reading_list.bp,
    sections.bp,
    authors.bp,
    search.bp,
]
