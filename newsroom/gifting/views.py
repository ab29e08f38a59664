"""Giving articles and the "My gifts" page. JSON and HTML come from the same handlers."""

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    get_flashed_messages,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from newsroom.accounts import account_links
from newsroom.articles import queries
from newsroom.core.errors import DigitalPlusRequired, DomainError
from newsroom.extensions import db, limiter
from newsroom.gifting import (
    asked_here,
    gift_mail,
    giving,
    messages,
    report,
    requests,
    revoking,
)
from newsroom.gifting.allowance import allowance
from newsroom.gifting.api import gift_json, given_json
from newsroom.gifting.dialog import (
    Dialog,
    allowance_json,
    dialog_for,
    gift_url,
)
from newsroom.gifting.errors import (
    AllowanceUsed,
    InvalidAskerAddress,
    InvalidLink,
    InvalidLinkDays,
    InvalidNote,
    InvalidPeopleLimit,
    InvalidRecipient,
    NoSuchGift,
    NotGiftable,
)
from newsroom.gifting.policy import gift_policy
from newsroom.web.bodies import InvalidBody, body_fields
from newsroom.web.errors import database_unavailable, error_page, error_response, retry_later
from newsroom.web.helpers import page_number, private, request_now, setting, site_url, wants_json
from newsroom.web.limits import served

bp = Blueprint("gifts", __name__)
log = logging.getLogger("newsroom.gifts")


def _limit_key() -> str:
    return f"gift-create:{current_user.get_id() or request.remote_addr}"


def _mail_limit_key() -> str:
    return f"gift-mail:{current_user.get_id() or request.remote_addr}"


# What each endpoint takes, as a form or as a JSON object; anything else is refused.
GIFT_FIELDS = {"note": str, "email": str, "people": int, "days": int}
ASK_FIELDS = {"gift": str, "email": str}
MAILED = "mailed"  # the flash category of "Sent to ...": the page folds the send form away


def _gift_body():
    return body_fields(**GIFT_FIELDS)


def _typed_address() -> str:
    return _gift_body().get("email", "").strip()


def _not_mailing() -> bool:
    try:
        return not _typed_address()
    except InvalidBody:  # refused before anything is sent
        return True


def _shape() -> giving.Shape:
    """The giver's choices, whole numbers by the body's declaration (giving checks them)."""
    people, days = (_gift_body().get(name) for name in ("people", "days"))
    return giving.Shape(int(people) if people else None, int(days) if days else None)


def _answer(
    status: int, state: str, article, message: str, json_extra: dict | None = None, **context
) -> Response:
    """One outcome, as JSON for the dialog or as a page for a plain form post."""
    if wants_json():
        if status >= 400:
            return error_response(state, message, status, **(json_extra or {}))
        return make_response(jsonify(json_extra or {}), status)
    return _page(article, Dialog(state, message=message, **context), status)


def _page(article, dialog: Dialog, status: int = 200) -> Response:
    html = render_template("gifts/result.html", article=article, dialog=dialog)
    response = private(html, status)
    response.headers["Referrer-Policy"] = "same-origin"  # the page may hold a gift link
    return response


@bp.get("/articles/<slug>/gift")
def page(slug: str):
    """The dialog as a page, for readers without JavaScript and after a form post."""
    article = queries.find_visible(db.session, slug, request_now())
    if article is None:
        abort(404)
    dialog = dialog_for(article)
    # Just mailed (the message is at the top of the page): the send form folds away.
    dialog.mailed = any(c == MAILED for c, _m in get_flashed_messages(with_categories=True))
    return _page(article, dialog)


@bp.post("/articles/<slug>/gift")
@limiter.limit(lambda: setting("GIFT_CREATE_LIMIT"), key_func=_limit_key, deduct_when=served)
@limiter.limit(
    lambda: setting("GIFT_MAIL_LIMIT"),
    key_func=_mail_limit_key,
    exempt_when=_not_mailing,
    deduct_when=lambda response: response.status_code < 400,  # only mails that went
)
def give(slug: str):
    body = _gift_body()
    now = request_now()
    article = queries.find_visible(db.session, slug, now)
    if article is None:
        return _answer(404, "not_found", None, _("This article does not exist."))
    if not current_user.is_authenticated:
        message = _("Log in with your Digital+ account to give access to this article.")
        return _answer(401, "login_required", article, message)
    g.gift_article = article
    note, mail_to = body.get("note"), _typed_address()
    if mail_to:  # checked before anything is given, so a refused mail charges nothing
        mail_to = gift_mail.recipient_address(mail_to)
        account_links.require_verified(current_user)
    locale, shape = str(get_locale()), _shape()
    result = giving.give(db.session, current_user, article, now, gift_policy(), note, locale, shape)
    plain = site_url(url_for("articles.show", slug=article.slug))  # a free article's own
    url = gift_url(result.gift) if result.gift is not None else plain
    mailed_text = None
    if mail_to:  # the answer says where it went, once; the address is kept nowhere
        gift_mail.mail_gift_link(db.session, current_user, article, url, mail_to, result.gift)
        mailed_text = messages.mail_sent_to(mail_to)
    db.session.commit()
    if wants_json():
        answer = given_json(article, result, url, mailed_text)
        return make_response(jsonify(answer), 201 if result.created else 200)
    if mailed_text:
        flash(mailed_text, MAILED)
    elif result.created:
        flash(_("Your gift link is ready."), "success")
    return redirect(url_for("gifts.page", slug=article.slug), 303)


# Refusals while giving (or giving again) answer in the dialog's words, on the gift page
# without JavaScript. The view leaves the article in g.gift_article for them.


@bp.errorhandler(OperationalError)
def _technical(error: OperationalError) -> Response:
    """A database fault while giving: nothing was charged, and the page offers to try again.
    A fault before there was an article to give gets the site's technical page."""
    article = g.get("gift_article")
    if article is None:
        return database_unavailable(error)
    db.session.rollback()
    log.exception("gift failed; nothing was charged")
    return retry_later(_answer(503, "technical_error", article, messages.gift_failed()))


@bp.errorhandler(InvalidRecipient)
@bp.errorhandler(account_links.EmailNotVerified)
def _mail_refused(error: DomainError) -> Response:
    db.session.rollback()
    message = messages.gift_mail_refused(error)
    if wants_json():
        return error_response(error.code, message, error.status)
    dialog = dialog_for(g.gift_article)
    dialog.email_form, dialog.email, dialog.email_error = dialog.state, _typed_address(), message
    dialog.note = _gift_body().get("note") or ""
    return _page(g.gift_article, dialog, error.status)


@bp.errorhandler(InvalidNote)
def _note_refused(error: InvalidNote) -> Response:
    db.session.rollback()
    message = messages.note_problem(error)
    if wants_json():
        return error_response(error.code, message, error.status)
    dialog = dialog_for(g.gift_article)
    dialog.note, dialog.note_error = _gift_body().get("note") or "", message
    return _page(g.gift_article, dialog, error.status)


@bp.errorhandler(InvalidPeopleLimit)
@bp.errorhandler(InvalidLinkDays)
def _shape_refused(error: DomainError) -> Response:
    db.session.rollback()
    message = messages.shape_problem(error, giving.link_day_choices(gift_policy()))
    if wants_json():
        return error_response(error.code, message, error.status)
    dialog = dialog_for(g.gift_article)
    dialog.note, dialog.shape_error = _gift_body().get("note") or "", message
    return _page(g.gift_article, dialog, error.status)


@bp.errorhandler(NotGiftable)
def _not_giftable(error: NotGiftable) -> Response:
    db.session.rollback()
    return _answer(error.status, error.code, g.gift_article, messages.not_giftable())


@bp.errorhandler(DigitalPlusRequired)
def _no_digital_plus(error: DigitalPlusRequired) -> Response:
    db.session.rollback()
    message = messages.gift_upsell(setting("GIFTS_PER_MONTH"))
    return _answer(error.status, error.code, g.gift_article, message)


@bp.errorhandler(AllowanceUsed)
def _allowance_used(error: AllowanceUsed) -> Response:
    db.session.rollback()
    if not wants_json():  # Post/Redirect/Get: the page shows the allowance used
        return redirect(url_for("gifts.page", slug=g.gift_article.slug), 303)
    allowance = error.allowance
    extra = {**allowance_json(allowance), "renewal_text": messages.allowance_renews(allowance)}
    message = messages.allowance_used(allowance)
    return _answer(error.status, error.code, g.gift_article, message, extra)


@bp.errorhandler(NoSuchGift)
def _no_such_gift(error: NoSuchGift) -> Response:
    db.session.rollback()
    return error_page(error.code, _("Page not found"), _("There is no such gift."), 404)


@bp.errorhandler(InvalidLink)
def _invalid_link(error: InvalidLink) -> Response:
    db.session.rollback()
    return error_page(error.code, _("Page not found"), _("This gift link is not valid."), 404)


@bp.get("/gifts")
@login_required
def index():
    now = request_now()
    policy = gift_policy()
    page = report.gifts_of(db.session, current_user.id, page_number(), 20)
    links = {gift.id: gift_url(gift) for gift in page.items}
    figures = report.figures(db.session, [gift.id for gift in page.items])
    askers = requests.waiting_askers(db.session, [gift.id for gift in page.items])
    this_month = allowance(db.session, current_user.id, now, policy)
    if wants_json():
        response = jsonify(
            {
                "gifts": [
                    gift_json(g, links[g.id], figures[g.id], askers.get(g.id, []), now)
                    for g in page.items
                ],
                "used": this_month.used,
                "limit": this_month.limit,
                "renews_on": this_month.renews_on.isoformat(),
            }
        )
    else:
        response = render_template(
            "gifts/index.html",
            page=page,
            links=links,
            figures=figures,
            askers=askers,
            allowance=this_month,
            now=now,
        )
    response = private(response)
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.post("/gifts/<int:gift_id>/revoke")
@login_required
def revoke(gift_id: int):
    body_fields()  # takes no fields: a misspelt one is refused, not ignored
    gift = revoking.revoke(db.session, current_user.id, gift_id, request_now())
    db.session.commit()
    if wants_json():
        return jsonify({"revoked": True, "id": gift.id})
    flash(_("The link to “%(title)s” no longer opens.", title=gift.article.headline), "success")
    return redirect(url_for("gifts.index"))


@bp.post("/articles/<slug>/gift/ask")
@limiter.limit(lambda: setting("GIFT_ASK_LIMIT"), deduct_when=served)
def ask(slug: str):
    """A recipient of an expired or revoked link asks the giver for a new one, leaving an
    address for it or not; the page of the old link then says so."""
    body = body_fields(**ASK_FIELDS)
    now = request_now()
    article = queries.find_visible(db.session, slug, now)
    if article is None:
        raise InvalidLink()
    token = body.get("gift", "")
    email = gift_mail.asker_address(body.get("email", ""))
    asked = requests.ask_again(
        db.session,
        token,
        article.id,
        now,
        gift_policy(),
        email=email,
        locale=str(get_locale()),
        asker_id=current_user.id if current_user.is_authenticated else None,
    )
    if asked.first and asked.giver.email and asked.giver.deleted_at is None:
        gifts_url = site_url(url_for("gifts.index"))
        gift_mail.mail_request_to_giver(
            db.session, asked, gifts_url, setting("BABEL_DEFAULT_LOCALE")
        )
    db.session.commit()
    by_mail = asked.request.email is not None
    asked_here.remember(token, asked.request.created_at, by_mail)
    message = messages.asked_giver(asked.giver.first_name)
    if wants_json():
        return jsonify(
            {
                "asked": True,
                "message": message,
                "asked_on": asked.request.created_at.isoformat(),
                "by_mail": by_mail,
            }
        )
    flash(message, "success")
    # Back to the old link, whose page now says when the reader asked.
    return redirect(url_for("articles.show", slug=article.slug, gift=token), 303)


@bp.errorhandler(InvalidAskerAddress)
def _asker_address_refused(error: InvalidAskerAddress) -> Response:
    db.session.rollback()
    message = messages.asker_address_refused()
    if wants_json():
        return error_response(error.code, message, error.status)
    flash(message, "error")
    token = body_fields(**ASK_FIELDS).get("gift", "")
    return redirect(url_for("articles.show", slug=request.view_args["slug"], gift=token), 303)


@bp.app_template_global("gift_asked_here")
def _asked_here(token: str, giver_name: str | None) -> str | None:
    """Under an old link: what this browser asked, or None when it has not asked."""
    asked = asked_here.asked_here(token)
    return messages.asked_here(asked, giver_name) if asked else None


@bp.post("/gifts/<int:gift_id>/renew")
@login_required
def give_again(gift_id: int):
    """One click from "My gifts" to answer a request: this month's link to the same article,
    mailed to each asker who left an address, in the language they asked in."""
    body_fields()
    now = request_now()
    g.gift_article = giving.own_gift(db.session, current_user.id, gift_id).article
    answer = requests.send_new_link(db.session, current_user, gift_id, now, gift_policy())
    gift = answer.result.gift
    url = gift_url(gift)
    for asker in answer.mail_to:
        gift_mail.mail_new_link(db.session, current_user, gift, url, asker)
    db.session.commit()
    mailed = [asker.email for asker in answer.mail_to]
    if wants_json():
        return jsonify({"url": url, "mailed_to": mailed, **allowance_json(answer.result.allowance)})
    flash(messages.new_link_sent(mailed), "success")
    return redirect(url_for("gifts.page", slug=gift.article.slug), 303)
