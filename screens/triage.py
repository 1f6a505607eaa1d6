"""Triage from any list (Today, Touchpoints, the account, the checklist): a planned
touchpoint done, snoozed or rescheduled, an SOP step ticked; each one write through the
services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from csm_tui.i18n import N_, t
from screens.dialogs import DatePrompt

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.services import TickResult

SNOOZE_QUICK = ("+1d", "+3d", "+7d", "next mon")


def mark_done(app: CsmApp, touchpoint_id: int) -> None:
    app.write(partial(app.services.mark_done, touchpoint_id))


def ask_new_date(app: CsmApp, touchpoint_id: int, account: str, due: date, *,
                 snooze: bool) -> None:
    """Snooze (quick relative dates, +1d first) or reschedule (the due date to edit)."""
    title = t(N_("Snooze") if snooze else N_("Reschedule"))
    initial = "+1d" if snooze else due.isoformat()

    def chosen(day: date | None) -> None:
        if day is not None:
            app.write(partial(app.services.reschedule, touchpoint_id, day, snooze=snooze))

    app.push_screen(DatePrompt(f"{title}: {account}", app.today(), initial=initial,
                               quick=SNOOZE_QUICK if snooze else ()), chosen)


def ask_plan_date(app: CsmApp, account_id: int, account: str, *, snooze: bool) -> None:
    """A cadence row snoozed or rescheduled: its next touch planned on the day chosen."""
    title = t(N_("Snooze") if snooze else N_("Reschedule"))

    def chosen(day: date | None) -> None:
        if day is not None:
            app.write(partial(app.services.plan_touch, account_id, day, snooze=snooze))

    app.push_screen(DatePrompt(f"{title}: {account}", app.today(),
                               initial="+1d" if snooze else "+7d",
                               quick=SNOOZE_QUICK if snooze else ()), chosen)


def tick(app: CsmApp, task_id: int, then: Callable[[], object] | None = None) -> None:
    """Tick an SOP step (it is logged as a done touchpoint), then say so; `then` (a
    dialog showing the steps) runs after."""
    def done(result: TickResult) -> None:
        app.notify(t("Done: {title}", title=result.title), title=t("SOP step"))
        if then is not None:
            then()

    app.write(partial(app.services.complete_task, task_id), done=done)
