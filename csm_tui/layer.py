"""The database layer (SQLAlchemy, SQLModel, our tables) imported by one thread, once.

The TUI paints before this layer loads and opens the database in a worker. A key pressed
meanwhile builds a screen whose domain module imports the layer too, on another thread;
two threads importing SQLAlchemy's package at once break its circular imports
("cannot import name … from partially initialized module") and the app died. So every
path that may import the layer calls `load_database_layer()` first: the first caller
imports it while the others wait, and after that it costs one flag test.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_loaded = False


def load_database_layer() -> None:
    """Import the database layer completely, or wait while another thread does."""
    global _loaded
    if _loaded:
        return
    with _lock:
        if not _loaded:
            import db.models  # noqa: F401  (SQLAlchemy, SQLModel and the tables)
            import db.store  # noqa: F401

            _loaded = True


def database_layer_loaded() -> bool:
    return _loaded
