"""Portfolio and account screens driven by the keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Label

from db.models import Account
from db.store import Store
from screens.account import AccountScreen
from screens.account_form import AccountForm
from screens.portfolio import PortfolioScreen
from screens.tier_dialogs import RetierResult, TierOverride
from screens.vtable import VirtualTable
from tests.pilot import app_of, press, started, watched_app


async def _portfolio(pilot: Pilot[Any]) -> VirtualTable:
    await started(pilot)
    await press(pilot, "2", ready=PortfolioScreen)
    return pilot.app.screen.query_one("#portfolio", VirtualTable)


async def _answered(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys whose work (a refused save, a dialog's data) reloads no screen: wait
    for the workers they started and for the app to have handled what they returned."""
    await press(pilot, *keys)
    await app_of(pilot).workers.wait_for_complete()
    await pilot.pause()


async def test_filter_cjk_and_sort(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        await pilot.press("slash", *"大学")
        await pilot.pause()
        names = [r.values()[0] for r in table.rows if not r.group]
        assert names and all("大学" in str(n) for n in names)
        await pilot.press("enter")
        for _ in range(3):
            await pilot.press("backspace")
        app.screen.query_one("#portfolio-filter", Input).value = "tier:c"
        await pilot.pause()
        assert {r.key for r in table.rows if r.group} == {"group:C"}
        app.screen.query_one("#portfolio-filter", Input).value = ""
        table.focus()
        await pilot.press("s")  # arr -> stage ... cycles; go to name
        while app.screen.sort_key != "name":
            await pilot.press("s")
        await pilot.pause()
        group_s = [str(r.values()[0]).removesuffix(" 🔒") for r in table.rows
                   if not r.group and str(r.values()[1]).strip() == "S"]
        assert group_s == sorted(group_s, key=str.casefold)


async def test_open_detail_edit_refused_then_accepted(demo_store: Store, today: date) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        first = table.current
        await press(pilot, "enter", ready=AccountScreen)
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == int(first.key)
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, AccountForm)
        form.query_one("#f-arr", Input).value = "-5"
        form.query_one("#f-industry", Input).value = "高等教育"
        await _answered(pilot, "ctrl+s")
        assert app.screen is form
        assert "arr: '-5' is negative" in str(form.query_one("#form-error", Label).render())
        assert form.query_one("#f-industry", Input).value == "高等教育"
        form.query_one("#f-contract_end", Input).value = "2020-01-01"
        form.query_one("#f-arr", Input).value = "123456.50"
        await _answered(pilot, "ctrl+s")
        assert "contract_end" in str(form.query_one("#form-error", Label).render())
        form.query_one("#f-contract_end", Input).value = "2027-12-31"
        await press(pilot, "ctrl+s", ready=AccountScreen)  # saved: the account reloads
        assert isinstance(app.screen, AccountScreen)
    with demo_store.session() as s:
        acc = s.get(Account, int(first.key))
        assert acc.arr_minor == 12345650 and acc.industry == "高等教育"
        assert acc.contract_end == date(2027, 12, 31) and acc.version == 2


async def test_override_then_retier(demo_store: Store, today: date) -> None:
    with demo_store.session() as s:
        coho = s.exec(select(Account).where(Account.name == "Coho Winery")).one()
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        table.move_to_key(str(coho.id))
        await _answered(pilot, "t")  # the dialog opens once the account's tier is read
        assert isinstance(app.screen, TierOverride)
        app.screen.query_one("#tier-select").value = "S"
        await press(pilot, *"referred three customers", "enter", ready=PortfolioScreen)
        await press(pilot, "R", ready=PortfolioScreen)
        assert isinstance(app.screen, RetierResult)
        await press(pilot, "escape")
    with demo_store.session() as s:
        acc = s.get(Account, coho.id)
        assert acc.tier == "S" and acc.tier_locked


async def test_switching_back_and_undoing_a_filter_draw_no_line_again(
        demo_store: Store, today: date, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The table keeps its drawn lines and scrollbars across a screen switch (Textual
    lays out the screen again) and its lines across a filter keystroke that is taken
    back: nothing is drawn again."""
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        composed: list[int] = []
        original = VirtualTable._compose_line

        def counting(self, cells, widths):  # type: ignore[no-untyped-def]
            composed.append(1)
            return original(self, cells, widths)

        monkeypatch.setattr(VirtualTable, "_compose_line", counting)
        scroll_updates: list[int] = []
        scroll_update = VirtualTable._scroll_update

        def counting_scroll(self, virtual_size):  # type: ignore[no-untyped-def]
            scroll_updates.append(1)
            return scroll_update(self, virtual_size)

        monkeypatch.setattr(VirtualTable, "_scroll_update", counting_scroll)
        for key in ("1", "2"):  # both unchanged: no reload, only "did anyone write?"
            await press(pilot, key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.screen.query_one("#portfolio", VirtualTable) is table
        assert composed == []  # switching back drew nothing again
        assert scroll_updates == []  # nor its scrollbars (LineView)
        await press(pilot, "slash", "z")
        drawn_for_filter = len(composed)
        await press(pilot, "backspace")
        # the unfiltered rows were all drawn before; only the cursor may have moved
        assert len(composed) - drawn_for_filter <= 1
