"""The follow-up form driven by the keyboard, as a CSM uses it from Today."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from textual.widgets import Input, Label

from csm_tui.app import CsmApp
from db.models import Touchpoint
from db.store import Store
from screens.dialogs import Confirm
from screens.log_form import LogFollowUpScreen
from screens.vtable import VirtualTable
from tests.pilot import settle


async def test_log_from_today_end_to_end(demo_store: Store, today: date) -> None:
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#today-due", VirtualTable)
        key = next(k for k in app.screen.items if k.startswith("touchpoint:"))
        table.move_to_key(key)
        item = app.screen.items[key]
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogFollowUpScreen)
        await pilot.press(*"Confirmed the renewal budget")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Today"
    with demo_store.session() as s:
        done = s.get(Touchpoint, item.touchpoint_id)
        assert done.status == "done" and done.summary == "Confirmed the renewal budget"
        planned = s.exec(select(Touchpoint).where(Touchpoint.account_id == item.account_id,
                                                  Touchpoint.status == "planned")).all()
        assert [p.due_date for p in planned] and min(p.due_date for p in planned) > today
        cadence = {"S": 14, "A": 30, "B": 45, "C": 90}[item.tier]
        assert today + timedelta(days=cadence) in [p.due_date for p in planned]


async def test_failed_validation_keeps_typed_text(demo_store: Store, today: date) -> None:
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        form.query_one("#log-summary", Input).value = "Sent the proposal"
        form.query_one("#log-next", Input).value = "someday soon"
        form.query_one("#log-next-step", Input).value = "Call the CFO"
        await pilot.press("ctrl+s")
        await settle(pilot)
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
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogFollowUpScreen)
        assert form.query_one("#log-next", Input).value  # prefilled from the cadence
        form.query_one("#log-next-step", Input).value = form._prefilled.get(
            "log-next-step", "")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.title == "Today"
        await pilot.press("l")
        await settle(pilot)
        app.screen.query_one("#log-next", Input).value = "+3d"  # a changed date is typed text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)


async def test_form_shown_again_starts_clean_for_the_new_account(demo_store: Store,
                                                                 today: date) -> None:
    """The app keeps one form: what was typed for one account never shows for the next."""
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        first = app.screen
        assert isinstance(first, LogFollowUpScreen)
        first_account = first.account_id
        first.query_one("#log-summary", Input).value = "Draft for the first account"
        await pilot.press("escape", "y")
        await settle(pilot)
        await pilot.press("down", "l")
        await settle(pilot)
        form = app.screen
        assert form is first and form.account_id != first_account
        assert form.query_one("#log-summary", Input).value == ""
        assert form.context is not None and form.context.account_id == form.account_id
        assert form.context.account in str(form.query_one("#log-title", Label).render())
        assert app.focused is form.query_one("#log-summary", Input)


async def test_touchpoints_done_snooze_reschedule(demo_store: Store, today: date) -> None:
    from screens.dialogs import DatePrompt
    from screens.touchpoints import TouchpointsScreen

    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen)
        first = screen._selected()
        assert first is not None
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, DatePrompt)
        await pilot.press("enter")  # the +1d default
        await settle(pilot)
        with demo_store.session() as s:
            assert s.get(Touchpoint, first.id).due_date == max(first.due_date, today) + \
                timedelta(days=1)
        screen.query_one("#touchpoints").move_to_key(f"tp:{first.id}")
        await pilot.press("r")
        await pilot.pause()
        prompt = app.screen
        prompt.query_one(Input).value = "2027-01-15"
        await pilot.press("enter")
        await settle(pilot)
        screen.query_one("#touchpoints").move_to_key(f"tp:{first.id}")
        await pilot.press("d")
        await settle(pilot)
    with demo_store.session() as s:
        tp = s.get(Touchpoint, first.id)
        assert (tp.status, tp.due_date) == ("done", date(2027, 1, 15))
