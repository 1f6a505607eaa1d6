"""`csm seed-demo`: a realistic, deterministic demo portfolio of any size."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    p = sub.add_parser("seed-demo", help=t("write a generated demo portfolio into a database"))
    add_db(p)
    p.add_argument("--accounts", type=int, default=None,
                   help=t("how many generated accounts (default: the hand-made 59-account demo)"))
    p.add_argument("--seed", type=int, default=1, help=t("random seed (same seed, same data)"))
    p.add_argument("--today", default=None, metavar="YYYY-MM-DD",
                   help=t("date the portfolio is laid out around (default: today)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.demo import prepare_demo, seed_generated

    if args.db is None:
        raise CliError(t("seed-demo needs --db PATH (it never writes into your real portfolio "
                         "by accident)"))
    if args.accounts is not None and args.accounts < 1:
        raise CliError(t("--accounts: {accounts} must be at least 1", accounts=args.accounts))
    today = resolve_today(args)
    store = store_from(args)
    if args.accounts is None:
        result = prepare_demo(store, today)
    else:
        result = seed_generated(store, args.accounts, args.seed, today)
    print(t("seeded {accounts} accounts, {contacts} contacts, {touchpoints} touchpoints, "
            "{events} events into {url}",
            accounts=result.accounts, contacts=result.contacts,
            touchpoints=result.touchpoints, events=result.events, url=store.url))
    store.close()
    return 0
