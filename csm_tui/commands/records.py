"""Fixing and adding to the record from the shell: `csm note add|edit|delete`,
`csm task add|edit|delete`, `csm touch edit|delete`, `csm event add|edit|delete`. The
ids are the ones `csm account show` prints. Same domain calls as the TUI; bad input
(a date that is not a date, a touch someone else deleted) is one line, exit 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import t

if TYPE_CHECKING:
    from db.store import Store

ACCOUNT_HELP = "account id, name, or a unique part of it (pinyin too)"
DATE_HELP = "YYYY-MM-DD, today, +3d, 2w, next mon, eom ..."


def _id(text: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(t("{text!r} is not an id (a number as `csm account "
                                           "show` prints it)", text=text))
    return int(value)


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    note = sub.add_parser("note", help=t("add, edit or delete a note on an account"))
    add_db(note)
    verbs = note.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help=t("a dated note (TEXT - reads it from standard input)"))
    p.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--on", default=None, metavar="DATE", help=t("default: today"))
    add_db(p)
    p.set_defaults(handler=note_add)
    p = verbs.add_parser("edit", help=t("change a note's text or date"))
    p.add_argument("id", metavar="NOTE", type=_id)
    p.add_argument("--text", default=None)
    p.add_argument("--on", default=None, metavar="DATE")
    add_db(p)
    p.set_defaults(handler=note_edit)
    p = verbs.add_parser("delete", help=t("delete a note"))
    p.add_argument("id", metavar="NOTE", type=_id)
    add_db(p)
    p.set_defaults(handler=note_delete)

    task = sub.add_parser("task", help=t("add your own task, edit or delete a task"))
    add_db(task)
    verbs = task.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help=t("a task of your own on an account, with a due date"))
    p.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    p.add_argument("title", metavar="TITLE")
    p.add_argument("--due", required=True, metavar="DATE", help=t(DATE_HELP))
    add_db(p)
    p.set_defaults(handler=task_add)
    p = verbs.add_parser("edit", help=t("change a task's title or due date"))
    p.add_argument("id", metavar="TASK", type=_id)
    p.add_argument("--title", default=None)
    p.add_argument("--due", default=None, metavar="DATE", help=t(DATE_HELP))
    add_db(p)
    p.set_defaults(handler=task_edit)
    p = verbs.add_parser("delete", help=t("delete your task (an SOP step is closed as "
                                          "removed)"))
    p.add_argument("id", metavar="TASK", type=_id)
    add_db(p)
    p.set_defaults(handler=task_delete)

    touch = sub.add_parser("touch", help=t("correct or delete a logged or planned touch"))
    add_db(touch)
    verbs = touch.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("edit", help=t("correct a touch (only what you give)"))
    p.add_argument("id", metavar="TOUCH", type=_id)
    p.add_argument("--summary", default=None)
    p.add_argument("--date", default=None, metavar="DATE",
                   help=t("when it happened (a planned one: when it is due)"))
    p.add_argument("--channel", default=None)
    p.add_argument("--contact", default=None, metavar="NAME",
                   help=t("a stakeholder of the account; - for none"))
    p.add_argument("--outcome", default=None, help=t("positive, neutral, negative, risk, "
                                                     "or - for none"))
    p.add_argument("--next-step", default=None)
    add_db(p)
    p.set_defaults(handler=touch_edit)
    p = verbs.add_parser("delete", help=t("delete a touch (a mistyped log, a wrong plan)"))
    p.add_argument("id", metavar="TOUCH", type=_id)
    add_db(p)
    p.set_defaults(handler=touch_delete)

    event = sub.add_parser("event", help=t("add, edit or delete an event (an account's "
                                           "own too)"))
    add_db(event)
    verbs = event.add_subparsers(dest="verb", metavar="VERB", required=True)
    p = verbs.add_parser("add", help=t("add an event; --account makes it the account's own"))
    p.add_argument("title", metavar="TITLE")
    _event_options(p, required=True)
    add_db(p)
    p.set_defaults(handler=event_add)
    p = verbs.add_parser("edit", help=t("change an event (only what you give)"))
    p.add_argument("id", metavar="EVENT", type=_id)
    p.add_argument("--title", default=None)
    _event_options(p, required=False)
    add_db(p)
    p.set_defaults(handler=event_edit)
    p = verbs.add_parser("delete", help=t("delete an event"))
    p.add_argument("id", metavar="EVENT", type=_id)
    p.add_argument("--with-touches", action="store_true",
                   help=t("remove the planned touches it made too"))
    add_db(p)
    p.set_defaults(handler=event_delete)


def _event_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--on", required=required, default=None, metavar="DATE")
    p.add_argument("--yearly", default=None, choices=("y", "n"), help=t("y or n"))
    p.add_argument("--kind", default=None,
                   help=t("event, anniversary, holiday or workday (default event)"))
    p.add_argument("--account", default=None, metavar="ACCOUNT",
                   help=t("an account's own event (a leadership change, its founding day)"))
    p.add_argument("--industry", default=None)
    p.add_argument("--tiers", default=None, metavar="S,A")
    p.add_argument("--lead", default=None, type=int, metavar="DAYS",
                   help=t("plan a touch this many days ahead"))
    p.add_argument("--description", default=None)


def _day(store: Store, text: str, option: str, today: date) -> date:
    from csm_tui.workdays import resolve, working_calendar

    try:
        with store.session() as session:
            return resolve(text, today, working_calendar(session, today)).day
    except ValueError as exc:
        raise CliError(t("{option}: {exc}", option=option, exc=exc)) from None


def _run(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None


# ---- notes ----------------------------------------------------------------------

def note_add(args: argparse.Namespace) -> int:
    from csm_tui.changelog import current_user
    from csm_tui.cli import resolve_today
    from csm_tui.notes import add_note

    today = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    text = sys.stdin.read() if args.text == "-" else args.text
    on = _day(store, args.on, "--on", today) if args.on else today
    saved = _run(lambda: add_note(store, account.id or 0, text, on_date=on,
                                  author=current_user()))
    print(t("note #{id} on {name} ({day})", id=saved.note_id, name=account.name, day=on))
    return 0


def note_edit(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.notes import edit_note

    store = store_from(args)
    if args.text is None and args.on is None:
        raise CliError(t("nothing to change: give --text or --on"))
    on = _day(store, args.on, "--on", resolve_today(args)) if args.on else None
    text = sys.stdin.read() if args.text == "-" else args.text
    saved = _run(lambda: edit_note(store, args.id, text=text, on_date=on))
    print(t("note #{id} saved ({day})", id=saved.note_id, day=saved.on_date))
    return 0


def note_delete(args: argparse.Namespace) -> int:
    from csm_tui.notes import delete_note

    store = store_from(args)
    saved = _run(lambda: delete_note(store, args.id))
    print(t("note #{id} deleted; `csm undo` puts it back", id=saved.note_id))
    return 0


# ---- tasks ----------------------------------------------------------------------

def task_add(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.edits import add_task

    today = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    due = _day(store, args.due, "--due", today)
    saved = _run(lambda: add_task(store, account.id or 0, args.title, due=due))
    print(t("task #{id} for {name}, due {day}", id=saved.id, name=account.name, day=due))
    return 0


def task_edit(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.edits import KEEP, edit_task

    store = store_from(args)
    if args.title is None and args.due is None:
        raise CliError(t("nothing to change: give --title or --due"))
    due = _day(store, args.due, "--due", resolve_today(args)) if args.due else KEEP
    title = args.title if args.title is not None else KEEP
    saved = _run(lambda: edit_task(store, args.id, title=title, due=due))
    print(t("task #{id} saved", id=saved.id))
    return 0


def task_delete(args: argparse.Namespace) -> int:
    from csm_tui.edits import delete_task

    store = store_from(args)
    saved = _run(lambda: delete_task(store, args.id, now=datetime.now(UTC)))
    print(t("task #{id} removed (an SOP step: closed as removed); `csm undo` puts it back",
            id=saved.id) if saved.what == "removed" else
          t("task #{id} deleted; `csm undo` puts it back", id=saved.id))
    return 0


# ---- touches --------------------------------------------------------------------

def touch_edit(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.contacts import find_contact
    from csm_tui.edits import KEEP, edit_touch
    from db.models import Touchpoint

    today = resolve_today(args)
    store = store_from(args)
    with store.session() as session:
        tp = session.get(Touchpoint, args.id)
        if tp is None:
            raise CliError(t("touch #{id} no longer exists (deleted by someone else?); "
                             "nothing was saved", id=args.id))
        contact: Any = KEEP
        if args.contact == "-":
            contact = None
        elif args.contact is not None:
            try:
                contact = find_contact(session, tp.account_id, args.contact).id
            except LookupError as exc:
                raise CliError(t("--contact: {exc}", exc=exc)) from None
    fields = {"summary": args.summary, "channel": args.channel, "next_step": args.next_step,
              "outcome": "" if args.outcome == "-" else args.outcome}
    given = {k: v for k, v in fields.items() if v is not None}
    if args.date is not None:
        given["day"] = _day(store, args.date, "--date", today)
    if contact is not KEEP:
        given["contact_id"] = contact
    if not given:
        raise CliError(t("nothing to change: give --summary, --date, --channel, --contact, "
                         "--outcome or --next-step"))
    saved = _run(lambda: edit_touch(store, args.id, today=today, **given))
    print(t("touch #{id} saved", id=saved.id) if saved.what == "edited"
          else t("touch #{id}: nothing changed", id=saved.id))
    return 0


def touch_delete(args: argparse.Namespace) -> int:
    from csm_tui.edits import delete_touch

    store = store_from(args)
    saved = _run(lambda: delete_touch(store, args.id))
    print(t("touch #{id} closed as skipped (its event would plan it again); `csm undo` "
            "puts it back", id=saved.id) if saved.what == "skipped" else
          t("touch #{id} deleted; `csm undo` puts it back", id=saved.id))
    return 0


# ---- events ---------------------------------------------------------------------

def _event_fields(args: argparse.Namespace, store: Store, today: date,
                  base: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    if args.on is not None:
        out["on_date"] = _day(store, args.on, "--on", today)
    if getattr(args, "title", None) is not None:
        out["title"] = args.title
    if args.yearly is not None:
        out["yearly"] = args.yearly == "y"
    if args.kind is not None:
        out["kind"] = args.kind
    if args.account is not None:
        account = account_arg(store, args.account)
        out["account_id"], out["scope"] = account.id, "account"
    if args.industry is not None:
        out["industry"] = args.industry
        if out.get("scope") == "global":
            out["scope"] = "industry"
    if args.tiers is not None:
        out["tiers"] = args.tiers
    if args.lead is not None:
        out["lead_days"] = args.lead
    if args.description is not None:
        out["description"] = args.description
    return out


def event_add(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.event_book import save_event

    today = resolve_today(args)
    store = store_from(args)
    fields = _event_fields(args, store, today, {"title": args.title, "scope": "global"})
    event_id = _run(lambda: save_event(store, today=today, **fields))
    print(t("event #{id} {title} on {day}", id=event_id, title=fields["title"].strip(),
            day=fields["on_date"]))
    return 0


def event_form_fields(info: dict[str, Any]) -> dict[str, Any]:
    """An event's stored fields as `event_values` takes them (for an edit)."""
    return {"title": info["title"], "on_date": info["on_date"], "end_date": info["end_date"],
            "yearly": info["yearly"], "kind": info["kind"], "scope": info["scope"],
            "industry": info["industry"] or "", "account_id": info["account_id"],
            "lead_days": info["lead_days"], "tiers": info["target_tiers"],
            "industries": info["target_industries"], "description": info["description"]}


def event_edit(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.event_book import edit_event, event_info

    today = resolve_today(args)
    store = store_from(args)
    with store.session() as session:
        info = _run(lambda: event_info(session, args.id))
    fields = _event_fields(args, store, today, event_form_fields(info.fields))
    _run(lambda: edit_event(store, args.id, today=today, **fields))
    print(t("event #{id} saved", id=args.id))
    return 0


def event_delete(args: argparse.Namespace) -> int:
    from csm_tui.event_book import delete_event, event_info

    store = store_from(args)
    with store.session() as session:
        info = _run(lambda: event_info(session, args.id))
    removed = _run(lambda: delete_event(store, args.id, remove_touches=args.with_touches))
    print(t("event #{id} deleted", id=args.id)
          + (" " + t("with {n} planned touches", n=removed) if removed else "")
          + (" " + t("({n} planned touches stay; --with-touches removes them)",
                     n=len(info.touches)) if info.touches and not args.with_touches else ""))
    return 0
