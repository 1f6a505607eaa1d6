"""Themes remembered across starts, NO_COLOR honoured, chart panels shown and toggled."""

from __future__ import annotations

from csm_tui.ui_prefs import load_ui_prefs, save_ui_prefs, ui_path
from db.store import Store
from screens.charts import HealthBands, RenewalMonths, TierChart, TodayCharts
from screens.portfolio import PortfolioScreen
from tests.pilot import press, started, watched_app


async def test_theme_is_remembered_and_restored(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    assert not ui_path().exists()
    app = watched_app(demo_store, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert not ui_path().exists()  # nothing written until the user picks a theme
        app.theme = "textual-light"
        await pilot.pause()
    assert load_ui_prefs() == {"theme": "textual-light"}
    again = watched_app(demo_store, today)
    async with again.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert again.theme == "textual-light"
        assert not again.current_theme.dark


async def test_unknown_or_broken_theme_file_is_ignored(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    save_ui_prefs({"theme": "no-such-theme"})
    app = watched_app(demo_store, today)
    default = app.theme
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        assert app.theme == default
    ui_path().write_bytes(b"\xff\xfe not toml [")
    assert load_ui_prefs() == {}


async def test_ctrl_t_opens_the_theme_picker(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    app = watched_app(demo_store, today)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, CommandPalette)


async def test_no_color_is_honoured(demo_store: Store, today, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    app = watched_app(demo_store, today)
    assert app.no_color
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        # Charts carry their numbers, so they read without colour.
        months = app.screen.query_one(RenewalMonths)
        assert "Nov 26" in str(months.render())


async def test_charts_show_on_tall_terminals_and_toggle(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        charts = app.screen.query_one(TodayCharts)
        assert charts.display
        text = str(app.screen.query_one(RenewalMonths).render())
        assert "Dec 26" in text and "Oct 27" in text and "Nov 27" not in text
        bands = app.screen.query_one(HealthBands)
        assert sum(b.count for b in bands.bands) == 59
        assert "80–100" in str(bands.render())
        await press(pilot, "v")
        assert not charts.display
        await press(pilot, "2", ready=PortfolioScreen)
        chart = app.screen.query_one(TierChart)
        assert chart.display
        lines = str(chart.render()).splitlines()
        assert [line.split()[0] for line in lines] == ["S", "A", "B", "C"]
        assert "48% ARR" in lines[0] and "15% of accounts (9)" in lines[0]
        await press(pilot, "v")
        assert not chart.display


async def test_charts_start_hidden_on_small_terminals(demo_store: Store, today) -> None:  # type: ignore[no-untyped-def]
    app = watched_app(demo_store, today)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        charts = app.screen.query_one(TodayCharts)
        assert not charts.display
        await press(pilot, "v")
        assert charts.display
        assert "Nov 26"[:3] in str(app.screen.query_one(RenewalMonths).render())
        await press(pilot, "2", ready=PortfolioScreen)
        assert not app.screen.query_one(TierChart).display
