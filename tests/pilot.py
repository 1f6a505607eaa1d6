"""What Pilot tests share: waiting until the app has loaded what it shows."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot, rounds: int = 1) -> None:
    """Let workers finish and the screen redraw, `rounds` times: a load may start
    another (Today's health pass, a prefetch) when it is shown."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
