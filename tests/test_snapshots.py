"""Appearance: a few deliberate snapshots, reviewed before being accepted."""

from __future__ import annotations

from pathlib import Path

from csm_tui.app import CsmApp
from csm_tui.demo import prepare_demo
from db.store import open_store
from tests.conftest import TODAY


def _app(tmp_path: Path) -> CsmApp:
    store = open_store(str(tmp_path / "snap.db"))
    prepare_demo(store, TODAY)
    return CsmApp(store, today=lambda: TODAY, user="snapshot")  # owns nothing: team view


async def _wait(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_portfolio_snapshot(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("2")
        await _wait(pilot)

    assert snap_compare(_app(tmp_path), terminal_size=(160, 45), run_before=run_before)
