"""Turning failures into one clear sentence for the user."""

from __future__ import annotations


def describe_error(exc: BaseException, url: str | None = None) -> str:
    """`url`, when known, lets a database failure name the file it concerns."""
    from db.errors import StoreError, describe_database_error

    if isinstance(exc, StoreError | ValueError | LookupError):
        return str(exc)
    described = describe_database_error(exc, url)
    if described is not None:
        return described
    return f"{type(exc).__name__}: {exc}"
