"""The follow-up form driven by the keyboard, as a CSM uses it from Today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from textual.widgets import Input, Label

from db.models import Touchpoint
from db.store import Store
from screens.dialogs import Confirm
from screens.log_form import LogFollowUpScreen
from screens.portfolio import PortfolioScreen
from screens.today import TodayScreen
from screens.vtable import VirtualTable
from tests.pilot import press, started, watched_app


async def test_log_from_today_end_to_end(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        table = app.screen.query_one("#today-due", VirtualTable)
        key = next(k for k in app.screen.items if k.startswith("touchpoint:"))
        table.move_to_key(key)
        item = app.screen.items[key]
        await press(pilot, "l", ready=LogFollowUpScreen)
        assert isinstance(app.screen, LogFollowUpScreen)
        await pilot.press(*"Confirmed the renewal budget")
        await press(pilot, "enter", ready=TodayScreen)
        assert app.screen.title == "Today"
        assert key not in app.screen.items  # the screen shows the write, not only the row
    with demo_store.session() as s:
        done = s.get(Touchpoint, item.touchpoint_id)
        assert done.status == "done" and done.summary == "Confirmed the renewal budget"
        planned = s.exec(select(Touchpoint).where(Touchpoint.account_id == item.account_id,
                                                  Touchpoint.status == "planned")).all()
        assert [p.due_date for p in planned] and min(p.due_date for p in planned) > today
        cadence = {"S": 14, "A": 30, "B": 45, "C": 90}[item.tier]
        assert today + timedelta(days=cadence) in [p.due_date for p in planned]


async def test_failed_validation_keeps_typed_text(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "l", ready=LogFollowUpScreen)
        form = app.screen
        form.query_one("#log-summary", Input).value = "Sent the proposal"
        form.query_one("#log-next", Input).value = "someday soon"
        form.query_one("#log-next-step", Input).value = "Call the CFO"
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert "next follow-up" in str(form.query_one("#log-error", Label).render())
        assert form.query_one("#log-summary", Input).value == "Sent the proposal"
        assert form.query_one("#log-next-step", Input).value == "Call the CFO"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#log-summary", Input).value == "Sent the proposal"


async def test_escape_closes_an_untouched_form_at_once(demo_store: Store, today: date) -> None:
    """What the form filled in itself (next date, next step) is not "what you typed"."""
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "l", ready=LogFollowUpScreen)
        form = app.screen
        assert isinstance(form, LogFollowUpScreen)
        assert form.query_one("#log-next", Input).value  # prefilled from the cadence
        assert form.context is not None
        form.query_one("#log-next-step", Input).value = form.context.next_step
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.title == "Today"
        await press(pilot, "l", ready=LogFollowUpScreen)
        app.screen.query_one("#log-next", Input).value = "+3d"  # a changed date is typed text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)


async def test_form_shown_again_starts_clean_for_the_new_account(demo_store: Store,
                                                                 today: date) -> None:
    """The app keeps one form: what was typed for one account never shows for the next."""
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "2", ready=PortfolioScreen)
        await press(pilot, "l", ready=LogFollowUpScreen)
        first = app.screen
        assert isinstance(first, LogFollowUpScreen)
        first_account = first.account_id
        first.query_one("#log-summary", Input).value = "Draft for the first account"
        await press(pilot, "escape", "y")
        await press(pilot, "down", "l", ready=LogFollowUpScreen)
        form = app.screen
        assert form is first and form.account_id != first_account
        assert form.query_one("#log-summary", Input).value == ""
        assert form.context is not None and form.context.account_id == form.account_id
        assert form.context.account in str(form.query_one("#log-title", Label).render())
        assert app.focused is form.query_one("#log-summary", Input)


async def test_touchpoints_done_snooze_reschedule(demo_store: Store, today: date) -> None:
    from screens.dialogs import DatePrompt
    from screens.touchpoints import TouchpointsScreen

    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen)
        first = screen.selected()
        assert first is not None
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DatePrompt)
        await press(pilot, "enter", ready=TouchpointsScreen)  # the +1d default
        with demo_store.session() as s:
            assert s.get(Touchpoint, first.id).due_date == max(first.due_date, today) + \
                timedelta(days=1)
        screen.query_one("#touchpoints").move_to_key(f"tp:{first.id}")
        await pilot.press("r")
        await pilot.pause()
        prompt = app.screen
        prompt.query_one(Input).value = "2027-01-15"
        await press(pilot, "enter", ready=TouchpointsScreen)
        screen.query_one("#touchpoints").move_to_key(f"tp:{first.id}")
        await press(pilot, "d", ready=TouchpointsScreen)
    with demo_store.session() as s:
        tp = s.get(Touchpoint, first.id)
        assert (tp.status, tp.due_date) == ("done", date(2027, 1, 15))
