"""`csm search TEXT [--json]`: every touch, note and task of the book whose text holds
each word (CJK included), the touches with a stakeholder of that name, and the
accounts and stakeholders whose names match (pinyin and initials too); newest first."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import label, plural, t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    p = sub.add_parser("search", help=t("search every touch, note and task of the book"))
    p.add_argument("text", nargs="+", metavar="TEXT")
    p.add_argument("--account", default=None, metavar="ACCOUNT",
                   help=t("only this account's history"))
    p.add_argument("--limit", type=int, default=50, metavar="N", help=t("at most N hits "
                                                                       "(default 50)"))
    p.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    add_db(p)
    p.set_defaults(handler=search)


def search(args: argparse.Namespace) -> int:
    from csm_tui.search import remember_learned, search_book

    query = " ".join(args.text)
    if not query.strip():
        raise CliError(t("search: give some text"))
    if not 1 <= args.limit <= 10_000:
        raise CliError(t("--limit: {n} is not between 1 and 10000", n=args.limit))
    store = store_from(args)
    ids = None
    if args.account:
        ids = [account_arg(store, args.account).id or 0]
    with store.session() as session:
        result = search_book(session, query, limit=args.limit, account_ids=ids)
    remember_learned(store, result)  # names met without their words: faster next time
    if args.json:
        json.dump(result.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for name in result.names:
        if name.kind == "account":
            print(t("account #{id} {name}", id=name.id, name=name.name))
        else:
            print(t("stakeholder #{id} {name} ({role}) of {account}", id=name.id,
                    name=name.name, role=label("role", name.role), account=name.account))
    if result.names and result.hits:
        print()
    for hit in result.hits:
        kind = label("timeline", hit.kind) if hit.kind != "task" else t("task")
        what = [hit.day.isoformat() if hit.day else "—", f"{kind} #{hit.id}", hit.account]
        if hit.kind == "touch":
            what.append(label("channel", hit.channel)
                        + (f" · {hit.contact}" if hit.contact else "")
                        + ("" if hit.status == "done" else f" ({label('status', hit.status)})"))
        print("  ".join(what) + ": " + (hit.text or "—"))
    if not result.names and not result.hits:
        print(t("nothing found for {query!r}", query=query))
    elif result.more:
        print(t("… more than {hits}; narrow the words or raise --limit",
                hits=plural(len(result.hits), "hit")))
    return 0
