"""Share links for an article URL: only public text goes into them."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from flask_babel import gettext as _


@dataclass(frozen=True)
class ShareLink:
    channel: str
    label: str
    href: str


def share_links(url: str, title: str, email_body: str | None = None) -> list[ShareLink]:
    body = email_body or url
    mailto = "mailto:?" + urlencode({"subject": title, "body": body}, quote_via=quote)
    return [
        ShareLink("email", _("E-mail"), mailto),
        ShareLink(
            "facebook",
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?u=" + quote(url, safe=""),
        ),
        ShareLink(
            "x",
            "X",
            "https://x.com/intent/post?" + urlencode({"url": url, "text": title}, quote_via=quote),
        ),
        ShareLink(
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/sharing/share-offsite/?url=" + quote(url, safe=""),
        ),
        ShareLink(
            "whatsapp", "WhatsApp", "https://wa.me/?text=" + quote(f"{title} {url}", safe="")
        ),
    ]
