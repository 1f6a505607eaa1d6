"""Where the domain registers the recompute of the derived state (db/derived.py calls
it before each commit). Plain Python with no imports, so that registering costs nothing
at start-up; db/ cannot import the domain, so the domain hands its function in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_recompute: list[Callable[[Any, set[int] | None], None]] = []


def register_recompute(fn: Callable[[Any, set[int] | None], None]) -> None:
    """`fn(session, ids)` rewrites the derived rows of these accounts (None: every
    account) inside the session's transaction."""
    _recompute[:] = [fn]


def recompute() -> Callable[[Any, set[int] | None], None] | None:
    return _recompute[0] if _recompute else None
