"""Address slugs for names (sections, authors): the article slug rule, folded to ASCII."""

import hashlib
import re
import unicodedata

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
        "ħ": "h",
    }
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 80


def slugify(name: str) -> str:
    """`Åbne spørgsmål` -> `abne-sporgsmal`. A name with no Latin letters or digits at all
    gets a short stable digest instead, so every name has an address."""
    folded = unicodedata.normalize("NFKD", name.lower().translate(_LETTERS))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")[:MAX_LENGTH].rstrip("-")
    if slug:
        return slug
    return "n-" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:10]
