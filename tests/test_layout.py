"""Layout in both languages: Today's tables show every heading, kanban cards are cut
with "…" before the column's scrollbar, CJK names are cut by cell width."""

from __future__ import annotations

from datetime import date

import pytest
from rich.cells import cell_len

from csm_tui.i18n import set_language, t
from csm_tui.lifecycle import Card
from db.store import Store
from screens.card_column import card_text
from screens.lifecycle import LifecycleScreen
from tests.pilot import press, started, watched_app

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield
    set_language("en")


def test_card_text_cuts_cjk_names_by_cell_width() -> None:
    card = Card(account_id=1, name="苏州工业园区管委会苏州工业园区管委会", tier="B",
                arr_minor=150_000_00, currency="CNY", days_in_stage=12,
                next_task="收集关键联系人信息并安排启动会议", next_task_due=TODAY, risk="")
    head, _money, task, _risk = card_text(card, TODAY, 20)
    for line in (head, task):
        assert line.cell_len <= 18
        assert line.plain.endswith("…")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_today_renewals_show_every_heading(demo_store: Store, lang: str) -> None:
    from screens.vtable import VirtualTable

    app = watched_app(demo_store, TODAY, lang=lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        for id_ in ("today-renewals", "today-risk", "today-events"):
            table = app.screen.query_one(f"#{id_}", VirtualTable)
            width = table.scrollable_content_region.width
            header = table.render_line(0)
            assert header.cell_length <= width
            shown = header.text[:width]
            for column in table.columns:
                assert t(column.label) in shown, (id_, column.label, shown)
            if id_ == "today-renewals":
                assert table.show_vertical_scrollbar  # the demo has more renewals than lines
                assert t("Health") in shown


async def test_today_still_reads_at_80x24(demo_store: Store) -> None:
    from screens.vtable import VirtualTable

    app = watched_app(demo_store, TODAY, lang="zh_CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        table = app.screen.query_one("#today-renewals", VirtualTable)
        assert table.render_line(0).text.split()[:2] == ["客户", "等级"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_kanban_cards_end_with_an_ellipsis_before_the_scrollbar(
        demo_store: Store, lang: str) -> None:
    from screens.card_column import CardColumn

    app = watched_app(demo_store, TODAY, lang=lang)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "3", ready=LifecycleScreen)
        columns = [c for c in app.screen.query(CardColumn) if c.show_vertical_scrollbar]
        assert columns, "the demo's adoption column has more cards than lines"
        for column in columns:
            width = column.scrollable_content_region.width
            assert width < column.size.width
            lines = [column.render_line(y) for y in range(column.size.height)]
            assert all(strip.cell_length <= width for strip in lines)
            assert any(cell_len(strip.text.rstrip()) <= width - 1
                       and strip.text.rstrip().endswith("…") for strip in lines)
