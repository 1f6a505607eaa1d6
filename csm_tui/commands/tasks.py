"""`csm tasks generate [--dry-run]`: SOP steps for every account's stage and tier."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import label, t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    p = sub.add_parser("tasks", help=t("SOP tasks"))
    add_db(p)
    tsub = p.add_subparsers(dest="tasks_command", metavar="ACTION", required=True)
    g = tsub.add_parser("generate", help=t("create the SOP steps each account's stage and tier "
                                           "need (idempotent)"))
    add_db(g)
    g.add_argument("--dry-run", action="store_true", help=t("print what would change"))
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
                print(t("moved {name}: {from_stage} → {to_stage} ({reason})",
                        name=s.name, from_stage=label("stage", s.from_stage),
                        to_stage=label("stage", s.to_stage or ""), reason=s.reason))
        report = generate_tasks(store, today, dry_run=args.dry_run)
    except PlaybookError as exc:
        raise CliError(str(exc)) from None
    print(t("would create {created} tasks, would move {moved}, would drop {dropped}"
            if args.dry_run else "created {created} tasks, moved {moved}, dropped {dropped}",
            created=len(report.created), moved=len(report.moved),
            dropped=len(report.dropped)))
    if args.dry_run:
        for task in report.created:
            print(f"  {task.due_date or t('no date')}  {task.account} · "
                  f"{label('stage', task.stage)} · {task.title}")
        with store.session() as session:
            for s in suggestions(session, today):
                target = (f"→ {label('stage', s.to_stage)}" if s.to_stage
                          else t("(decide: renewed or churned)"))
                print("  " + t("suggestion: {name}: {from_stage} {target} — {reason}",
                               name=s.name, from_stage=label("stage", s.from_stage),
                               target=target, reason=s.reason))
    return 0
