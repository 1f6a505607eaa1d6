"""Portfolio and account screens driven by the keyboard."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import Input, Label

from csm_tui.app import CsmApp
from db.models import Account
from db.store import Store
from screens.account import AccountScreen
from screens.account_form import AccountForm
from screens.tier_dialogs import RetierResult, TierOverride
from screens.vtable import VirtualTable
from tests.pilot import settle


async def _portfolio(pilot) -> VirtualTable:  # type: ignore[no-untyped-def]
    await settle(pilot, 3)
    await pilot.press("2")
    await settle(pilot, 3)
    return pilot.app.screen.query_one("#portfolio", VirtualTable)


async def test_filter_cjk_and_sort(demo_store: Store, today: date) -> None:
    app = CsmApp(demo_store, today=lambda: today)
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
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        first = table.current
        await pilot.press("enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == int(first.key)
        await pilot.press("e")
        await settle(pilot, 3)
        form = app.screen
        assert isinstance(form, AccountForm)
        form.query_one("#f-arr", Input).value = "-5"
        form.query_one("#f-industry", Input).value = "高等教育"
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert app.screen is form
        assert "arr: '-5' is negative" in str(form.query_one("#form-error", Label).render())
        assert form.query_one("#f-industry", Input).value == "高等教育"
        form.query_one("#f-contract_end", Input).value = "2020-01-01"
        form.query_one("#f-arr", Input).value = "123456.50"
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert "contract_end" in str(form.query_one("#form-error", Label).render())
        form.query_one("#f-contract_end", Input).value = "2027-12-31"
        await pilot.press("ctrl+s")
        await settle(pilot, 3)
        assert isinstance(app.screen, AccountScreen)
    with demo_store.session() as s:
        acc = s.get(Account, int(first.key))
        assert acc.arr_minor == 12345650 and acc.industry == "高等教育"
        assert acc.contract_end == date(2027, 12, 31) and acc.version == 2


async def test_override_then_retier(demo_store: Store, today: date) -> None:
    with demo_store.session() as s:
        coho = s.exec(select(Account).where(Account.name == "Coho Winery")).one()
    app = CsmApp(demo_store, today=lambda: today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        table.move_to_key(str(coho.id))
        await pilot.press("t")
        await settle(pilot, 3)
        assert isinstance(app.screen, TierOverride)
        app.screen.query_one("#tier-select").value = "S"
        await pilot.press(*"referred three customers", "enter")
        await settle(pilot, 3)
        await pilot.press("R")
        await settle(pilot, 3)
        assert isinstance(app.screen, RetierResult)
        await pilot.press("escape")
        await settle(pilot, 3)
    with demo_store.session() as s:
        acc = s.get(Account, coho.id)
        assert acc.tier == "S" and acc.tier_locked


async def test_switching_back_and_undoing_a_filter_draw_no_line_again(
        demo_store: Store, today: date, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The table keeps its drawn lines and scrollbars across a screen switch (Textual
    lays out the screen again) and its lines across a filter keystroke that is taken
    back: nothing is drawn again."""
    app = CsmApp(demo_store, today=lambda: today)
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
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one("#portfolio", VirtualTable) is table
        assert composed == []  # switching back drew nothing again
        assert scroll_updates == []  # nor its scrollbars (LineView)
        await pilot.press("slash", "z")
        await settle(pilot)
        drawn_for_filter = len(composed)
        await pilot.press("backspace")
        await settle(pilot)
        # the unfiltered rows were all drawn before; only the cursor may have moved
        assert len(composed) - drawn_for_filter <= 1
