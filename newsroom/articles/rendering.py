"""Markdown to safe HTML, split into the public first paragraph and the rest. Runs at import."""

import re
from dataclasses import dataclass
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "hr",
    "br",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Two slashes (either way round) name another host to a browser, after it drops tabs and
# line breaks from the address: `//host/x` and `/\\host/x` are off-site, not paths.
_OTHER_HOST = re.compile(r"[/\\]{2}")
_IGNORED_IN_URLS = str.maketrans("", "", "\t\n\r")


def is_off_site_relative(url: str) -> bool:
    """A URL without a scheme that a browser still reads as another host's."""
    return bool(_OTHER_HOST.match(url.translate(_IGNORED_IN_URLS).lstrip("\x00 ")))


_IMAGE_ADDRESS = re.compile(r"(https?://|/)\S{1,490}")


def is_image_address(value: str) -> bool:
    """An article's image: an http(s) URL or a path on this site, never another host's path."""
    return bool(_IMAGE_ADDRESS.fullmatch(value)) and not is_off_site_relative(value)


@dataclass(frozen=True)
class RenderedBody:
    teaser_html: str  # the first paragraph: what every reader may see
    rest_html: str  # everything after it
    word_count: int


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        # Only http, https and mailto leave the site: a protocol-relative link is dropped.
        url_relative=lambda url: None if is_off_site_relative(url) else url,
        link_rel="noopener noreferrer",
    )


def render_body(markdown: str) -> RenderedBody:
    """The teaser is the opening paragraph only; a body that opens with anything else (a list,
    a heading, a quote) has no teaser, so nothing past a first paragraph is ever public."""
    md = _parser()
    tokens = md.parse(markdown)
    split = 0
    if tokens and tokens[0].type == "paragraph_open":
        # The split is made on the token stream, not on HTML text.
        split = next(i + 1 for i, t in enumerate(tokens) if t.type == "paragraph_close")
    teaser = md.renderer.render(tokens[:split], md.options, {})
    rest = md.renderer.render(tokens[split:], md.options, {})
    words = sum(len(t.content.split()) for t in tokens if t.type == "inline")
    return RenderedBody(_clean(teaser).strip(), _clean(rest).strip(), words)
