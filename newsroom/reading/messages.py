"""The reading list's sentences a reader meets in more than one place: a page without
JavaScript, the JSON a script shows in place, a template. Each is written once here; views
call these functions and templates reach them as `reading_messages`."""

from flask_babel import gettext as _


def reading_list_upsell() -> str:
    return _(
        "This feature requires Digital+: with a Digital+ subscription you can make your own "
        "reading list and read the articles when it suits you"
    )


def reading_list_failed(adding: bool) -> str:
    if adding:
        return _(
            "The article could not be added to the reading list because of a technical "
            "error. Try again later."
        )
    return _(
        "The article could not be removed from the reading list because of a "
        "technical error. Try again later."
    )
