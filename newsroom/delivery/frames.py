"""Frames: a page kept with holes for one reader's own parts, for a class of readers who
see the same page but for those parts (every Digital+ reader of an article)."""

import re

from flask import Flask, current_app, g, render_template, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from newsroom.delivery.keeper import keeper, sync_content_version


def _split(html: str, marker: str, holes: tuple[str, ...] = ()) -> tuple:
    """Text as str, the CSRF token as None, a hole as its index in `holes`."""
    named = "|".join(re.escape(name) for name in holes) or "(?!)"
    pieces = re.split(f"({re.escape(marker)}(?:-(?:{named})-)?)", html)
    return tuple(
        piece
        if not piece.startswith(marker)
        else None
        if piece == marker
        else holes.index(piece[len(marker) + 1 : -1])
        for piece in pieces
    )


def fill(segments: tuple, token: str, parts: list[str] = ()) -> str:
    """A kept frame or part with the reader's token and own parts in their places."""
    return "".join(token if s is None else parts[s] if isinstance(s, int) else s for s in segments)


def render_part(template: str, context: dict) -> str:
    """render_template, or with "NAME#BLOCK" only that block of the template NAME."""
    name, _, block = template.partition("#")
    if not block:
        return render_template(template, **context)
    app = current_app._get_current_object()
    found = app.jinja_env.get_or_select_template(name)
    context = dict(context)
    app.update_template_context(context)
    return "".join(found.blocks[block](found.new_context(context)))


def kept_segments(store_key: tuple) -> tuple | None:
    """The segments kept under `store_key` (with the content version last)."""
    return keeper().frames.get(store_key)


def _rendered(store_key: tuple, template: str, context: dict, holes=()) -> tuple | None:
    """The kept segments of `template` for `store_key`, rendered (with placeholders for
    the token and the holes) when missing; None when the content version is unknown."""
    config = current_app.config
    if config["PAGE_CACHE_SECONDS"] <= 0:
        return None
    version = sync_content_version()
    if version is None:
        return None
    cache = keeper()
    store_key = (*store_key, version)
    segments = kept_segments(store_key)
    if segments is not None:
        return segments
    marker = cache.marker
    names = {name: f"{marker}-{name}-" for name in holes}
    g.rendering_frame = True
    try:
        html = render_part(template, {**context, "holes": names})
    finally:
        g.rendering_frame = False
    segments = _split(html, marker, tuple(holes))
    placed = sorted(s for s in segments if isinstance(s, int))
    if placed != list(range(len(holes))):
        raise ValueError(f"{template} must place each of {holes} once, placed {placed}")
    # A reader's own token in the text (made by anything but csrf_token()): not kept.
    own_token = g.get("csrf_token")
    if own_token is None or own_token not in html:
        # Kept until the content changes (the version is in the key) or the store's byte
        # bound pushes it out: whatever changes on its own clock is a part, not the frame.
        size = sum(len(s) for s in segments if isinstance(s, str))
        cache.frames.put(store_key, segments, size)
    return segments


def reader_token() -> str:
    """The reader's CSRF token (Flask-WTF's), remembered by their session's CSRF secret so
    that a page served before the app (pages/subscriber_page.py) can carry it too: with
    WTF_CSRF_TIME_LIMIT off a token is good for as long as the session keeps its secret."""
    token = generate_csrf()
    secret = session.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    if isinstance(secret, str):
        keeper().tokens.put(("csrf", secret), token, len(secret) + len(token))
    return token


def render_in_frame(
    key: tuple, frame_template: str, shared: dict, parts: list[tuple[tuple | None, str, dict]]
) -> str | None:
    """A page the same for a whole class of readers except a few parts of their own.

    The frame (`frame_template`, which puts `holes.NAME` where each part goes) is rendered
    once per `key` and kept. Each part is (key, template, context): a part whose key is not
    None is the same for every reader it is computed for (a reading-list toggle in the
    saved state, the gift dialog at a given allowance) and is kept under that key too;
    None renders it each time. None when nothing can be kept (render normally)."""
    holes = tuple(name for name, _ in enumerate(parts))
    names = tuple(f"part{n}" for n in holes)
    frame = _rendered(("frame", *key), frame_template, shared, names)
    if frame is None:
        return None
    token = reader_token()
    filled = []
    for part_key, template, context in parts:
        segments = None if part_key is None else _rendered(("part", *part_key), template, context)
        if segments is None:
            filled.append(render_part(template, context))
        else:
            filled.append(fill(segments, token))
    return fill(frame, token, filled)


def csrf_token() -> str:
    """The templates' csrf_token(): Flask-WTF's, or the placeholder while a frame is being
    rendered to keep (each reader's own token is filled in when it is served)."""
    if g.get("rendering_frame"):
        return keeper().marker
    return generate_csrf()


def csrf_input() -> Markup:
    """The hidden field every POST form carries, for templates: {{ csrf_input() }}. A global
    rather than a macro, so a block rendered on its own (a frame's hole) has it too."""
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token()


def init_app(app: Flask) -> None:
    # Flask-WTF offers its generate_csrf both ways; a later context processor wins.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_input"] = csrf_input
    app.context_processor(lambda: {"csrf_token": csrf_token})
