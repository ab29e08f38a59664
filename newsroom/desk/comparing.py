"""Two revisions compared word by word."""

import difflib
from dataclasses import dataclass

from newsroom.articles.revisions import Content, content_of
from newsroom.models import ArticleRevision

COMPARED = ("headline", "lead", "body", "section", "kind", "language", "slug")


@dataclass(frozen=True)
class Piece:
    change: str  # "same", "removed" or "added"
    text: str


def words(old: str, new: str) -> list[Piece]:
    """The new text with what was removed and added marked, a word at a time."""
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", " ".join(b[j1:j2])))
    return pieces


def compare(old: ArticleRevision, new: ArticleRevision) -> dict[str, list[Piece]]:
    a, b = content_of(old), content_of(new)
    return {name: words(str(getattr(a, name)), str(getattr(b, name))) for name in COMPARED}


def texts(content: Content) -> dict[str, str]:
    return {name: str(getattr(content, name)) for name in COMPARED}
