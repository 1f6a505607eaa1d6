"""`csm import accounts|deals|contacts|touchpoints|json FILE` and `csm export csv|json OUT`
(routed here by csm_tui/commands/transfer.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from

MAX_LISTED = 50


def _run_import(kind: str, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from csm_tui.cli import resolve_today
    from csm_tui.tabular.csvio import CsvError
    from csm_tui.tabular.importers import import_file

    store = store_from(args)
    path = Path(args.file)
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(f"checking {path.name}", total=1)

        def progress(phase: str, done: int, total: int) -> None:
            label = {"check": "checking", "write": "importing", "done": "done"}[phase]
            bar.update(task, description=f"{label} {path.name}", completed=done,
                       total=max(total, 1))

        try:
            result = import_file(store, kind, path, today=resolve_today(args),
                                 overrides=args.map, skip_invalid=args.skip_invalid,
                                 rejects=Path(args.rejects) if args.rejects else None,
                                 term_months=args.term_months, progress=progress)
        except (CsvError, ValueError) as exc:
            raise CliError(str(exc)) from None
    print(f"{path.name} ({result.dialect.label}): {result.summary()}")
    unknown = result.mapping.unknown
    if unknown:
        print(f"  columns ignored: {', '.join(unknown)}")
    for e in result.errors[:MAX_LISTED]:
        print(f"  row {e.row}, column {e.column!r}, value {e.value!r}: {e.reason}")
    if len(result.errors) > MAX_LISTED:
        print(f"  … and {len(result.errors) - MAX_LISTED} more rejected rows")
    if result.errors and not result.written:
        print("nothing was written (fix the rows, or use --skip-invalid)")
    if result.rejects_path:
        print(f"rejected rows written to {result.rejects_path}")
    return 1 if result.errors else 0


def import_accounts(args: argparse.Namespace) -> int:
    return _run_import("accounts", args)


def import_deals(args: argparse.Namespace) -> int:
    return _run_import("deals", args)


def import_contacts(args: argparse.Namespace) -> int:
    return _run_import("contacts", args)


def import_touchpoints(args: argparse.Namespace) -> int:
    return _run_import("touchpoints", args)


def import_json(args: argparse.Namespace) -> int:
    from csm_tui.tabular.exporters import import_json as run

    store = store_from(args)
    try:
        counts = run(store, Path(args.file))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print("restored " + ", ".join(f"{n} {table}" for table, n in counts.items() if n))
    return 0


def export_csv(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.tabular.exporters import export_accounts_csv

    store = store_from(args)
    try:
        n = export_accounts_csv(store, Path(args.out), resolve_today(args))
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write ({exc.strerror})") from None
    print(f"{n} accounts written to {args.out}")
    return 0


def export_json(args: argparse.Namespace) -> int:
    from csm_tui.tabular.exporters import export_json as run

    store = store_from(args)
    try:
        counts = run(store, Path(args.out))
    except OSError as exc:
        raise CliError(f"{args.out}: cannot write ({exc.strerror})") from None
    print(f"wrote {args.out}: " + ", ".join(f"{n} {t}" for t, n in counts.items() if n))
    return 0
