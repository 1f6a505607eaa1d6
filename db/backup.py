"""Consistent copies of a SQLite database with SQLite's online backup API."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from db.engine import StoreError
from db.store import Store


def backup_to(store: Store, out: Path) -> int:
    """Copy the live database to `out` (safe while the app is open); returns the
    number of accounts in the copy, read back from the copy itself. The CLI passes a
    0600 temporary file beside the target (csm_tui.safe_files) and moves it into place."""
    if store.path is None:
        raise StoreError("backup works on SQLite files; use pg_dump for a PostgreSQL database")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(store.path)
        dst = sqlite3.connect(out)
        try:
            src.backup(dst)
            count = dst.execute("SELECT count(*) FROM account").fetchone()[0]
        finally:
            dst.close()
            src.close()
        out.chmod(0o600)
    except (OSError, sqlite3.Error) as exc:
        out.unlink(missing_ok=True)
        raise StoreError(f"backup to {out} failed: {exc}") from None
    return int(count)
