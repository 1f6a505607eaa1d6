"""`csm agenda [--from D] [--to D] [--json]`: event occurrences in a date range."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, timedelta

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import N_, t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    ag = sub.add_parser("agenda", help=t("event occurrences in a date range (recurrences "
                                         "expanded)"))
    add_db(ag)
    ag.add_argument("--from", dest="start", default=None, metavar="DATE",
                    help=t("first day (default: today); YYYY-MM-DD, +3d, next mon ..."))
    ag.add_argument("--to", dest="end", default=None, metavar="DATE",
                    help=t("last day (default: 30 days after the first)"))
    ag.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    ag.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    ag.set_defaults(handler=agenda)


def _day(text: str | None, today: date, option: str) -> date | None:
    from csm_tui.dateparse import parse_when

    if text is None:
        return None
    try:
        return parse_when(text, today)
    except ValueError as exc:
        raise CliError(t("{option}: {exc}", option=option, exc=exc)) from None


def agenda(args: argparse.Namespace) -> int:
    from csm_tui.agenda import MAX_DAYS
    from csm_tui.agenda import agenda as items_between
    from csm_tui.cli import resolve_today
    from csm_tui.i18n import label

    today = resolve_today(args)
    start = _day(args.start, today, "--from") or today
    end = _day(args.end, today, "--to") or start + timedelta(days=30)
    if end < start:
        raise CliError(t("--to: {end} is before --from {start}", end=end, start=start))
    if (end - start).days > MAX_DAYS:
        raise CliError(t("--to: at most {n} days after --from", n=MAX_DAYS))
    store = store_from(args)
    with store.session() as session:
        items = items_between(session, start, end)
    if args.json:
        json.dump({"from": start.isoformat(), "to": end.isoformat(), "items": [
            {"date": i.day.isoformat(), "time": i.at.strftime("%H:%M") if i.at else None,
             "tz": i.tzid or None, "end_date": i.end_date.isoformat() if i.end_date else None,
             "title": i.title, "kind": i.kind, "event_id": i.event_id} for i in items]},
            sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    from rich.console import Console
    from rich.table import Table

    from csm_tui.safe_files import printable

    table = Table(title=t("Agenda {start} – {end}: {n} occurrences", start=start, end=end,
                          n=len(items)), title_justify="left")
    for col in (N_("Date"), N_("Time"), N_("Event"), N_("Kind")):
        table.add_column(t(col), overflow="fold")
    for i in items:
        when = f"{i.at:%H:%M}" + (f" {i.tzid}" if i.tzid else "") if i.at else t("all day")
        table.add_row(f"{i.day:%a %Y-%m-%d}", when, printable(i.title), label("calendar", i.kind))
    Console().print(table)
    return 0
