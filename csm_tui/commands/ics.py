"""`csm import ics FILE` and `csm export ics OUT` (routed by csm_tui/commands/transfer.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import t


def import_ics(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.event_ops import plan_event_touchpoints, replan_working_days
    from csm_tui.ical import IcsError
    from csm_tui.ical import import_ics as run

    store = store_from(args)
    try:
        report = run(store, Path(args.file))
    except IcsError as exc:
        raise CliError(str(exc)) from None
    today = resolve_today(args)
    moved = replan_working_days(store, today) if report.imported else None
    planned = plan_event_touchpoints(store, today)
    print(f"{args.file}: {report.summary()}" + (t("; {n} touchpoints planned", n=planned)
                                                 if planned else ""))
    if report.calendars > 1:
        print(t("  {n} calendars read", n=report.calendars))
    if moved is not None and (moved.tasks or moved.touchpoints):
        print("  " + moved.summary() + (f" ({', '.join(moved.examples)})"
                                        if moved.examples else ""))
    for which, why in report.rejected:
        print(t("  rejected {which}: {why}", which=which, why=why))
    return 1 if report.rejected else 0


def export_ics(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.commands.progress import progress_bar
    from csm_tui.ical import export_ics as run

    store = store_from(args)
    out = Path(args.out)
    with progress_bar(out.name, first="export") as progress:
        try:
            count = run(store, out, resolve_today(args), progress=progress)
        except OSError as exc:
            raise CliError(t("{out}: cannot write ({strerror}); nothing was written", out=out,
                             strerror=exc.strerror or exc)) from None
    print(t("{count} calendar entries written to {out}", count=count, out=out))
    return 0
