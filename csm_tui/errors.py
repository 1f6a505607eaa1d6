"""Turning failures into one clear sentence for the user."""

from __future__ import annotations


def describe_error(exc: BaseException, url: str | None = None) -> str:
    """`url`, when known, lets a database failure name the file it concerns."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from db.engine import StoreError, store_error_for

    if isinstance(exc, StoreError | ValueError | LookupError):
        return str(exc)
    if url is not None and (clear := store_error_for(exc, url, writing=False)) is not None:
        return str(clear)
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
        return "the database is busy (locked by another program); nothing was saved, try again"
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {getattr(exc, 'orig', None) or exc}"
    return f"{type(exc).__name__}: {exc}"
