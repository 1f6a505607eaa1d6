"""What Today's first paint checks before it trusts its small cache, read with the
standard library's sqlite3 alone (no SQLAlchemy: it loads while Today is painted).

A SQLite database's marks: its schema revision, the newest change-log id (the
database's own write counter: every user action writes one) and the basis of its
stored derived state (the day and settings it was computed for). A cached Today is
shown only when all three are what they were when it was made."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def marks(path: Path) -> tuple[str, int, str] | None:
    """(revision, newest change id, basis) of the database file, or None if it cannot
    be read cheaply (missing, locked, not ours)."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        newest = con.execute("SELECT max(id) FROM changelog").fetchone()
        basis = con.execute("SELECT basis FROM accountstate LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    if not revision or not basis:
        return None
    return str(revision[0]), int(newest[0] or 0), str(basis[0])
