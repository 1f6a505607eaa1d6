"""The daily loop from the shell (Taskwarrior-style), through the same domain calls as
the TUI: `csm done REF`, `csm snooze REF WHEN`, `csm reschedule REF DATE` on the refs
`csm today` prints; `csm stage`, `csm renew`, `csm churn` for lifecycle moves; and
`csm metric ACCOUNT NAME VALUE [--on DATE]` for a dated metric reading.

Bad input (an unknown ref, a move the rules forbid, a renew that ends before it starts,
a churn without a reason, a metric that is not a number) is one line, exit 2, and
nothing is written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import label, t

if TYPE_CHECKING:
    from db.store import Store

ACCOUNT_HELP = "account id, name, or a unique part of it (pinyin too)"
DATE_HELP = "YYYY-MM-DD, today, +3d, 2w, next mon, eom ..."


def _today_opt(p: argparse.ArgumentParser) -> None:
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    d = sub.add_parser("done", help=t("mark a row of csm today done (a touch, an SOP step)"))
    d.add_argument("ref", metavar="REF", help=t("T… a planned touch, K… an SOP step, C… a "
                                                "cadence touch (from csm today)"))
    for name, helptext, when in (
            ("snooze", t("move a planned touch later (+1d, +3d, next mon …)"), "WHEN"),
            ("reschedule", t("move a planned touch to a date"), "DATE")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("ref", metavar="REF", help=t("T… a planned touch, C… a cadence touch"))
        p.add_argument("when", metavar=when, help=t(DATE_HELP))
        add_db(p)
        _today_opt(p)
        p.set_defaults(handler=move)
    add_db(d)
    _today_opt(d)
    d.set_defaults(handler=done)
    st = sub.add_parser("stage", help=t("move an account to another lifecycle stage"))
    st.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    st.add_argument("stage", metavar="STAGE",
                    help=t("handover, onboarding, adoption, renewal (renew and churn have "
                           "their own commands)"))
    st.add_argument("--reason", default="", metavar="TEXT")
    add_db(st)
    _today_opt(st)
    st.set_defaults(handler=stage)
    rn = sub.add_parser("renew", help=t("record a renewal: the new term's dates and ARR"))
    rn.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    rn.add_argument("--start", default=None, metavar="DATE",
                    help=t("new term start (default: the day after the old end)"))
    rn.add_argument("--end", default=None, metavar="DATE",
                    help=t("new term end (default: a year after the start)"))
    rn.add_argument("--arr", default=None, metavar="N", help=t("the new term's ARR "
                                                               "(default: unchanged)"))
    add_db(rn)
    _today_opt(rn)
    rn.set_defaults(handler=renew)
    ch = sub.add_parser("churn", help=t("the account churned: closes its planned touches "
                                        "and open steps, starts the win-back steps"))
    ch.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    ch.add_argument("--reason", required=True, metavar="TEXT", help=t("why they left"))
    add_db(ch)
    _today_opt(ch)
    ch.set_defaults(handler=churn)
    mt = sub.add_parser("metric", help=t("record a dated metric reading (NPS, open tickets, "
                                         "last login, usage)"))
    mt.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    mt.add_argument("name", metavar="NAME", help=t("nps, open_tickets, last_login or usage"))
    mt.add_argument("value", metavar="VALUE", help=t("a number (last_login: a date)"))
    mt.add_argument("--on", default=None, metavar="DATE",
                    help=t("the day the reading is for (default: today)"))
    add_db(mt)
    _today_opt(mt)
    mt.set_defaults(handler=metric)


def _day(text: str, today: date, what: str) -> date:
    from csm_tui.dateparse import parse_when

    try:
        return parse_when(text, today)
    except ValueError as exc:
        raise CliError(t("{what}: {exc}", what=what, exc=exc)) from None


def _ref(text: str) -> tuple[str, int]:
    from csm_tui.today import parse_ref

    try:
        return parse_ref(text)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _now(day: date) -> datetime:
    from csm_tui.dates import effective_now

    return effective_now(day)


def _next(day: date | None) -> str:
    return t("; next follow-up {day}", day=day) if day else ""


def done(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.followup import log_followup, mark_done
    from csm_tui.tasks import complete_task

    today = resolve_today(args)
    kind, ident = _ref(args.ref)
    store = store_from(args)
    ref = args.ref.strip().upper()
    try:
        if kind == "touchpoint":
            result = mark_done(store, ident, now=_now(today), today=today)
            print(t("done {ref}{next}", ref=ref, next=_next(_next_due(store, result.next_id))))
        elif kind == "task":
            task = complete_task(store, ident, now=_now(today))
            print(t("done {ref}: {title}", ref=ref, title=task.title))
        else:
            account = _cadence_account(store, ident)
            logged = log_followup(store, ident, summary=t("Cadence touch"), now=_now(today),
                                  today=today)
            print(t("done {ref}: {name}{next}", ref=ref, name=account,
                    next=_next(logged.next_date)))
    except LookupError:
        raise CliError(t("unknown ref {ref}: nothing has that id", ref=ref)) from None
    except ValueError as exc:
        raise CliError(f"{ref}: {exc}") from None
    return 0


def _next_due(store: Store, touchpoint_id: int | None) -> date | None:
    from db.models import Touchpoint

    if touchpoint_id is None:
        return None
    with store.session() as session:
        tp = session.get(Touchpoint, touchpoint_id)
        return tp.due_date if tp is not None else None


def _cadence_account(store: Store, account_id: int) -> str:
    from db.models import Account

    with store.session() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(account_id)
        return account.name


def move(args: argparse.Namespace) -> int:
    """snooze and reschedule: the same move to another day (the change log says which)."""
    from csm_tui.cli import resolve_today
    from csm_tui.followup import plan_touch, reschedule

    today = resolve_today(args)
    kind, ident = _ref(args.ref)
    ref = args.ref.strip().upper()
    snooze = args.command == "snooze"
    day = _day(args.when, today, t("WHEN") if snooze else t("DATE"))
    action = "touchpoint.snooze" if snooze else "touchpoint.reschedule"
    if kind == "task":
        raise CliError(t("{ref} is an SOP step: its date follows the playbook; tick it with "
                         "csm done {ref}", ref=ref))
    store = store_from(args)
    try:
        if kind == "touchpoint":
            reschedule(store, ident, day, today=today, action=action)
        else:
            _cadence_account(store, ident)
            plan_touch(store, ident, day, today=today, action=action)
    except LookupError:
        raise CliError(t("unknown ref {ref}: nothing has that id", ref=ref)) from None
    except ValueError as exc:
        raise CliError(f"{ref}: {exc}") from None
    print(t("{ref} moved to {day}", ref=ref, day=day))
    return 0


def stage(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.lifecycle import move_stage

    today = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    wanted = args.stage.strip().lower()
    if wanted == "churned" and not args.reason.strip():
        raise CliError(t("a churn needs the reason: csm churn ACCOUNT --reason TEXT"))
    try:
        old = move_stage(store, account.id or 0, wanted, reason=args.reason, today=today)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(t("{name}: {old} → {new}", name=account.name, old=label("stage", old),
            new=label("stage", wanted)))
    return 0


def renew(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.lifecycle import renew as renew_account
    from csm_tui.lifecycle import renewal_defaults
    from csm_tui.money import format_money, parse_money

    today = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    start, end = renewal_defaults(account, today)
    if args.start:
        start = _day(args.start, today, "--start")
        if not args.end:
            from csm_tui.dates import add_months

            end = add_months(start, 12) - timedelta(days=1)
    if args.end:
        end = _day(args.end, today, "--end")
    if end <= start:
        raise CliError(t("--end: {end} is not after --start {start}", end=end, start=start))
    arr = None
    if args.arr is not None:
        try:
            arr = parse_money(args.arr, field="--arr")
        except ValueError as exc:
            raise CliError(str(exc)) from None
    try:
        term = renew_account(store, account.id or 0, new_start=start, new_end=end,
                             today=today, arr_minor=arr)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    money = format_money(arr if arr is not None else account.arr_minor, account.currency)
    print(t("{name}: renewed, term {term} {start} → {end}, ARR {arr}", name=account.name,
            term=term, start=start, end=end, arr=money))
    return 0


def churn(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.lifecycle import churn as churn_account

    today = resolve_today(args)
    if not args.reason.strip():
        raise CliError(t("--reason: required (why did they leave?)"))
    store = store_from(args)
    account = account_arg(store, args.account)
    try:
        churn_account(store, account.id or 0, reason=args.reason, today=today)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(t("{name}: churned ({reason}); planned touches closed, win-back steps added",
            name=account.name, reason=args.reason.strip()))
    return 0


def metric(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.metrics import parse_value, record_metric

    today = resolve_today(args)
    on = _day(args.on, today, "--on") if args.on else today
    name = args.name.strip().lower()
    try:
        parse_value(name, args.value, today)  # refused before the database is opened
    except ValueError as exc:
        raise CliError(str(exc)) from None
    store = store_from(args)
    account = account_arg(store, args.account)
    try:
        saved = record_metric(store, account.id or 0, name, args.value, on=on, today=today)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    shown = saved.day.isoformat() if saved.day else f"{saved.value:g}"
    print(t("{name}: {metric} {value} on {on}", name=saved.account, metric=name, value=shown,
            on=saved.on_date))
    return 0
