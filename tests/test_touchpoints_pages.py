"""Touchpoints reads a page of the planned touches and the groups' true sizes, not the
whole book; the next page comes as the cursor reaches the end; the filter looks in all."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from csm_tui.book_services import PAGE
from csm_tui.demo import seed_generated
from csm_tui.touchpoints import due_page, due_touchpoints, grouped
from db.store import Store
from screens.touchpoints import TouchpointsScreen
from screens.vtable import VirtualTable
from tests.conftest import TODAY
from tests.pilot import expect_ready, press, started, watched_app


@pytest.fixture
def big_store(store: Store) -> Store:
    seed_generated(store, 1600, 7, TODAY)  # > 2 pages planned within 90 days
    return store


def test_a_page_and_the_true_group_sizes(big_store: Store) -> None:
    with big_store.session() as s:
        every = due_touchpoints(s, TODAY)
        page = due_page(s, TODAY, limit=PAGE)
        whole = due_page(s, TODAY, limit=None)
        mine = due_page(s, TODAY, limit=10, owner="li.wei")
        mine_all = due_touchpoints(s, TODAY, owner="li.wei")
    assert len(every) > PAGE
    assert page.items == every[:PAGE] and not page.complete
    sizes = {g: len(m) for g, m in grouped(every, TODAY).items()}
    assert page.counts == sizes == whole.counts and whole.complete
    assert page.total == len(every)
    assert mine.items == mine_all[:10]
    assert mine.counts == {g: len(m) for g, m in grouped(mine_all, TODAY).items()}


async def test_the_screen_pages_and_filters_over_every_row(big_store: Store) -> None:
    with big_store.session() as s:
        every = due_touchpoints(s, TODAY)
    beyond = every[-1]  # not on the first page
    app = watched_app(big_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen)
        assert len(screen.items) == PAGE
        assert f"{len(every)} planned" in screen.sub_title
        assert f"first {PAGE} shown" in screen.sub_title
        headings = [r.cells[0].plain for r in screen.query_one(VirtualTable).rows if r.group]
        sizes = {g: len(m) for g, m in grouped(every, TODAY).items() if m}
        assert headings[0] == f"Overdue ({sizes['Overdue']})"
        assert len(every) > 2 * PAGE
        table = screen.query_one(VirtualTable)
        await press(pilot, "end", ready=TouchpointsScreen)  # the cursor at the end
        assert len(screen.items) == 2 * PAGE
        assert table.cursor < len(table.rows) - 1  # it stays on its row, more below
        for row in table.rows:  # each group shown is headed by its true size
            if row.group:
                group = row.cells[0].plain.rsplit(" (", 1)[0]
                assert row.cells[0].plain == f"{group} ({sizes[group]})"
        box = screen.query_one("#tp-filter", Input)
        async with expect_ready(pilot, TouchpointsScreen):  # the filter: every row
            box.value = beyond.account
        assert len(screen.items) == len(every)
        assert f"tp:{beyond.id}" in screen.by_key
        assert "shown" not in screen.sub_title
        box.value = ""  # every row is loaded: cleared, they all show, no read
        await pilot.pause()
        assert len(table.rows) == len(every) + sum(1 for m in sizes.values() if m)
