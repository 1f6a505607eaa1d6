"""Portfolio and account screens driven by the keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from csm_tui.portfolio import load_portfolio
from csm_tui.stored import sort_key
from db.models import Account
from db.store import Store
from screens.account import AccountScreen
from screens.account_form import AccountForm
from screens.portfolio import PortfolioScreen
from screens.sort_picker import SortPicker
from screens.tier_dialogs import RetierResult, TierOverride
from screens.vtable import VirtualTable
from tests.pilot import app_of, expect_ready, press, started, watched_app


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
        await press(pilot, "slash", *"大学", ready=PortfolioScreen)
        names = [r.values()[0] for r in table.rows if not r.group]
        assert names and all("大学" in str(n) for n in names)
        await pilot.press("enter")
        for _ in range(3):
            await pilot.press("backspace")
        async with expect_ready(pilot, PortfolioScreen):
            app.screen.query_one("#portfolio-filter", Input).value = "tier:c"
        assert {r.key for r in table.rows if r.group} == {"group:C"}
        async with expect_ready(pilot, PortfolioScreen):
            app.screen.query_one("#portfolio-filter", Input).value = ""
        table.focus()
        await press(pilot, "o")  # the sort picker opens on the current order (ARR)
        assert isinstance(app.screen, SortPicker)
        await press(pilot, "up", "enter", ready=PortfolioScreen)  # the one above: name
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.sort_key == "name"
        group_s = [str(r.values()[0]).removesuffix(" 🔒") for r in table.rows
                   if not r.group and str(r.values()[1]).strip() == "S"]
        assert group_s == sorted(group_s, key=sort_key)  # Chinese by its pinyin
        assert screen.sub_title.endswith("name: A to Z")


async def test_one_list_in_renewal_order_with_words(demo_store: Store, today: date) -> None:
    """`o`, untick the grouping, `o` again, pick renewal: one list, soonest first,
    said in words; `O` reverses and says so."""
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        await press(pilot, "o", "home", "enter",  # the first option: group by tier off
                    ready=PortfolioScreen)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and not screen.grouped
        assert not any(r.group for r in table.rows)
        await press(pilot, "o")
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("renewal")
        await press(pilot, "enter", ready=PortfolioScreen)
        assert screen.sort_key == "renewal"
        assert "one list, renewal: soonest first" in screen.sub_title
        shown = [screen.row_of(r.key).days_to_renewal for r in table.rows]
        dated = [d for d in shown if d is not None]
        assert dated and shown[:len(dated)] == sorted(dated)  # no renewal date: last
        await press(pilot, "O", ready=PortfolioScreen)
        assert "renewal: latest first" in screen.sub_title


@pytest.mark.parametrize("query", ["qhdx", "qinghua", "QHDX"])
async def test_pinyin_filter_finds_tsinghua(demo_store: Store, today: date, query: str) -> None:
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        await press(pilot, "slash", *query, ready=PortfolioScreen)
        names = [str(r.values()[0]).removesuffix(" 🔒") for r in table.rows if not r.group]
        assert "清华大学" in names and len(names) <= 3


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
        await press(pilot, "slash", "z", ready=PortfolioScreen)
        drawn_for_filter = len(composed)
        await press(pilot, "backspace", ready=PortfolioScreen)
        # the unfiltered rows were all drawn before; only the cursor may have moved (to
        # the filter's first match: that row as the cursor, the old cursor row plain)
        assert len(composed) - drawn_for_filter <= 2


async def test_pages_come_as_the_cursor_reaches_the_end(demo_store: Store, today: date,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """Ten rows a page: the first page says so, `end` on its last row reads the next
    one (the cursor stays on its row), and all the pages together are every account in
    the order of one read."""
    import csm_tui.portfolio
    import screens.portfolio

    monkeypatch.setattr(csm_tui.portfolio, "PAGE", 10)
    monkeypatch.setattr(screens.portfolio, "PAGE", 10)
    app = watched_app(demo_store, today, user="snapshot")  # owns nothing: the team's book
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen) and screen.page is not None
        total = screen.page.total
        assert table.row_count == 10 < total
        assert "first 10 shown" in screen.sub_title
        seen = 10
        while table.row_count < total:
            await press(pilot, "end", ready=PortfolioScreen)
            assert table.row_count == min(seen + 10, total)
            assert table.current is not None and table.cursor < len(table.rows) - 1
            seen = table.row_count
        assert "shown" not in screen.sub_title
        keys = [r.key for r in table.rows if not r.group]
    with demo_store.session() as s:
        every = load_portfolio(s, today, grouped=True)
    assert keys == [str(r.id) for r in every]


async def test_a_small_book_filters_at_once_and_the_database_confirms(
        demo_store: Store, today: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every account loaded (a book of a few hundred): a filter keystroke shows its
    answer from the loaded rows while the database's answer is held back; that answer,
    when it comes, is the same."""
    import threading

    app = watched_app(demo_store, today, user="snapshot")
    async with app.run_test(size=(160, 45)) as pilot:
        table = await _portfolio(pilot)
        services = app.services
        real = services.portfolio_page
        held = threading.Event()

        def slow(key: Any, request: Any = None) -> Any:
            if request is not None and request.query:
                held.wait(30)
            return real(key, request)

        monkeypatch.setattr(services, "portfolio_page", slow)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        async with expect_ready(pilot, PortfolioScreen):
            await pilot.press("slash", *"大学")
            at_once = [r.key for r in table.rows]
            heading = str(table.rows[0].values()[0])
            held.set()
        assert at_once == [r.key for r in table.rows]
        names = [str(r.values()[0]) for r in table.rows if not r.group]
        assert names and all("大学" in n for n in names)
        assert heading == str(table.rows[0].values()[0])  # its figures too
        assert f"{len(names)} of 59 accounts" in screen.sub_title
