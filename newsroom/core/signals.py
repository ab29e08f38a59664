"""What one area announces and another acts on, so no two areas call each other both ways."""

from blinker import Namespace

_signals = Namespace()

# A Digital+ period was added: sent with the Subscription row as sender, and `session`, `now`.
digital_plus_started = _signals.signal("digital-plus-started")

# An article was created or changed (imported, edited, locked, unpublished): sent with the
# Article row as sender and `session`, before the change commits, so what follows from it
# (the search index, the content version that retires kept pages) commits with it.
article_changed = _signals.signal("article-changed")

# An author's name, title or bio changed: sent with the Author row as sender and `session`,
# before the change commits. Their page changes even when no article of theirs exists.
author_changed = _signals.signal("author-changed")

# The desk renamed a section, and with it its address: sent with the Section row as sender,
# `session` and `old_slug`, before the change commits. The old address now leads elsewhere.
section_renamed = _signals.signal("section-renamed")

# A reader logged in, or made an account, in this browser: sent by the views with the User as
# sender and `session`, `now`, before the view commits, so what follows commits with it
# (gifting credits and hands over the gifts this browser opened).
reader_logged_in = _signals.signal("reader-logged-in")
account_created = _signals.signal("account-created")
