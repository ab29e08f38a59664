"""Every area's blueprints, in the order the app registers them."""

from newsroom.accounts import auth_views, password_views
from newsroom.accounts import views as account_views
from newsroom.billing import views as billing_views
from newsroom.desk import catalogue_views, staff_views
from newsroom.desk import views as desk_views
from newsroom.gifting import shown_views
from newsroom.gifting import views as gift_views
from newsroom.pages import article_views, author_views, gift_link_views, section_views
from newsroom.pages import views as page_views
from newsroom.reading import views as reading_views
from newsroom.search import views as search_views

BLUEPRINTS = [
    page_views.bp,
    auth_views.bp,
    account_views.bp,
    billing_views.bp,
    password_views.bp,
    article_views.bp,
    gift_link_views.bp,
    gift_views.bp,
    shown_views.bp,
    reading_views.bp,
    section_views.bp,
    author_views.bp,
    search_views.bp,
    desk_views.bp,
    catalogue_views.bp,
    staff_views.bp,
]
