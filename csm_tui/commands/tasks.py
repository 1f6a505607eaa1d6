"""`csm tasks generate [--dry-run]`: SOP steps for every account's stage and tier."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    p = sub.add_parser("tasks", help="SOP tasks")
    add_db(p)
    tsub = p.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    g = tsub.add_parser("generate", help="create the SOP steps each account's stage and "
                                         "tier need (idempotent)")
    add_db(g)
    g.add_argument("--dry-run", action="store_true", help="print what would change")
    g.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    g.set_defaults(handler=generate)


def generate(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.lifecycle import apply_suggestions, suggestions
    from csm_tui.playbooks import PlaybookError
    from csm_tui.settings import current_settings
    from csm_tui.tasks import generate_tasks

    today = resolve_today(args)
    store = store_from(args)
    try:
        if not args.dry_run and current_settings().extra.get("lifecycle", {}).get("auto_apply"):
            for s in apply_suggestions(store, today):
                print(f"moved {s.name}: {s.from_stage} → {s.to_stage} ({s.reason})")
        report = generate_tasks(store, today, dry_run=args.dry_run)
    except PlaybookError as exc:
        raise CliError(str(exc)) from None
    verb = "would create" if args.dry_run else "created"
    print(f"{verb} {len(report.created)} tasks, "
          f"{'would move' if args.dry_run else 'moved'} {len(report.moved)}, "
          f"{'would drop' if args.dry_run else 'dropped'} {len(report.dropped)}")
    if args.dry_run:
        for t in report.created:
            print(f"  {t.due_date or 'no date'}  {t.account} · {t.stage} · {t.title}")
        with store.session() as session:
            for s in suggestions(session, today):
                target = f"→ {s.to_stage}" if s.to_stage else "(decide: renewed or churned)"
                print(f"  suggestion: {s.name}: {s.from_stage} {target} — {s.reason}")
    return 0
