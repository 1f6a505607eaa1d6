"""The database layer's errors as the user reads them, in a module of its own so that
the command line can catch them without loading SQLAlchemy (the TUI paints first):
the helpers below import it only when there is a failure to look at."""

from __future__ import annotations

import sys


class StoreError(Exception):
    """A problem with the database the user can act on; the message says what and where."""


def is_database_error(exc: BaseException) -> bool:
    """Is this a failure of the database layer (any SQLAlchemy error)? If SQLAlchemy
    was never loaded, nothing can have raised one."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(exc, SQLAlchemyError)


def describe_database_error(exc: BaseException, url: str | None = None) -> str | None:
    """One sentence for a database failure (naming the database when `url` is known),
    or None when `exc` is not one."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from db.engine import store_error_for

    if url is not None and (clear := store_error_for(exc, url, writing=False)) is not None:
        return str(clear)
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        return "the database is busy (locked by another program); nothing was saved, try again"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {getattr(exc, 'orig', None) or exc}"
    return None
