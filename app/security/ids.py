"""Ids from URLs, forms and query strings: whole numbers the database can hold, or nothing.

PostgreSQL's `integer` stops at 2,147,483,647; a larger id in a query is a database error (a
500), not "not found". Every `<int:…>` in a route uses `BoundedIntConverter` (registered as the
default `int` converter), so an id out of range is a 404 before any view runs, and ids read from
forms and query strings go through `parse_id`.
"""

import re

from werkzeug.routing import IntegerConverter

#: The largest value of a PostgreSQL `integer` column (SQLite's are larger).
DB_INT_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(value) -> int | None:
    """A positive database id from text ("42"), or None for anything else.

    ASCII digits only: "²".isdigit() is true but int() refuses it, and int() accepts "４２".
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 1 <= number <= DB_INT_MAX else None


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only ids a database integer can hold (others are a 404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)
