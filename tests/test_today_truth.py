"""After every write made on Today (log, done, snooze, undo, retier; ten times each),
Today shows exactly what `csm today --json` says: the same rows, in the same order,
with the same priorities. This is the data path's promise: one load after a write,
no stale pass arriving late, no cache outliving the data."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from csm_tui.cli import main
from csm_tui.demo import DEMO_USER
from db.store import Store
from screens.dialogs import DatePrompt
from screens.log_form import LogFollowUpScreen
from screens.tier_dialogs import RetierResult
from screens.today import TodayScreen
from screens.vtable import VirtualTable
from tests.pilot import expect_ready, press, started, watched_app

ROUNDS = 10
Row = tuple[Any, ...]


def _cli_rows(store: Store, today: date) -> list[Row]:
    out = io.StringIO()  # the running app captures sys.stdout: print into our own
    with redirect_stdout(out):
        assert main(["today", "--json", "--db", store.url, "--today", today.isoformat()]) == 0
    items = json.loads(out.getvalue())["items"]
    return [(i["kind"], i["account_id"], i["title"], i["priority"], i["due"],
             i["touchpoint_id"], i["task_id"]) for i in items]


def _screen_rows(pilot: Pilot[Any]) -> list[Row]:
    screen = pilot.app.screen
    assert isinstance(screen, TodayScreen)
    table = screen.query_one("#today-due", VirtualTable)
    out = []
    for row in table.rows:
        i = screen.items[row.key]
        out.append((i.kind, i.account_id, i.title, i.priority, i.due.isoformat(),
                    i.touchpoint_id, i.task_id))
    # what is drawn is what the items say
    assert [r.values()[0] for r in table.rows] == [str(r[3]) for r in out]
    return out


def _select(pilot: Pilot[Any], kind: str) -> None:
    """Put the cursor on Today's first row of a kind (as the user would with j/k)."""
    screen = pilot.app.screen
    assert isinstance(screen, TodayScreen)
    key = next(k for k in (r.key for r in screen.query_one("#today-due", VirtualTable).rows)
               if k.startswith(f"{kind}:"))
    table = screen.query_one("#today-due", VirtualTable)
    table.move_to_key(key)
    table.focus()


async def _log(pilot: Pilot[Any], n: int) -> None:
    _select(pilot, "touchpoint")
    await press(pilot, "l", ready=LogFollowUpScreen)
    await pilot.press(*f"call {n}")
    await press(pilot, "enter", ready=TodayScreen)


async def _done(pilot: Pilot[Any], n: int) -> None:
    _select(pilot, "touchpoint")
    await press(pilot, "d", ready=TodayScreen)


async def _snooze(pilot: Pilot[Any], n: int) -> None:
    _select(pilot, "touchpoint")
    await press(pilot, "s")
    prompt = pilot.app.screen
    assert isinstance(prompt, DatePrompt)
    prompt.query_one(Input).value = "+3d"
    await press(pilot, "enter", ready=TodayScreen)


async def _undo(pilot: Pilot[Any], n: int) -> None:
    await press(pilot, "u", ready=TodayScreen)


async def _retier(pilot: Pilot[Any], n: int) -> None:
    async with expect_ready(pilot, TodayScreen):
        await pilot.app.run_action("retier")  # the palette's "Retier" on Today
    assert isinstance(pilot.app.screen, RetierResult)
    await press(pilot, "escape")


@pytest.mark.parametrize("action", [_log, _done, _snooze, _undo, _retier],
                         ids=["log", "done", "snooze", "undo", "retier"])
async def test_today_equals_the_cli_after_every_write(
        demo_store: Store, today: date, monkeypatch: pytest.MonkeyPatch, action: Any) -> None:
    monkeypatch.setenv("CSM_USER", DEMO_USER)  # the CLI's user: the same "mine" scope
    app = watched_app(demo_store, today, user=DEMO_USER)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        assert _screen_rows(pilot) == _cli_rows(demo_store, today)
        before = _screen_rows(pilot)
        for n in range(ROUNDS):
            await action(pilot, n)
            assert _screen_rows(pilot) == _cli_rows(demo_store, today), (action, n)
        if action in (_log, _done, _snooze):
            assert _screen_rows(pilot) != before  # the writes changed what Today shows


async def test_the_cursor_holds_its_place_when_its_row_is_done(demo_store: Store,
                                                               today: date) -> None:
    """A row done from Today leaves the list; the cursor stays at the same place (on the
    row that took its place), it does not jump to the top or follow another item."""
    app = watched_app(demo_store, today, user=DEMO_USER)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        screen = app.screen
        table = screen.query_one("#today-due", VirtualTable)
        touches = [i for i, r in enumerate(table.rows) if r.key.startswith("touchpoint:")]
        place = touches[2]
        table.cursor = place
        done_key = table.rows[place].key
        await press(pilot, "d", ready=TodayScreen)
        assert done_key not in [r.key for r in table.rows]
        assert table.cursor == place
        kept = table.rows[place].key  # a write elsewhere keeps the cursor on its row
        table.cursor = place
        async with expect_ready(pilot, TodayScreen):
            await app.run_action("refresh")
        assert table.current is not None and table.current.key == kept
