"""The desk's forms: the article (and one imported without its source), the publication time."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from newsroom.articles.models import KINDS
from newsroom.articles.rendering import is_image_address
from newsroom.desk.models import ROLES
from newsroom.web.forms import Form


class ImageAddress:
    """The rule the import applies: an http(s) URL or a path on this site."""

    def __call__(self, _form, field) -> None:
        if field.data and not is_image_address(field.data):
            raise ValidationError(_l("Give an http(s) address or a path on this site."))


class ArticleForm(Form):
    headline = StringField(_l("Headline"), validators=[DataRequired(), Length(max=300)])
    lead = TextAreaField(_l("Lead"), validators=[DataRequired(), Length(max=2000)])
    body = TextAreaField(_l("Body (Markdown)"), validators=[DataRequired(), Length(max=200_000)])
    section = StringField(_l("Section"), validators=[DataRequired(), Length(max=80)])
    kind = SelectField(_l("Kind"), choices=list(KINDS), default=KINDS[0])
    author_name = StringField(_l("Author"), validators=[DataRequired(), Length(max=120)])
    author_title = StringField(_l("Author's title"), validators=[Length(max=200)])
    language = StringField(
        _l("Language"),
        default="en",
        validators=[DataRequired(), Regexp(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")],
    )
    image = StringField(
        _l("Image address"),
        validators=[Optional(), Length(max=490), ImageAddress()],
    )
    slug = StringField(
        _l("Address (slug)"),
        validators=[Optional(), Length(max=160), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")],
    )
    locked = BooleanField(_l("Locked (needs Digital+)"))
    giftable = BooleanField(_l("Subscribers may gift it"), default=True)
    base_revision = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class ImportedArticleForm(ArticleForm):
    """An article imported before the desk kept sources: its text is not edited here."""

    body = TextAreaField(_l("Body (Markdown)"), validators=[Optional(), Length(max=200_000)])


class ScheduleForm(Form):
    publish_at = DateTimeLocalField(
        _l("Publish at"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )


class SectionForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    position = IntegerField(_l("Place in the order"), validators=[Optional()])
    # The new name the editor confirmed, having been shown how many articles it changes.
    confirmed = HiddenField(validators=[Length(max=80)])


class AuthorForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    bio = TextAreaField(_l("Bio"), validators=[Length(max=2000)])


class StaffForm(Form):
    """A role given, changed or (empty) taken away, confirmed with the admin's own password."""

    email = StringField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice("", _l("No role")), *[SelectChoice(r) for r in ROLES]]
    )
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=128)])
