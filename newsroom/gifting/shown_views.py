"""`POST /g/shown`: a gift page's script saying the page was shown, or read to the end.

Its own small blueprint: it takes no CSRF token (the signed mark is the proof) and reads
nothing but that mark, so nothing else a gift view does is in its way."""

import logging

from flask import Blueprint, Response, request

from newsroom.extensions import csrf, db
from newsroom.gifting import showing

log = logging.getLogger("newsroom.gifting")
bp = Blueprint("gift_shown", __name__)
bp.add_app_template_global(showing.page_mark, "gift_mark")
bp.after_app_request(showing.count_the_click_on)  # without JavaScript: the next click counts


@bp.post("/g/shown")
@csrf.exempt  # the mark is the proof: signed for this page and this browser's own cookie
def shown():
    """The page was shown (once visible), or with `read=1` its reader reached the end of the
    article. Counts the open once per browser; answers nothing."""
    if showing.count(request.form.get("mark", ""), read=request.form.get("read") == "1"):
        log.info("a gift was opened")
    db.session.commit()
    return showing.forget(Response(status=204))
