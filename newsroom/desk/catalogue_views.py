"""/desk/sections and /desk/authors: editors name and order sections, and keep authors'
names, titles and bios. The operations check the role; readers and contributors get 404."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from newsroom.core import clock
from newsroom.desk import authors, sections
from newsroom.desk.answers import me, private
from newsroom.desk.errors import InUse, NameTaken
from newsroom.desk.forms import AuthorForm, SectionForm
from newsroom.extensions import db

bp = Blueprint("desk_catalogue", __name__)
bp.after_request(private)
# A refusal on these comes back on the authors' page; on the others, the sections'.
AUTHOR_ENDPOINTS = frozenset(
    {"desk_catalogue.authors_index", "desk_catalogue.author", "desk_catalogue.remove_author"}
)


@bp.errorhandler(NameTaken)
def _name_taken(_error: NameTaken):
    """Nothing was saved; the form comes back as it was typed, saying why."""
    return _refused(
        _("Another one already has that name, or the name is empty. Nothing was saved.")
    )


@bp.errorhandler(InUse)
def _in_use(_error: InUse):
    """Nothing was removed; the page says why."""
    return _refused(
        _("Some articles still use this, so it cannot be removed. Nothing was changed.")
    )


def _refused(message: str):
    db.session.rollback()
    flash(message, "error")
    item_id = (request.view_args or {}).get("item_id")
    if request.endpoint in AUTHOR_ENDPOINTS:
        return _authors_page(AuthorForm(), item_id, 409)
    return _sections_page(SectionForm(), item_id, 409)


def _sections_page(
    form: SectionForm,
    item_id: int | None = None,
    status: int = 200,
    renaming: sections.Rename | None = None,
):
    item = sections.find(db.session, me(), item_id) if item_id else None
    return (
        render_template(
            "desk/sections.html",
            form=form,
            item=item,
            rows=sections.listing(db.session, me()),
            unlisted=sections.unlisted(db.session, me()),
            renaming=renaming,
            removable=item is not None and not sections.articles_in(db.session, item),
        ),
        status,
    )


@bp.route("/desk/sections", methods=["GET", "POST"])
def sections_index():
    form = SectionForm()
    if request.method == "GET" and request.args.get("name"):
        form.name.data = request.args["name"][:80]  # "add" next to a section not yet listed
    if form.validate_on_submit():
        sections.add(db.session, me(), form.name.data, form.position.data, clock.now())
        db.session.commit()
        flash(_("The section is added."), "success")
        return redirect(url_for("desk_catalogue.sections_index"), 303)
    return _sections_page(form, None, 422 if form.errors else 200)


@bp.route("/desk/sections/<int:item_id>", methods=["GET", "POST"])
def section(item_id: int):
    item = sections.find(db.session, me(), item_id)
    form = SectionForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        renaming = sections.rename_of(db.session, item, form.name.data)
        if renaming and form.confirmed.data != form.name.data:
            # A rename rewrites every article of the section: it is shown first, and done
            # only when confirmed for exactly this name. Nothing is saved yet.
            form.confirmed.data = form.name.data
            return _sections_page(form, item_id, 200, renaming)
        position = item.position if form.position.data is None else form.position.data
        sections.edit(db.session, me(), item_id, form.name.data, position, clock.now())
        db.session.commit()
        flash(_("The section is saved."), "success")
        return redirect(url_for("desk_catalogue.sections_index"), 303)
    return _sections_page(form, item_id, 422 if form.errors else 200)


def _authors_page(form: AuthorForm, item_id: int | None = None, status: int = 200):
    item = authors.find(db.session, me(), item_id) if item_id else None
    rows = authors.listing(db.session, me())
    removable = item is not None and not authors.is_used(db.session, item)
    page = render_template(
        "desk/authors.html", form=form, item=item, rows=rows, removable=removable
    )
    return page, status


@bp.route("/desk/authors", methods=["GET", "POST"])
def authors_index():
    form = AuthorForm()
    if form.validate_on_submit():
        authors.add(db.session, me(), form.name.data, form.title.data or "", form.bio.data or "")
        db.session.commit()
        flash(_("The author is added."), "success")
        return redirect(url_for("desk_catalogue.authors_index"), 303)
    return _authors_page(form, None, 422 if form.errors else 200)


@bp.route("/desk/authors/<int:item_id>", methods=["GET", "POST"])
def author(item_id: int):
    item = authors.find(db.session, me(), item_id)
    form = AuthorForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        authors.edit(
            db.session, me(), item_id, form.name.data, form.title.data or "", form.bio.data or ""
        )
        db.session.commit()
        flash(_("The author is saved."), "success")
        return redirect(url_for("desk_catalogue.authors_index"), 303)
    return _authors_page(form, item_id, 422 if form.errors else 200)


@bp.post("/desk/sections/<int:item_id>/remove")
def remove_section(item_id: int):
    name = sections.remove(db.session, me(), item_id)
    db.session.commit()
    flash(_("The section %(name)s is removed.", name=name), "success")
    return redirect(url_for("desk_catalogue.sections_index"), 303)


@bp.post("/desk/authors/<int:item_id>/remove")
def remove_author(item_id: int):
    name = authors.remove(db.session, me(), item_id)
    db.session.commit()
    flash(_("The author %(name)s is removed.", name=name), "success")
    return redirect(url_for("desk_catalogue.authors_index"), 303)
