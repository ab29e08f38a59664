"""URL converters: an id in a URL is a database integer or no such page."""

from flask import Flask
from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1  # INTEGER on PostgreSQL; SQLite takes 64 bits, Python any size


class DatabaseIntConverter(IntegerConverter):
    """`<int:id>` that matches only ids a database column can hold, so a huge number is a 404
    instead of an overflow inside the driver."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Before any blueprint: rules pick their converters when they are added."""
    app.url_map.converters["int"] = DatabaseIntConverter
