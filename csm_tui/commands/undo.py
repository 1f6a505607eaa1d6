"""`csm undo [--list]`: put back your last change, the same way as `u` in the TUI."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    u = sub.add_parser("undo", help="undo your last change (follow-up, stage, tier, edit…)")
    add_db(u)
    u.add_argument("--list", action="store_true",
                   help="show the last 10 change-log entries instead; undoes nothing")
    u.set_defaults(handler=undo)


def undo(args: argparse.Namespace) -> int:
    from csm_tui.undo import recent_changes, undo_last

    store = store_from(args)
    if args.list:
        with store.session() as session:
            lines = recent_changes(session)
        if not lines:
            print("the change log is empty")
        for line in lines:
            mark = " (undone)" if line.undone else ""
            print(f"#{line.id} {line.at:%Y-%m-%d %H:%M} {line.actor}: {line.summary}{mark}")
        return 0
    result = undo_last(store)
    if not result.done:
        raise CliError(result.message)
    print(result.message)
    return 0
