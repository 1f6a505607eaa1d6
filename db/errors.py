"""The database layer's error the user can act on, in a module of its own so that the
command line can catch it without loading SQLAlchemy (the TUI paints first)."""


class StoreError(Exception):
    """A problem with the database the user can act on; the message says what and where."""
