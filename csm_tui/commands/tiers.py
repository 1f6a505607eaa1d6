"""`csm tier`, `csm retier` and `csm brief`: tiers and the meeting brief from the shell."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import account_arg, store_from
from csm_tui.i18n import N_, t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    tp = sub.add_parser("tier", help=t("set (and lock) an account's tier, or unlock it"))
    add_db(tp)
    tp.add_argument("account", metavar="ACCOUNT", help=t("account id or exact name"))
    tp.add_argument("tier", nargs="?", metavar="TIER", help=t("S, A, B or C"))
    tp.add_argument("--reason", default="", help=t("why (required when setting a tier)"))
    tp.add_argument("--unlock", action="store_true", help=t("remove the manual override"))
    tp.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    tp.set_defaults(handler=tier)
    r = sub.add_parser("retier", help=t("monthly re-assessment: score all, move unlocked tiers"))
    add_db(r)
    r.add_argument("--dry-run", action="store_true", help=t("show the moves, change nothing"))
    r.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    r.set_defaults(handler=retier)
    b = sub.add_parser("brief", help=t("one-page Markdown brief for the next call"))
    add_db(b)
    b.add_argument("account", metavar="ACCOUNT", help=t("account id or exact name"))
    b.add_argument("--out", metavar="FILE", default=None, help=t("also write it to FILE"))
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
                raise CliError(t("give either TIER or --unlock, not both"))
            move = unlock(store, account.id or 0, today=resolve_today(args))
            print(t("{name}: unlocked; tier {old} → {new}",
                    name=move.name, old=move.old, new=move.new))
            return 0
        if not args.tier:
            raise CliError(t("give a TIER (S, A, B, C) with --reason, or --unlock"))
        move = set_tier(store, account.id or 0, args.tier, reason=args.reason,
                        today=resolve_today(args))
    except (ValueError, LookupError) as exc:
        raise CliError(str(exc)) from None
    print(t("{name}: tier {old} → {new} (locked: {reason})",
            name=move.name, old=move.old, new=move.new, reason=move.reason))
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
    print(t("{scored} accounts scored; would move {moves} ({up} up, {down} down); "
            "{kept} locked kept" if args.dry_run else
            "{scored} accounts scored; moved {moves} ({up} up, {down} down); {kept} locked kept",
            scored=report.scored, moves=len(report.moves), up=len(report.promotions),
            down=len(report.demotions), kept=len(report.locked_kept)))
    for title, moves in ((N_("promotions"), report.promotions),
                         (N_("demotions"), report.demotions)):
        if moves:
            print(f"{t(title)}:")
            for m in moves:
                print(f"  {m.old} → {m.new}  {m.name} ({m.reason})")
    for _aid, name, old, new in report.locked_kept:
        print(t("  locked: {name} stays {old} (computed {new})", name=name, old=old, new=new))
    if report.no_rate:
        print(report.no_rate, file=sys.stderr)
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
        print(t("\n(written to {path})", path=path))
    return 0
