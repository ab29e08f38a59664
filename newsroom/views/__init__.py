"""HTML and JSON blueprints, one per area."""

from newsroom.views import account, articles, auth, gifts, site

BLUEPRINTS = [
    site.bp,
    auth.bp,
    account.bp,
    articles.bp,
    gifts.bp,
]
