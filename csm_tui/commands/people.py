"""`csm contact add|edit|remove`: the decision chain from the shell, through the same
domain calls as the account screen. An unknown role or level, an email that is not
one, a name the account has already: one line, exit 2, nothing written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import t

if TYPE_CHECKING:
    from db.store import Store

ACCOUNT_HELP = "account id, name, or a unique part of it (pinyin too)"
CONTACT_HELP = "the stakeholder's id (#12 or 12) or name (pinyin too)"
OPTIONS = ("title", "email", "phone", "notes")


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    con = sub.add_parser("contact", help=t("add, edit or remove a stakeholder"))
    add_db(con)
    verbs = con.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", help=t("add a stakeholder to an account"))
    add.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True,
                     help=t("decision_maker, user, influencer or champion"))
    add.add_argument("--level", required=True, help=t("executive, manager or staff"))
    for option in OPTIONS:
        add.add_argument(f"--{option}", default="")
    add_db(add)
    add.set_defaults(handler=contact_add)
    edit = verbs.add_parser("edit", help=t("correct a stakeholder (only what you give)"))
    edit.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    edit.add_argument("contact", metavar="CONTACT", help=t(CONTACT_HELP))
    for option in ("name", "role", "level", *OPTIONS):
        edit.add_argument(f"--{option}", default=None)
    add_db(edit)
    edit.set_defaults(handler=contact_edit)
    rm = verbs.add_parser("remove", help=t("remove a stakeholder (their touches stay)"))
    rm.add_argument("account", metavar="ACCOUNT", help=t(ACCOUNT_HELP))
    rm.add_argument("contact", metavar="CONTACT", help=t(CONTACT_HELP))
    add_db(rm)
    rm.set_defaults(handler=contact_remove)


def _contact_id(store: Store, account_id: int, ref: str) -> int:
    from csm_tui.contacts import find_contact

    with store.session() as session:
        try:
            return find_contact(session, account_id, ref).id or 0
        except LookupError as exc:
            raise CliError(str(exc)) from None


def contact_add(args: argparse.Namespace) -> int:
    from csm_tui.contacts import add_contact

    store = store_from(args)
    account = account_arg(store, args.account)
    values = {"name": args.name, "role": args.role, "level": args.level,
              **{k: getattr(args, k) for k in OPTIONS}}
    try:
        saved = add_contact(store, account.id or 0, values)
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    print(t("added stakeholder #{id} {name} to {account}", id=saved.contact_id,
            name=saved.name, account=account.name))
    return 0


def contact_edit(args: argparse.Namespace) -> int:
    from csm_tui.contacts import edit_contact

    store = store_from(args)
    account = account_arg(store, args.account)
    contact_id = _contact_id(store, account.id or 0, args.contact)
    values = {k: getattr(args, k) for k in ("name", "role", "level", *OPTIONS)
              if getattr(args, k) is not None}
    if not values:
        raise CliError(t("nothing to change: give a field, e.g. --email name@example.com"))
    try:
        saved = edit_contact(store, contact_id, values)
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    print(t("{name} ({account}): saved {fields}", name=saved.name, account=account.name,
            fields=", ".join(values)))
    return 0


def contact_remove(args: argparse.Namespace) -> int:
    from csm_tui.contacts import remove_contact

    store = store_from(args)
    account = account_arg(store, args.account)
    contact_id = _contact_id(store, account.id or 0, args.contact)
    try:
        saved = remove_contact(store, contact_id)
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    print(t("removed {name} from {account}; `csm undo` puts them back", name=saved.name,
            account=account.name))
    return 0

