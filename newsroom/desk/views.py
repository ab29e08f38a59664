"""The desk's pages, and /preview/<token>. Every answer is private and kept by no cache.
The operations check roles; a view only parses, calls one, commits and answers."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from newsroom.articles.models import SCHEDULED, STATES
from newsroom.articles.revisions import StaleRevision, content_of, has_source, latest
from newsroom.core import clock
from newsroom.desk import (
    audit,
    comparing,
    deleting,
    editing,
    finding,
    previews,
    publishing,
    sections,
    staff,
)
from newsroom.desk.answers import me, private
from newsroom.desk.editing import Written
from newsroom.desk.errors import TextWithoutSource, UnpublishFirst
from newsroom.desk.forms import ArticleForm, ImportedArticleForm, ScheduleForm
from newsroom.desk.models import ADMIN
from newsroom.extensions import db
from newsroom.models import Author
from newsroom.web.forms import ActionForm
from newsroom.web.helpers import page_number, request_now, site_url

bp = Blueprint("desk", __name__)
PER_PAGE = 25
DESK_STATES = (STATES[0], STATES[1], SCHEDULED, STATES[2], STATES[3])


def preview_days() -> int:
    return int(current_app.config.get("PREVIEW_LINK_DAYS", previews.DEFAULT_DAYS))


def keys() -> list[str]:
    config = current_app.config
    return [*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"]]


bp.after_request(private)


@bp.errorhandler(StaleRevision)
def _saved_meanwhile(error: StaleRevision):
    """Someone saved after this editor started: nothing was written; both texts are shown,
    what was typed kept in the form, now based on the newest revision."""
    db.session.rollback()
    article = finding.article_for(db.session, me(), error.article.id)
    form = ArticleForm()
    form.base_revision.data, form.base_revision.raw_data = article.revision, None
    newest = latest(db.session, article)
    theirs = comparing.texts(content_of(newest)) if newest else {}
    html = render_template("desk/conflict.html", article=article, form=form, theirs=theirs)
    return html, 409


def _written(form: ArticleForm) -> Written:
    return Written(
        headline=form.headline.data,
        lead=form.lead.data,
        body=form.body.data,
        section=form.section.data.strip(),
        kind=form.kind.data,
        author_name=form.author_name.data,
        author_title=form.author_title.data or "",
        language=form.language.data,
        image=form.image.data or None,
        locked=form.locked.data,
        giftable=form.giftable.data,
        slug=form.slug.data or "",
    )


def _filled(form: ArticleForm, article) -> None:
    """The form as the newest revision left the article (fields first shown on GET)."""
    source = latest(db.session, article)
    form.headline.data = article.headline
    form.lead.data = article.lead
    form.body.data = source.body if source else ""
    form.section.data = article.section
    form.kind.data = article.kind
    form.author_name.data = article.author.name
    form.author_title.data = article.author.title
    form.language.data = article.language
    form.image.data = article.image
    form.slug.data = article.slug
    form.locked.data = article.locked
    form.giftable.data = article.giftable
    form.base_revision.data = article.revision


@bp.get("/desk")
def index():
    staff.on_desk(me())
    author = request.args.get("author", "")
    chosen = finding.DeskFilter(
        state=request.args.get("state", "") if request.args.get("state") in DESK_STATES else "",
        section=request.args.get("section", ""),
        author_id=int(author) if author.isdecimal() else None,
        headline=request.args.get("q", "").strip()[:300],
    )
    page = finding.desk_listing(db.session, me(), chosen, request_now(), page_number(), PER_PAGE)
    return render_template(
        "desk/index.html",
        page=page,
        chosen=chosen,
        states=DESK_STATES,
        sections=finding.sections(db.session),
        authors=db.session.scalars(db.select(Author).order_by(Author.name)).all(),
        now=request_now(),
    )


@bp.route("/desk/articles/new", methods=["GET", "POST"])
def new():
    staff.on_desk(me())
    form = ArticleForm()
    if request.method == "GET":
        form.base_revision.data = 0
        form.author_name.data = me().name
    if form.validate_on_submit():
        article = editing.create(db.session, me(), _written(form), clock.now())
        db.session.commit()
        flash(_("The draft is saved."), "success")
        return redirect(url_for("desk.edit", article_id=article.id), 303)
    names = sections.names(db.session)
    html = render_template("desk/edit.html", form=form, article=None, section_names=names)
    return html, 422 if form.errors else 200


@bp.errorhandler(TextWithoutSource)
def _text_without_source(_error: TextWithoutSource):
    """A body typed for an article whose source was never kept: nothing is written, and the
    page says why, with the other fields as they were typed."""
    db.session.rollback()
    article = finding.article_for(db.session, me(), request.view_args["article_id"])
    form = ImportedArticleForm()
    form.body.data = ""
    flash(_("Nothing was saved."), "error")
    return _edit_page(article, form, 409)


def _article_form(article, **kwargs) -> ArticleForm:
    """The article's form; without a body to edit when its source was never kept."""
    if has_source(db.session, article):
        return ArticleForm(**kwargs)
    return ImportedArticleForm(**kwargs)


@bp.route("/desk/articles/<int:article_id>", methods=["GET", "POST"])
def edit(article_id: int):
    article = finding.article_for(db.session, me(), article_id)
    form = _article_form(article)
    if request.method == "GET":
        _filled(form, article)
    elif form.validate_on_submit():
        editing.save(
            db.session, me(), article_id, _written(form), form.base_revision.data, clock.now()
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("desk.edit", article_id=article_id), 303)
    return _edit_page(article, form, 422 if form.errors else 200)


def _edit_page(article, form: ArticleForm, status: int = 200):
    now = request_now()
    return (
        render_template(
            "desk/edit.html",
            form=form,
            article=article,
            state=article.desk_state(now),
            action=ActionForm(),
            schedule=ScheduleForm(),
            links=previews.links(db.session, article),
            is_editor=staff.is_editor(me()),
            has_source=has_source(db.session, article),
            slug_fixed=article.was_public(now),
            section_names=sections.names(db.session),
            now=now,
        ),
        status,
    )


@bp.get("/desk/articles/<int:article_id>/preview")
def preview(article_id: int):
    article = finding.article_for(db.session, me(), article_id)
    full = request.args.get("as") != "reader"
    return render_template("desk/preview.html", article=article, full=full, desk=True)


def _back(article_id: int, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("desk.edit", article_id=article_id), 303)


@bp.post("/desk/articles/<int:article_id>/submit")
def submit(article_id: int):
    publishing.submit(db.session, me(), article_id, clock.now())
    return _back(article_id, _("Sent to the editors for review."))


@bp.post("/desk/articles/<int:article_id>/publish")
def publish(article_id: int):
    publishing.publish(db.session, me(), article_id, clock.now())
    return _back(article_id, _("Published."))


@bp.post("/desk/articles/<int:article_id>/schedule")
def schedule(article_id: int):
    form = ScheduleForm()
    if not form.validate_on_submit():
        article = finding.article_for(db.session, me(), article_id)
        flash(_("Give the publication time as a date and a time."), "error")
        return _edit_page(article, _filled_form(article), 422)
    at = clock.parse_instant(form.publish_at.data, current_app.config["TIMEZONE"])
    publishing.schedule(db.session, me(), article_id, at, clock.now())
    return _back(article_id, _("Scheduled."))


def _filled_form(article) -> ArticleForm:
    form = _article_form(article, formdata=None)
    _filled(form, article)
    return form


@bp.post("/desk/articles/<int:article_id>/unpublish")
def unpublish(article_id: int):
    publishing.unpublish(db.session, me(), article_id, clock.now())
    return _back(article_id, _("Unpublished."))


@bp.post("/desk/articles/<int:article_id>/lock")
def lock(article_id: int):
    publishing.set_locked(db.session, me(), article_id, True, clock.now())
    return _back(article_id, _("Locked: only Digital+ readers see the whole article."))


@bp.post("/desk/articles/<int:article_id>/unlock")
def unlock(article_id: int):
    publishing.set_locked(db.session, me(), article_id, False, clock.now())
    return _back(article_id, _("Unlocked: every reader sees the whole article."))


@bp.get("/desk/articles/<int:article_id>/delete")
def confirm_delete(article_id: int):
    return _delete_page(article_id)


@bp.errorhandler(UnpublishFirst)
def _unpublish_first(_error: UnpublishFirst):
    db.session.rollback()
    return _delete_page(request.view_args["article_id"], 409)


def _delete_page(article_id: int, status: int = 200):
    """The confirm page of a delete (editors only), or the refusal with "unpublish first"."""
    staff.require_editor(me())
    article = finding.article_for(db.session, me(), article_id)
    state = article.desk_state(request_now())
    return render_template("desk/delete.html", article=article, state=state), status


@bp.post("/desk/articles/<int:article_id>/delete")
def delete(article_id: int):
    headline = deleting.delete(db.session, me(), article_id, clock.now())
    db.session.commit()
    flash(_("“%(headline)s” is deleted.", headline=headline), "success")
    return redirect(url_for("desk.index"), 303)


@bp.post("/desk/articles/<int:article_id>/preview-links")
def make_preview_link(article_id: int):
    _link, token = previews.make_link(
        db.session, me(), article_id, clock.now(), preview_days(), keys()
    )
    db.session.commit()
    url = site_url(url_for("desk.preview_link", token=token))
    flash(_("Preview link (valid for %(days)d days): %(url)s", days=preview_days(), url=url))
    return redirect(url_for("desk.edit", article_id=article_id), 303)


@bp.post("/desk/articles/<int:article_id>/preview-links/<int:link_id>/revoke")
def revoke_preview_link(article_id: int, link_id: int):
    previews.revoke(db.session, me(), article_id, link_id, clock.now())
    return _back(article_id, _("The preview link no longer works."))


@bp.get("/preview/<token>")
def preview_link(token: str):
    """Anyone holding a working link reads the current text; nobody is logged in by it."""
    article = previews.opened(db.session, token, keys(), clock.now(), preview_days())
    if article is None:
        html = render_template("desk/preview_gone.html")
        return html, 404
    return render_template("desk/preview.html", article=article, full=True, desk=False)


@bp.get("/desk/articles/<int:article_id>/revisions")
def revisions(article_id: int):
    article, rows = editing.history(db.session, me(), article_id)
    compared = None
    old, new = request.args.get("a", ""), request.args.get("b", "")
    if old.isdecimal() and new.isdecimal():
        first = editing.revision(db.session, article, int(old))
        second = editing.revision(db.session, article, int(new))
        compared = (first, second, comparing.compare(first, second))
    return render_template(
        "desk/revisions.html",
        article=article,
        rows=rows,
        compared=compared,
        action=ActionForm(),
    )


@bp.post("/desk/articles/<int:article_id>/revisions/<int:number>/restore")
def restore(article_id: int, number: int):
    editing.restore(db.session, me(), article_id, number, clock.now())
    return _back(article_id, _("The old text is now the newest revision."))


@bp.get("/desk/audit")
def audit_log():
    staff.require_admin(me())
    page = audit.listing(db.session, page_number(), PER_PAGE)
    return render_template("desk/audit.html", page=page, admin=ADMIN)
