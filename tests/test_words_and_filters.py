"""Pinyin in every `/` filter, the kanban reaching every card, Chinese dates, counted
nouns, the Chinese demo's step titles and argparse in Chinese."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm_tui.dateparse import parse_when
from csm_tui.i18n import plural, set_language
from db.store import Store
from screens.card_column import CardColumn
from screens.format import relative_days
from screens.lifecycle import LifecycleScreen
from screens.touchpoints import TouchpointsScreen
from screens.vtable import VirtualTable
from tests.pilot import press, started, watched_app

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield
    set_language("en")


@pytest.mark.parametrize(("text", "day"), [
    ("今天", "2026-11-24"), ("明天", "2026-11-25"), ("后天", "2026-11-26"),
    ("下周一", "2026-11-30"), ("下周日", "2026-12-06"), ("周五", "2026-11-27"),
    ("3天后", "2026-11-27"), ("三天后", "2026-11-27"), ("两周后", "2026-12-08"),
    ("1个月后", "2026-12-24"), ("月底", "2026-11-30"), ("星期一", "2026-11-30")])
def test_chinese_dates(text: str, day: str) -> None:
    assert parse_when(text, TODAY) == date.fromisoformat(day)


def test_a_month_name_is_not_an_offset() -> None:
    with pytest.raises(ValueError):
        parse_when("3月", TODAY)


@given(st.text(alphabet="今明后天下周一二三四五六日个月底年前0123456789十两", max_size=6))
def test_chinese_forms_never_crash(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_when(text, TODAY)


def test_plurals_and_relative_days_never_longer_than_seven_cells() -> None:
    assert plural(1, "item") == "1 item" and plural(3, "item") == "3 items"
    assert plural(1, "event") == "1 event"
    for delta in range(-4000, 4000, 7):
        text = relative_days(date.fromordinal(TODAY.toordinal() + delta), TODAY)
        assert len(text) <= 7, text
    assert relative_days(date(2018, 7, 1), TODAY) == "8y ago"
    set_language("zh_CN")
    assert plural(3, "item") == "3 项"


async def test_touchpoints_filter_by_pinyin(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "4", ready=TouchpointsScreen)
        table = app.screen.query_one(VirtualTable)
        for query in ("qhdx", "qinghua"):
            app.screen.query_one("#tp-filter").value = query
            await pilot.pause()
            accounts = {str(r.values()[1]) for r in table.rows if not r.group}
            assert accounts == {"清华大学"}, (query, accounts)


async def test_kanban_filter_by_pinyin_and_every_card_reachable(demo_store: Store) -> None:
    app = watched_app(demo_store, TODAY)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "3", ready=LifecycleScreen)
        screen = app.screen
        assert isinstance(screen, LifecycleScreen)
        await press(pilot, "slash")
        for query in ("qhdx", "qinghua"):
            screen.query_one("#kanban-filter").value = query
            await app.workers.wait_for_complete()
            await pilot.pause()
            names = [c.name for col in screen.query(CardColumn) for c in col.cards]
            assert names == ["清华大学"], (query, names)
        await press(pilot, "escape")
        names = sum(len(col.cards) for col in screen.query(CardColumn))
        assert names == sum(c.count for c in screen.columns)  # every card is there


async def test_kanban_pages_past_the_first_cards(demo_store: Store) -> None:
    """A column with more accounts than shown loads the rest when the cursor goes
    past its last card."""
    from screens import lifecycle

    old = lifecycle.FIRST_CARDS
    lifecycle.FIRST_CARDS = 3
    try:
        app = watched_app(demo_store, TODAY)
        async with app.run_test(size=(160, 45)) as pilot:
            await started(pilot)
            await press(pilot, "3", ready=LifecycleScreen)
            screen = app.screen
            column = next(c for c in screen.query(CardColumn) if c.more)
            column.focus()
            await pilot.pause()
            head = str(screen.query_one(f"#head-{column.stage}").render())
            assert re.search(r"\(3 shown", head)
            await press(pilot, "G", ready=LifecycleScreen)
            total = next(c.count for c in screen.columns if c.stage == column.stage)
            assert len(column.cards) == total and not column.more
    finally:
        lifecycle.FIRST_CARDS = old


def test_chinese_demo_has_no_english_step_titles(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from csm_tui.demo import prepare_demo
    from csm_tui.playbooks import load_playbooks
    from db.models import Event, Task
    from db.store import open_store

    english = {s.title for steps in load_playbooks(lang="en").values() for s in steps}
    set_language("zh_CN")
    store = open_store(str(tmp_path / "zh.db"))
    prepare_demo(store, TODAY)
    with store.session() as session:
        titles = {t.title for t in session.exec(select(Task)).all()}
        events = {e.title for e in session.exec(select(Event)).all()}
    store.close()
    assert titles and not titles & english
    assert "QS World University Rankings release" not in events


def test_argparse_speaks_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "zh_CN", "nonsense"])
    err = capsys.readouterr().err
    assert "用法" in err and "invalid choice" not in err


def test_every_shipped_playbook_step_has_a_chinese_title() -> None:
    """A step added to fixtures/playbooks.toml without its Chinese title would show in
    English in a Chinese interface."""
    import tomllib

    from csm_tui.paths import fixtures_dir

    english = tomllib.loads((fixtures_dir() / "playbooks.toml").read_text("utf-8"))
    chinese = tomllib.loads((fixtures_dir() / "playbooks.zh_CN.toml").read_text("utf-8"))
    missing = [f"{stage}.{step['key']}" for stage, steps in english.items() for step in steps
               if step["key"] not in chinese.get(stage, {})]
    assert missing == []
