"""`csm account add|edit|show|archive|unarchive|delete` and `csm accounts`: the book
kept by hand, through the same domain calls as the TUI. Bad input (a duplicate name,
a date that is not one, a field out of range, a delete that would take open tasks
without --yes) is one line, exit 2, nothing written."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import label, plural, t

ACCOUNT_HELP = "account id, name, or a unique part of it (pinyin too)"
# `csm account edit` options → the account form's fields (csm_tui.account_edit).
EDIT_OPTIONS = (("name", "name"), ("industry", "industry"), ("region", "region"),
                ("owner", "owner"), ("arr", "arr"), ("currency", "currency"),
                ("contract-start", "contract_start"), ("contract-end", "contract_end"),
                ("nps", "nps"), ("last-login", "last_login"),
                ("open-tickets", "open_tickets"), ("on-time-payment", "on_time_payment"),
                ("growth", "growth_potential"), ("influence", "influence"),
                ("referrals", "referrals"), ("engagement", "engagement"),
                ("founded", "founded_on"))


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    acc = sub.add_parser("account", help=t("add, edit, show, archive or delete an account"))
    add_db(acc)
    verbs = acc.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help=t("add an account (at handover, with its SOP steps)"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--arr", default="", metavar="N", help=t("annual recurring revenue"))
    add.add_argument("--currency", default="", metavar="C",
                     help=t("ISO code (default: the book's base currency)"))
    add.add_argument("--owner", default=None, metavar="U", help=t("default: you"))
    add.add_argument("--industry", default="", metavar="I")
    add.add_argument("--region", default="", metavar="R")
    add.add_argument("--tier", default="C", metavar="T", help=t("S, A, B or C (default C)"))
    add.add_argument("--contract-start", default=None, metavar="D")
    add.add_argument("--contract-end", default=None, metavar="D")
    add.add_argument("--allow-duplicate", action="store_true",
                     help=t("add it even if an account has this name already"))
    add_db(add)
    add.set_defaults(handler=account_add)
    edit = verbs.add_parser("edit", help=t("change fields of an account"))
    edit.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    for option, _field in EDIT_OPTIONS:
        edit.add_argument(f"--{option}", default=None, metavar="VALUE")
    add_db(edit)
    edit.set_defaults(handler=account_edit)
    show = verbs.add_parser("show", help=t("everything the account screen shows"))
    show.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    show.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    add_db(show)
    show.set_defaults(handler=account_show)
    for verb, helptext in (("archive", t("off every list and out of the cadence; history "
                                         "and KPIs keep it")),
                           ("unarchive", t("bring an archived account back"))):
        p = verbs.add_parser(verb, help=helptext)
        p.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
        add_db(p)
        p.set_defaults(handler=account_archive, archived=verb == "archive")
    delete = verbs.add_parser("delete", help=t("delete an account and everything it has "
                                               "(undoable)"))
    delete.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    delete.add_argument("--yes", action="store_true",
                        help=t("delete it with its open tasks, touches and stakeholders"))
    add_db(delete)
    delete.set_defaults(handler=account_delete)
    lst = sub.add_parser("accounts", help=t("list the accounts (a filter: name, pinyin, "
                                            "tier, stage, industry, owner)"))
    lst.add_argument("filter", nargs="*", metavar="FILTER")
    lst.add_argument("--archived", action="store_true", help=t("the archived ones too"))
    lst.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    add_db(lst)
    lst.set_defaults(handler=accounts_list)


def _date(text: str | None, option: str) -> Any:
    from csm_tui.dates import parse_iso_date

    if text is None or not text.strip():
        return None
    try:
        return parse_iso_date(text, field=option)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def account_add(args: argparse.Namespace) -> int:
    from csm_tui.book import NewAccount, add_account
    from csm_tui.changelog import current_user
    from csm_tui.cli import resolve_today
    from csm_tui.money import load_rates

    day = resolve_today(args)
    store = store_from(args)
    currency = args.currency
    if not currency:
        with store.session() as session:
            currency = load_rates(session, day).base
    new = NewAccount(name=args.name, arr=args.arr, currency=currency,
                     owner=current_user() if args.owner is None else args.owner,
                     industry=args.industry, region=args.region, tier=args.tier,
                     contract_start=_date(args.contract_start, "--contract-start"),
                     contract_end=_date(args.contract_end, "--contract-end"))
    try:
        account_id = add_account(store, new, today=day, allow_duplicate=args.allow_duplicate)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(t("added account #{id} {name} (tier {tier}, handover)", id=account_id,
            name=" ".join(args.name.split()), tier=new.tier.upper()))
    return 0


def account_edit(args: argparse.Namespace) -> int:
    from csm_tui.account_edit import EditConflict, form_values, update_account
    from csm_tui.cli import resolve_today

    store = store_from(args)
    account = account_arg(store, args.account)
    changes = {field: getattr(args, option.replace("-", "_")) for option, field in EDIT_OPTIONS
               if getattr(args, option.replace("-", "_")) is not None}
    if not changes:
        raise CliError(t("nothing to change: give a field, e.g. --industry 教育"))
    base = form_values(account)
    try:
        result = update_account(store, account.id or 0, {**base, **changes},
                                expected_version=account.version, base=base,
                                today=resolve_today(args))
    except (ValueError, LookupError, EditConflict) as exc:
        raise CliError(str(exc)) from None
    if not result.changed:
        print(t("{name}: nothing changed", name=account.name))
    else:
        print(t("{name}: changed {fields}", name=account.name,
                fields=t(", ").join(label("field", k) for k in result.changed)))
    return 0


def account_archive(args: argparse.Namespace) -> int:
    from csm_tui.book import VersionConflict, set_archived

    store = store_from(args)
    account = account_arg(store, args.account)
    try:
        name = set_archived(store, account.id or 0, args.archived,
                            expected_version=account.version)
    except (ValueError, LookupError, VersionConflict) as exc:
        raise CliError(str(exc)) from None
    print(t("archived {name}: off every list; `csm account unarchive` brings it back",
            name=name) if args.archived else t("{name} is back on the lists", name=name))
    return 0


def account_delete(args: argparse.Namespace) -> int:
    from csm_tui.book import VersionConflict, delete_account, delete_plan

    store = store_from(args)
    account = account_arg(store, args.account)
    with store.session() as session:
        plan = delete_plan(session, account.id or 0)
    has_more = any(v for k, v in plan.counts.items() if k not in ("contractterm",))
    if has_more and not args.yes:
        raise CliError(t("{name} has {what}; add --yes to delete it with all of that "
                         "(csm undo brings it back)", name=plan.name, what=plan.describe()))
    try:
        delete_account(store, account.id or 0, expected_version=plan.version)
    except (LookupError, VersionConflict) as exc:
        raise CliError(str(exc)) from None
    print(t("deleted {name} and {what}; `csm undo` puts it back", name=plan.name,
            what=plan.describe()))
    return 0


def account_show(args: argparse.Namespace) -> int:
    from csm_tui.book_view import account_json, account_text
    from csm_tui.cli import resolve_today
    from csm_tui.services import Services

    day = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    detail = Services(store, today=lambda: day, user="").account_detail(account.id or 0, day)
    if args.json:
        json.dump(account_json(detail, day), sys.stdout, ensure_ascii=False, indent=1,
                  default=str)
        print()
    else:
        print(account_text(detail, day))
    return 0


def accounts_list(args: argparse.Namespace) -> int:
    from csm_tui.book_view import account_rows

    store = store_from(args)
    with store.session() as session:
        rows = account_rows(session, " ".join(args.filter), archived=args.archived)
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=plural(len(rows), "account"), title_justify="left")
    for heading in ("#", t("Account"), t("Tier"), t("Stage"), t("ARR"), t("Owner"),
                    t("Industry")):
        table.add_column(heading, overflow="fold")
    for r in rows:
        name = r["name"] + (" " + t("(archived)") if r["archived"] else "")
        table.add_row(str(r["id"]), name, r["tier"], label("stage", r["stage"]), r["arr"],
                      r["owner"], r["industry"])
    Console().print(table)
    return 0
