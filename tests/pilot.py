"""What Pilot and snapshot tests share: the app built by the same factory as the CLI,
recording the "ready" messages its screens post, so a test waits for exactly the load
its keys caused (never a sleep, never a poll of private state)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from csm_tui.app import CsmApp
from csm_tui.factory import make_app
from db.store import Store
from screens.base import DataScreen
from screens.log_form import LogFollowUpScreen
from screens.task_checklist import ChecklistScreen

TIMEOUT = 60.0  # only reached when the awaited message never comes: a failure


class WatchedApp(CsmApp):
    """CsmApp that counts the Ready messages of each kind of screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.readies: Counter[type] = Counter()
        self.notices: list[str] = []  # every notification's text, in order
        self._arrived: asyncio.Event | None = None

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.notices.append(str(message))
        super().notify(message, **kwargs)

    def _saw(self, kind: type) -> None:
        self.readies[kind] += 1
        if self._arrived is not None:
            self._arrived.set()

    def on_data_screen_ready(self, message: DataScreen.Ready) -> None:
        self._saw(type(message.screen))

    def on_log_follow_up_screen_ready(self, message: LogFollowUpScreen.Ready) -> None:
        self._saw(LogFollowUpScreen)

    def on_checklist_screen_ready(self, message: ChecklistScreen.Ready) -> None:
        self._saw(ChecklistScreen)

    async def ready(self, kind: type[Screen[Any]], beyond: int = 0) -> None:
        """Wait until `kind` has posted more than `beyond` Ready messages."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while self.readies[kind] <= beyond:
            self._arrived = asyncio.Event()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - loop.time())
            except TimeoutError:
                raise AssertionError(f"{kind.__name__} was not ready in {TIMEOUT:.0f} s "
                                     f"(screen {self.screen!r}; notices {self.notices})"
                                     ) from None


def watched_app(store: Store, today: date, *, user: str | None = None,
                lang: str | None = None) -> WatchedApp:
    return make_app(store, today=today, user=user, lang=lang, app_class=WatchedApp)


def app_of(pilot: Pilot[Any]) -> WatchedApp:
    app = pilot.app
    assert isinstance(app, WatchedApp)
    return app


async def started(pilot: Pilot[Any], kind: type[Screen[Any]] | None = None) -> None:
    """Wait for the first screen's first data (Today unless told)."""
    from screens.today import TodayScreen

    await app_of(pilot).ready(kind or TodayScreen)
    await pilot.pause()


@asynccontextmanager
async def expect_ready(pilot: Pilot[Any], kind: type[Screen[Any]]) -> AsyncIterator[None]:
    """Whatever the block does (keys, a value set on a form), wait after it for the next
    Ready of `kind`: the load it caused, shown and painted."""
    app = app_of(pilot)
    before = app.readies[kind]
    yield
    await app.ready(kind, before)
    await pilot.pause()
    screen = app.screen
    # keys that each ask again (a filter typed in the database): until the newest answer
    while isinstance(screen, kind) and isinstance(screen, DataScreen) and not (
            screen.is_up_to_date):
        await app.ready(kind, app.readies[kind])
        await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str, ready: type[Screen[Any]] | None = None
                ) -> None:
    """Press keys; with `ready`, wait for the load they cause on that screen (a write's
    reload, a first visit, a form filling in)."""
    if ready is None:
        await pilot.press(*keys)
        await pilot.pause()
        return
    async with expect_ready(pilot, ready):
        await pilot.press(*keys)
