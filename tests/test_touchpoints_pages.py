"""Touchpoints reads a page of the planned touches and the groups' true sizes, not the
whole book; the next page comes as the cursor reaches the end; the filter runs in the
database over every planned touch, matching as the loaded rows were matched in Python
(names by pinyin and initials, channel labels, tiers, next steps)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from csm_tui.book_services import PAGE
from csm_tui.demo import seed_generated
from csm_tui.i18n import label
from csm_tui.namesearch import filter_items, search_text
from csm_tui.touchpoints import DueTouchpoint, due_page, due_touchpoints, grouped
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
        async with expect_ready(pilot, TouchpointsScreen):  # the filter: in the database
            box.value = beyond.account
        expected = [tp for tp in every if beyond.account.casefold() in tp.account.casefold()]
        assert screen.items == expected and f"tp:{beyond.id}" in screen.by_key
        assert f"{len(expected)} planned" in screen.sub_title
        assert "shown" not in screen.sub_title
        async with expect_ready(pilot, TouchpointsScreen):  # cleared: the first page again
            box.value = ""
        assert screen.items == every[:PAGE]


def _reference_text(tp: DueTouchpoint) -> str:
    """What the screen's filter matched a planned row against, in Python."""
    return search_text(tp.account, tp.channel, label("channel", tp.channel), tp.contact,
                       tp.tier, f"tier:{tp.tier}", tp.next_step, pinyin=(tp.account, tp.contact))


@pytest.mark.parametrize("query", ["", "qbr", "call", "电话", "tier:s", "s", "大学", "qhdx",
                                   "qinghua", "renewal", "kick", "a b", "no-such-word", "%",
                                   "_"])
def test_the_database_filter_matches_as_the_python_one(demo_store: Store, query: str) -> None:
    with demo_store.session() as s:
        every = due_touchpoints(s, TODAY)
        page = due_page(s, TODAY, limit=None, query=query)
        first = due_page(s, TODAY, limit=3, query=query)
    expected = filter_items(every, query, _reference_text)
    assert page.items == expected, query
    assert page.counts == {g: len(m) for g, m in grouped(expected, TODAY).items()}
    assert first.items == expected[:3] and first.total == len(expected)


def test_a_name_without_stored_words_is_still_found(demo_store: Store) -> None:
    """A name search_name has no words for (an older build, another client) is matched
    the slow way, by its pinyin too."""
    from sqlalchemy import delete

    from db.fulltext import search_name

    with demo_store.transaction() as s:
        s.execute(delete(search_name))
    with demo_store.session() as s:
        every = due_touchpoints(s, TODAY)
        found = due_page(s, TODAY, limit=None, query="qhdx").items
    assert found and found == filter_items(every, "qhdx", _reference_text)


async def test_a_small_book_filters_at_once_and_the_database_confirms(
        demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every planned touch loaded: a filter keystroke shows its answer from them while
    the database's is held back; that answer, when it comes, is the same."""
    import threading
    from typing import Any

    app = watched_app(demo_store, TODAY, user="snapshot")
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        screen = app.screen
        assert isinstance(screen, TouchpointsScreen) and screen.due is not None
        assert screen.due.complete
        real = app.services.due_touchpoints
        held = threading.Event()

        def slow(key: Any, **kwargs: Any) -> Any:
            if kwargs.get("query"):
                held.wait(30)
            return real(key, **kwargs)

        monkeypatch.setattr(app.services, "due_touchpoints", slow)
        table = screen.query_one(VirtualTable)
        async with expect_ready(pilot, TouchpointsScreen):
            await pilot.press("slash", *"qbr")
            at_once = [r.key for r in table.rows]
            title = screen.sub_title
            held.set()
        assert at_once == [r.key for r in table.rows] and title == screen.sub_title
        assert screen.items and all(tp.channel == "qbr" or "qbr" in tp.next_step.casefold()
                                    for tp in screen.items)
