"""`make_app`: the one way the TUI is built, for the CLI, the demo and the tests, from
(database, clock, user, language)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

from csm_tui.changelog import current_user
from csm_tui.services import Services

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from db.store import Store

A = TypeVar("A", bound="CsmApp")


def make_services(db: str | Store | None = None, *, today: date | None = None,
                  user: str | None = None, demo: bool = False,
                  demo_dir: str | None = None) -> Services:
    """The services behind the TUI. A path or URL (or the default database) is opened
    by the app in a worker after its first paint; a `Store` is used as it is. `today`
    fixes the day (demos, tests), else the real clock. `demo`: a fresh seeded
    database in `demo_dir` (which the caller removes after), else a new temporary
    folder."""
    opener: Store | Callable[[], Store]
    first_read = None
    if demo:
        from csm_tui.demo import DEMO_USER

        user = user or os.environ.get("CSM_USER") or DEMO_USER  # alex.chen's portfolio
        day = today or date.today()

        def opener() -> Store:
            from csm_tui.demo import prepare_demo
            from db.store import open_store

            folder = demo_dir or tempfile.mkdtemp(prefix="csm-demo-")
            store = open_store(os.path.join(folder, "demo.db"))
            prepare_demo(store, day)
            return store
    elif db is None or isinstance(db, str):
        from csm_tui.paths import default_db

        where = db or default_db()
        if "://" not in str(where):  # a SQLite file: Today's first paint may be cached
            first_read = Path(where).expanduser()

        def opener() -> Store:
            from db.store import open_store

            return open_store(where)
    else:
        opener = db
    clock: Callable[[], date] = (lambda: today) if today is not None else date.today
    return Services(opener, today=clock, user=user or current_user(), first_read=first_read)


@overload
def make_app(db: str | Store | None = None, *, today: date | None = None,
             user: str | None = None, lang: str | None = None, demo: bool = False,
             demo_dir: str | None = None, app_class: None = None) -> CsmApp: ...


@overload
def make_app(db: str | Store | None = None, *, today: date | None = None,
             user: str | None = None, lang: str | None = None, demo: bool = False,
             demo_dir: str | None = None, app_class: type[A]) -> A: ...


def make_app(db: str | Store | None = None, *, today: date | None = None,
             user: str | None = None, lang: str | None = None, demo: bool = False,
             demo_dir: str | None = None, app_class: type[CsmApp] | None = None) -> CsmApp:
    """The TUI on a database (see `make_services`); `app_class` lets a test observe the
    app's own messages."""
    from csm_tui.app import CsmApp

    cls = app_class or CsmApp
    return cls(make_services(db, today=today, user=user, demo=demo, demo_dir=demo_dir),
               lang=lang)
