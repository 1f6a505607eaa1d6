"""`csm today [--json]` and `csm log ACCOUNT SUMMARY ...`: the cockpit and the
follow-up log from the shell, through the same code as the TUI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.dates import effective_now
from csm_tui.i18n import N_, long_day, t

TOP_ROWS = 500  # as Today shows (csm_tui.today.TOP_ROWS; a test keeps them equal)
TABLE_ROWS = 50  # the table for a person: the most important, a screen or two
TODAY_FIELDS = ("ref", "priority", "kind", "account_id", "account", "tier", "title", "due",
                "days_overdue", "why", "touchpoint_id", "task_id", "channel", "contact")


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    td = sub.add_parser("today", help=t("what to do today, most important first"))
    add_db(td)
    td.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    td.add_argument("--team", action="store_true",
                    help=t("the team's accounts (default: yours, by owner = $CSM_USER or "
                           "login; everyone's if you own none)"))
    td.add_argument("--all", action="store_true",
                    help=t("every row (default: the {n} most important, {json} with "
                           "--json as Today shows; the count is of all)", n=TABLE_ROWS,
                           json=TOP_ROWS))
    td.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    td.set_defaults(handler=today)
    lg = sub.add_parser("log", help=t("log a follow-up for an account"))
    add_db(lg)
    lg.add_argument("account", metavar="ACCOUNT",
                    help=t("account id, name, or a unique part of it (pinyin too)"))
    lg.add_argument("summary", metavar="SUMMARY", help=t("what happened"))
    lg.add_argument("--channel", default="call",
                    help=t("call, email, meeting, visit, training, qbr, chat (default call)"))
    lg.add_argument("--contact", default=None, metavar="NAME", help=t("stakeholder's exact name"))
    lg.add_argument("--outcome", default="", help=t("positive, neutral, negative or risk"))
    lg.add_argument("--next", default=None, metavar="DATE",
                    help=t("next follow-up: YYYY-MM-DD, +3d, 2w, next mon, eom ... "
                           "(default: the tier's cadence)"))
    lg.add_argument("--ref", default=None, metavar="REF",
                    help=t("the row of csm today it is for (T… a planned touch, K… an SOP "
                           "step, ticked too); default: the account's earliest open touch"))
    lg.add_argument("--next-step", default="", metavar="TEXT")
    lg.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    lg.set_defaults(handler=log)


def today(args: argparse.Namespace) -> int:
    from csm_tui.changelog import current_user
    from csm_tui.cli import resolve_today
    from csm_tui.scope import default_scope
    from csm_tui.stored import ensure_current
    from csm_tui.today import today_agenda

    day = resolve_today(args)
    store = store_from(args)
    ensure_current(store, day)  # the first read of a day brings the stored state to it
    with store.session() as session:
        scope = default_scope(session, current_user(), team=args.team)
        agenda = today_agenda(session, day, owner=scope.owner,
                              limit=None if args.all else TOP_ROWS if args.json
                              else TABLE_ROWS)
    rows: list[dict[str, Any]] = [
        {"ref": i.ref, "priority": i.priority, "kind": i.kind, "account_id": i.account_id,
         "account": i.account, "tier": i.tier, "title": i.title,
         "due": i.due.isoformat(), "days_overdue": max(0, (day - i.due).days),
         "why": i.why, "touchpoint_id": i.touchpoint_id, "task_id": i.task_id,
         "channel": i.channel, "contact": i.contact} for i in agenda.items]
    if args.json:  # one write: the terminal-safe stdout checks each write it is given
        sys.stdout.write(json.dumps({"date": day.isoformat(),
                                     "scope": "mine" if scope.mine else "team",
                                     "owner": scope.owner, "total": agenda.total,
                                     "items": rows}, ensure_ascii=False, indent=1) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    title = t("Today {day} ({scope}): {n} to do", day=long_day(day), scope=scope.label,
              n=agenda.total)
    if len(rows) < agenda.total:
        title += t(" (the {n} most important; --all for every row)", n=len(rows))
    table = Table(title=title, title_justify="left")
    for col in (N_("Ref"), N_("Pri"), N_("Account"), N_("Tier"), N_("What"), N_("Due"),
                N_("Why")):
        table.add_column(t(col), overflow="fold")
    for r in rows:
        table.add_row(r["ref"], str(r["priority"]), r["account"], r["tier"], r["title"],
                      r["due"], r["why"])
    Console().print(table)
    return 0


def log(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.followup import log_followup
    from csm_tui.workdays import resolve, working_calendar
    from db.queries.contacts import account_contacts

    day = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    moved = None
    try:
        if args.next:  # a relative date ("+14d") lands on a working day
            with store.session() as session:
                moved = resolve(args.next, day, working_calendar(session, day))
        next_date = moved.day if moved else None
    except ValueError as exc:
        raise CliError(t("--next: {exc}", exc=exc)) from None
    contact_id = None
    if args.contact:
        with store.session() as session:
            matches = [c for c in account_contacts(session, account.id or 0)
                       if c.name == args.contact]
        if not matches:
            raise CliError(t("--contact: {contact!r} is not a stakeholder of {name}",
                             contact=args.contact, name=account.name))
        contact_id = matches[0].id
    touchpoint_id = task_id = None
    if args.ref:
        from csm_tui.today import parse_ref

        try:
            kind, ident = parse_ref(args.ref)
        except ValueError as exc:
            raise CliError(t("--ref: {exc}", exc=exc)) from None
        if kind == "touchpoint":
            touchpoint_id = ident
        elif kind == "task":
            task_id = ident
    try:
        result = log_followup(store, account.id or 0, summary=args.summary,
                              channel=args.channel, contact_id=contact_id,
                              outcome=args.outcome, next_date=next_date,
                              next_step=args.next_step, touchpoint_id=touchpoint_id,
                              task_id=task_id, now=effective_now(day), today=day)
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    if result.next_date:
        print(t("logged follow-up #{done_id} for {name}; next follow-up {day}",
                done_id=result.done_id, name=account.name, day=result.next_date)
              + (" " + t("(moved from {original}: {why})", original=moved.moved_from,
                         why=moved.why) if moved and moved.moved_from else ""))
    else:
        print(t("logged follow-up #{done_id} for {name}", done_id=result.done_id,
                name=account.name))
    return 0
