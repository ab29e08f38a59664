"""HTML and JSON blueprints, one per area."""

from newsroom.views import account, articles, auth, gifts, reading_list, site

BLUEPRINTS = [
    site.bp,
    auth.bp,
    account.bp,
    articles.bp,
    gifts.bp,
    reading_list.bp,
]
