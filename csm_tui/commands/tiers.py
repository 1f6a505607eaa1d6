"""`csm tier`, `csm retier` and `csm brief`: tiers and the meeting brief from the shell."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    t = sub.add_parser("tier", help="set (and lock) an account's tier, or unlock it")
    add_db(t)
    t.add_argument("account", metavar="ACCOUNT", help="account id or exact name")
    t.add_argument("tier", nargs="?", metavar="TIER", help="S, A, B or C")
    t.add_argument("--reason", default="", help="why (required when setting a tier)")
    t.add_argument("--unlock", action="store_true", help="remove the manual override")
    t.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    t.set_defaults(handler=tier)
    r = sub.add_parser("retier", help="monthly re-assessment: score all, move unlocked tiers")
    add_db(r)
    r.add_argument("--dry-run", action="store_true", help="show the moves, change nothing")
    r.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    r.set_defaults(handler=retier)
    b = sub.add_parser("brief", help="one-page Markdown brief for the next call")
    add_db(b)
    b.add_argument("account", metavar="ACCOUNT", help="account id or exact name")
    b.add_argument("--out", metavar="FILE", default=None, help="also write it to FILE")
    b.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    b.set_defaults(handler=brief)


def tier(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.tiering import set_tier, unlock

    store = store_from(args)
    account = account_arg(store, args.account)
    try:
        if args.unlock:
            if args.tier:
                raise CliError("give either TIER or --unlock, not both")
            move = unlock(store, account.id or 0, today=resolve_today(args))
            print(f"{move.name}: unlocked; tier {move.old} → {move.new}")
            return 0
        if not args.tier:
            raise CliError("give a TIER (S, A, B, C) with --reason, or --unlock")
        move = set_tier(store, account.id or 0, args.tier, reason=args.reason,
                        today=resolve_today(args))
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    print(f"{move.name}: tier {move.old} → {move.new} (locked: {move.reason})")
    return 0


def retier(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.scoring import ScoringError
    from csm_tui.tiering import retier as run

    store = store_from(args)
    try:
        report = run(store, dry_run=args.dry_run, today=resolve_today(args))
    except ScoringError as exc:
        raise CliError(str(exc)) from None
    verb = "would move" if args.dry_run else "moved"
    print(f"{report.scored} accounts scored; {verb} {len(report.moves)} "
          f"({len(report.promotions)} up, {len(report.demotions)} down); "
          f"{len(report.locked_kept)} locked kept")
    for title, moves in (("promotions", report.promotions), ("demotions", report.demotions)):
        if moves:
            print(f"{title}:")
            for m in moves:
                print(f"  {m.old} → {m.new}  {m.name} ({m.reason})")
    for _aid, name, old, new in report.locked_kept:
        print(f"  locked: {name} stays {old} (computed {new})")
    return 0


def brief(args: argparse.Namespace) -> int:
    from csm_tui.account_view import account_detail
    from csm_tui.brief import brief_markdown
    from csm_tui.briefs import write_brief
    from csm_tui.cli import resolve_today

    today = resolve_today(args)
    store = store_from(args)
    account = account_arg(store, args.account)
    with store.session() as session:
        text = brief_markdown(account_detail(session, account.id or 0, today), today)
    print(text, end="")
    if args.out:
        path = write_brief(account.name, text, today, Path(args.out))
        print(f"\n(written to {path})")
    return 0
