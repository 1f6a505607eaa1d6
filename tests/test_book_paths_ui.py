"""Every path of the book kept by hand in the TUI, driven by keys: the calendar's event
edit (`e`) and delete (`D`, offering to remove the touches it planned), an account's
own event (`a` on its screen), a touch corrected and deleted from the Touchpoints
history (`h`, then `e` / `D`), a task of one's own added, edited and deleted, a
stakeholder edited and removed, an account archived and deleted; each undone with `u`.
Each test reads the screen after the write, not only the row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select
from textual.widgets import Input

from csm_tui.book import NewAccount, add_account
from csm_tui.contacts import add_contact
from csm_tui.event_book import save_event
from csm_tui.followup import log_followup
from db.models import Account, Event, Task, Touchpoint
from db.store import Store
from screens.account import AccountScreen
from screens.book_forms import RecordForm
from screens.calendar import CalendarScreen
from screens.dialogs import Confirm
from screens.event_form import EventForm
from screens.portfolio import PortfolioScreen
from screens.task_checklist import TaskChecklist
from screens.touchpoints import TouchpointsScreen
from screens.vtable import VirtualTable
from tests.pilot import WatchedApp, expect_ready, press, started, watched_app

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 3, tzinfo=UTC)


def _cells(table: VirtualTable) -> str:
    return " ".join(str(c) for row in table.rows for c in row.values())


def _table(app: WatchedApp, ident: str) -> VirtualTable:
    return app.screen.query_one(f"#{ident}", VirtualTable)


async def _opened(pilot: Any, *keys: str) -> Any:
    """Press keys that open a dialog after a read in the background; the dialog."""
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


async def _pick(pilot: Any, table: VirtualTable, key: str) -> None:
    """Focus `table` with its cursor on the row `key`."""
    table.focus()
    table.move_to_key(key)
    await pilot.pause()
    assert table.current is not None and table.current.key == key


def _book(store: Store) -> dict[str, int]:
    aid = add_account(store, NewAccount("清华大学", arr="880000", currency="CNY", owner="me",
                                        tier="S"), today=TODAY)
    hu = add_contact(store, aid, {"name": "胡晓东", "role": "decision_maker",
                                  "level": "executive"}).contact_id
    return {"account": aid, "hu": hu}


async def _account_screen(pilot: Any) -> AccountScreen:
    """From Portfolio (one account in the book): enter opens it."""
    await press(pilot, "2", ready=PortfolioScreen)
    await press(pilot, "enter", ready=AccountScreen)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen) and screen.detail is not None
    return screen


async def test_calendar_edits_an_event_then_deletes_it_with_its_touches(store: Store) -> None:
    ids = _book(store)
    event_id = save_event(store, today=TODAY, title="校庆", on_date=date(2026, 11, 27),
                          scope="account", account_id=ids["account"], lead_days=2)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        planned = [i for i in screen.items if i.kind == "touchpoint"]
        assert planned and all(i.account_id == ids["account"] for i in planned)
        await press(pilot, "right", "right", "right")
        assert screen.grid.selected == date(2026, 11, 27)
        await press(pilot, "enter")  # into the day's list
        items = _table(app, "cal-items")
        assert app.focused is items and "校庆" in _cells(items)
        form = await _opened(pilot, "e")
        assert isinstance(form, EventForm)
        assert form.query_one("#ev-title", Input).value == "校庆"
        assert form.query_one("#ev-account", Input).value == "清华大学"
        form.query_one("#ev-title", Input).value = "校庆 120 周年"
        form.query_one("#ev-lead", Input).value = "x"
        await press(pilot, "ctrl+s")
        assert app.screen is form and "lead days" in str(form.query_one("#ev-error").render())
        form.query_one("#ev-lead", Input).value = "2"
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("ctrl+s")
        assert app.screen is screen
        assert [i.title for i in screen.items if i.day == date(2026, 11, 27)] == ["校庆 120 周年"]
        assert "校庆 120 周年" in _cells(_table(app, "cal-items"))
        assert "Event saved" in app.notices
        # D asks, then asks about the touch it planned; both go
        await _pick(pilot, _table(app, "cal-items"), _table(app, "cal-items").rows[0].key)
        question = await _opened(pilot, "D")
        assert isinstance(question, Confirm)
        await press(pilot, "y")
        second = app.screen
        assert isinstance(second, Confirm) and "It planned 1 touches" in second.question
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("y")
        assert not [i for i in screen.items if i.ref.startswith("event:")]
        assert not [i for i in screen.items if i.kind == "touchpoint"]
        assert any("with 1 planned touches" in n for n in app.notices)
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("u")
        assert "校庆 120 周年" in [i.title for i in screen.items]
        assert [i for i in screen.items if i.kind == "touchpoint"]
    with store.session() as s:
        assert s.get(Event, event_id) is not None
        assert s.exec(select(Touchpoint).where(
            col(Touchpoint.origin).like(f"event:{event_id}:%"))).all()


async def test_calendar_delete_keeps_the_touches_when_told(store: Store) -> None:
    ids = _book(store)
    save_event(store, today=TODAY, title="Board day", on_date=date(2026, 11, 27),
               scope="account", account_id=ids["account"], lead_days=2)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)
        await press(pilot, "A")  # the agenda lists every item of the month
        agenda = _table(app, "cal-agenda")
        event_row = next(r.key for r, item in zip(agenda.rows, screen.shown, strict=True)
                         if item.ref.startswith("event:"))
        await _pick(pilot, agenda, event_row)
        await _opened(pilot, "D")
        await press(pilot, "y")
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("n")  # the event goes, its touch stays
        assert "Board day" not in [i.title for i in screen.items]
        assert [i for i in screen.items if i.kind == "touchpoint"]


async def test_an_accounts_own_event_from_its_screen(store: Store) -> None:
    _book(store)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        screen = await _account_screen(pilot)
        form = await _opened(pilot, "a")
        assert isinstance(form, EventForm)
        assert form.query_one("#ev-account", Input).value == "清华大学"
        assert form.query_one("#ev-scope", Input).value == "account"
        form.query_one("#ev-title", Input).value = "新校长就任"
        form.query_one("#ev-date", Input).value = "+10d"  # from the app's day, not the clock
        form.query_one("#ev-lead", Input).value = "3"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        assert app.screen is screen
        events = _table(app, "account-events")
        assert "Fri 04 Dec 2026 新校长就任" in _cells(events)
        assert screen.detail is not None
        assert any(day == date(2026, 12, 4) for day, _t, _i in screen.detail.event_rows)
        # enter on the event edits it
        await _pick(pilot, events, next(r.key for r in events.rows
                                        if "新校长就任" in str(r.values())))
        form = await _opened(pilot, "enter")
        assert isinstance(form, EventForm)
        form.query_one("#ev-title", Input).value = "新校长就任典礼"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        assert "新校长就任典礼" in _cells(_table(app, "account-events"))
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("u")
        assert "新校长就任典礼" not in _cells(_table(app, "account-events"))
        assert "新校长就任" in _cells(_table(app, "account-events"))


async def test_history_corrects_then_deletes_a_touch(store: Store) -> None:
    ids = _book(store)
    done = log_followup(store, ids["account"], summary="续约讨论：预箅已确认",
                        contact_id=ids["hu"], now=NOW, today=TODAY).done_id
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        await press(pilot, "h", ready=TouchpointsScreen)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen) and screen.history
        table = _table(app, "touchpoints")
        await _pick(pilot, table, f"tp:{done}")
        form = await _opened(pilot, "e")
        assert isinstance(form, RecordForm)
        assert form.query_one("#rf-summary", Input).value == "续约讨论：预箅已确认"
        assert form.query_one("#rf-contact_id").value == ids["hu"]
        form.query_one("#rf-summary", Input).value = "续约讨论：预算已确认"
        form.query_one("#rf-outcome").value = "positive"
        async with expect_ready(pilot, TouchpointsScreen):
            await pilot.press("ctrl+s")
        assert app.screen is screen
        shown = _cells(_table(app, "touchpoints"))
        assert "续约讨论：预算已确认" in shown and "预箅" not in shown
        # the history's own columns: the whole date, the status, what was done
        assert [c.label for c in _table(app, "touchpoints").columns][::5] == ["Date", "Status"]
        row = next(r for r in _table(app, "touchpoints").rows if r.key == f"tp:{done}")
        assert row.values()[0] == "2026-11-24" and str(row.values()[5]) == "done"
        assert "positive" in shown and "胡晓东" in shown
        # / finds it by the fixed word and by the stakeholder
        for query, found in (("预算", [done]), ("胡晓东", [done + 1, done])):  # his next one
            async with expect_ready(pilot, TouchpointsScreen):
                screen.query_one("#tp-filter", Input).value = query
            assert screen.page is not None and [r.id for r in screen.page.rows] == found
        async with expect_ready(pilot, TouchpointsScreen):
            screen.query_one("#tp-filter", Input).value = ""
        await _pick(pilot, _table(app, "touchpoints"), f"tp:{done}")
        question = await _opened(pilot, "D")
        assert isinstance(question, Confirm) and "预算已确认" in question.question
        async with expect_ready(pilot, TouchpointsScreen):
            await pilot.press("y")
        assert f"tp:{done}" not in [r.key for r in _table(app, "touchpoints").rows]
        async with expect_ready(pilot, TouchpointsScreen):
            await pilot.press("u")
        assert "续约讨论：预算已确认" in _cells(_table(app, "touchpoints"))
        async with expect_ready(pilot, TouchpointsScreen):
            await pilot.press("u")  # the correction undone too
        assert "预箅" in _cells(_table(app, "touchpoints"))


async def test_a_task_of_ones_own_added_edited_deleted(store: Store) -> None:
    ids = _book(store)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        screen = await _account_screen(pilot)
        form = await _opened(pilot, "plus")
        assert isinstance(form, RecordForm)
        form.query_one("#rf-title", Input).value = "Send the 续约 proposal"
        form.query_one("#rf-due", Input).value = "2026-13-01"
        await press(pilot, "ctrl+s")
        assert app.screen is form and "due" in str(form.query_one("#rf-error").render())
        form.query_one("#rf-due", Input).value = "2026-12-01"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        checklist = app.screen.query_one("#account-tasks", TaskChecklist)
        assert "Send the 续约 proposal" in _cells(checklist)
        with store.session() as s:
            task = s.exec(select(Task).where(Task.title == "Send the 续约 proposal")).one()
        await _pick(pilot, checklist, str(task.id))
        form = await _opened(pilot, "enter")
        assert isinstance(form, RecordForm)
        assert form.query_one("#rf-title", Input).value == "Send the 续约 proposal"
        form.query_one("#rf-title", Input).value = "Send the 续约 proposal v2"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        checklist = app.screen.query_one("#account-tasks", TaskChecklist)
        assert "Send the 续约 proposal v2" in _cells(checklist)
        await _pick(pilot, checklist, str(task.id))
        question = await _opened(pilot, "D")
        assert isinstance(question, Confirm) and "v2" in question.question
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("y")
        assert "proposal v2" not in _cells(app.screen.query_one("#account-tasks",
                                                                TaskChecklist))
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("u")
        assert "proposal v2" in _cells(app.screen.query_one("#account-tasks", TaskChecklist))
        assert app.screen is screen and ids


async def test_a_stakeholder_edited_then_removed(store: Store) -> None:
    ids = _book(store)
    log_followup(store, ids["account"], summary="call", contact_id=ids["hu"], now=NOW,
                 today=TODAY)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await _account_screen(pilot)
        contacts = _table(app, "account-contacts")
        await _pick(pilot, contacts, f"contact:{ids['hu']}")
        form = await _opened(pilot, "enter")
        assert isinstance(form, RecordForm)
        assert form.query_one("#rf-name", Input).value == "胡晓东"
        form.query_one("#rf-title", Input).value = "CIO"
        form.query_one("#rf-phone", Input).value = "+86 10 6278 0000"
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("ctrl+s")
        shown = _cells(_table(app, "account-contacts"))
        assert "CIO" in shown and "+86 10 6278 0000" in shown
        await _pick(pilot, _table(app, "account-contacts"), f"contact:{ids['hu']}")
        question = await _opened(pilot, "D")
        assert isinstance(question, Confirm) and "胡晓东" in question.question
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("y")
        assert "胡晓东" not in _cells(_table(app, "account-contacts"))
        assert "call" in _cells(_table(app, "account-timeline"))  # the touch stays
        assert "no stakeholders yet" in str(app.screen.query_one("#account-alert").render())
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("u")
        assert "CIO" in _cells(_table(app, "account-contacts"))


async def test_an_account_archived_then_deleted_and_undone(store: Store) -> None:
    ids = _book(store)
    add_account(store, NewAccount("Contoso", currency="USD", owner="me"), today=TODAY)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        portfolio = app.screen
        table = portfolio.query_one("#portfolio", VirtualTable)
        row = next(r.key for r in table.rows if "清华大学" in str(r.values()))
        await _pick(pilot, table, row)
        await press(pilot, "enter", ready=AccountScreen)
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        question = await _opened(pilot, "X")
        assert isinstance(question, Confirm) and "Archive 清华大学" in question.question
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("y")
        head = str(screen.query_one("#account-head").render())
        assert "archived" in head.lower()
        assert any("Archived 清华大学" in n for n in app.notices)
        async with expect_ready(pilot, AccountScreen):
            await pilot.press("u")
        assert "archived" not in str(screen.query_one("#account-head").render()).lower()
        # ctrl+d says what goes with it, then deletes; the screen closes onto Portfolio
        question = await _opened(pilot, "ctrl+d")
        assert isinstance(question, Confirm)
        assert "Delete 清华大学" in question.question and "1 stakeholder" in question.question
        async with expect_ready(pilot, PortfolioScreen):
            await pilot.press("y")
        assert app.screen is portfolio
        names = _cells(portfolio.query_one("#portfolio", VirtualTable))
        assert "清华大学" not in names and "Contoso" in names
        async with expect_ready(pilot, PortfolioScreen):
            await pilot.press("u")
        assert "清华大学" in _cells(portfolio.query_one("#portfolio", VirtualTable))
    with store.session() as s:
        account = s.get(Account, ids["account"])
        assert account is not None and not account.archived


async def test_moving_an_event_moves_the_touches_it_planned(store: Store) -> None:
    ids = _book(store)
    save_event(store, today=TODAY, title="校庆", on_date=date(2026, 11, 27), scope="account",
               account_id=ids["account"], lead_days=2)
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "5", ready=CalendarScreen)
        screen = app.screen
        assert isinstance(screen, CalendarScreen)

        def planned() -> list[date]:
            return [i.day for i in screen.items if i.kind == "touchpoint"]

        assert planned() == [date(2026, 11, 25)]
        await press(pilot, "right", "right", "right", "enter")
        form = await _opened(pilot, "e")
        assert isinstance(form, EventForm)
        form.query_one("#ev-date", Input).value = "2026-12-03"
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("ctrl+s")
        assert planned() == [date(2026, 12, 1)]  # two days ahead of the new date
        assert [i.day for i in screen.items if i.ref.startswith("event:")] == [date(2026, 12, 3)]
        async with expect_ready(pilot, CalendarScreen):
            await pilot.press("u")
        assert planned() == [date(2026, 11, 25)]
        assert [i.day for i in screen.items if i.ref.startswith("event:")] == [
            date(2026, 11, 27)]


async def test_the_brief_shows_how_to_reach_people_and_the_notes(store: Store) -> None:
    from csm_tui.contacts import edit_contact
    from csm_tui.notes import add_note
    from screens.brief_view import BriefView

    ids = _book(store)
    edit_contact(store, ids["hu"], {"email": "hu@thu.edu.cn", "phone": "+86 10 6278 0000",
                                    "notes": "Prefers WeChat"})
    add_note(store, ids["account"], "续约讨论\n预算已确认", on_date=TODAY, author="me")
    app = watched_app(store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await _account_screen(pilot)
        await press(pilot, "b")
        brief = app.screen
        assert isinstance(brief, BriefView)
        assert "hu@thu.edu.cn · +86 10 6278 0000" in brief.text
        assert "  - Prefers WeChat" in brief.text
        assert "- **2026-11-24** (me): 续约讨论\n  预算已确认" in brief.text
        assert "saved to" in str(brief.query_one("#brief-path").render())
        await press(pilot, "escape")
        assert isinstance(app.screen, AccountScreen)
        # a long question is wrapped, not cut off
        await _pick(pilot, _table(app, "account-contacts"), f"contact:{ids['hu']}")
        question = await _opened(pilot, "D")
        assert isinstance(question, Confirm)
        title = question.query_one(".dialog-title")
        assert title.size.height > 1 and title.size.width <= question.query_one(
            ".dialog").size.width
