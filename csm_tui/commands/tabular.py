"""`csm import accounts|deals|contacts|touchpoints|json FILE` and `csm export csv|json OUT`
(routed here by csm_tui/commands/transfer.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import t

MAX_LISTED = 50


def _run_import(kind: str, args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.commands.progress import progress_bar
    from csm_tui.tabular.csvio import CsvError
    from csm_tui.tabular.importers import import_file

    store = store_from(args)
    path = Path(args.file)
    with progress_bar(path.name) as progress:
        try:
            result = import_file(store, kind, path, today=resolve_today(args),
                                 overrides=args.map, skip_invalid=args.skip_invalid,
                                 rejects=Path(args.rejects) if args.rejects else None,
                                 term_months=args.term_months, progress=progress,
                                 encoding=args.encoding)
        except (CsvError, ValueError, OSError) as exc:
            raise CliError(str(exc)) from None
    print(f"{path.name} ({result.dialect.label}): {result.summary()}")
    if result.first_day is not None:
        for line in result.first_day.lines():
            print("  " + line)
    unknown = result.mapping.unknown
    if unknown:
        print(t("  columns ignored: {value}", value=', '.join(unknown)))
    for e in result.errors[:MAX_LISTED]:
        print(t("  row {row}, column {column!r}, value {value!r}: {reason}",
                row=e.row, column=e.column, value=e.value, reason=e.reason))
    if len(result.errors) > MAX_LISTED:
        print(t("  … and {value} more rejected rows", value=len(result.errors) - MAX_LISTED))
    if result.errors and not result.written:
        print(t("nothing was written (fix the rows, or use --skip-invalid)"))
    if result.rejects_path:
        print(t("rejected rows written to {rejects_path}", rejects_path=result.rejects_path))
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
    from csm_tui.commands.progress import progress_bar
    from csm_tui.tabular.jsonio import import_json as run

    store = store_from(args)
    path = Path(args.file)
    with progress_bar(path.name, first="write") as progress:
        try:
            counts = run(store, path, progress=progress)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    print(t("restored {counts}", counts=_counts(counts)))
    return 0


def _counts(counts: dict[str, int]) -> str:
    shown = t(", ").join(f"{n} {t(kind)}" for kind, n in counts.items() if n)
    return shown or t("no rows")


def _cannot_write(out: str, exc: OSError) -> CliError:
    return CliError(t("{out}: cannot write ({strerror}); nothing was written", out=out,
                      strerror=exc.strerror or exc))


def _export_accounts(args: argparse.Namespace, fmt: str) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.commands.progress import progress_bar
    from csm_tui.tabular import exporters

    run = exporters.export_accounts_csv if fmt == "csv" else exporters.export_accounts_xlsx
    store = store_from(args)
    out = Path(args.out)
    with progress_bar(out.name, first="export") as progress:
        try:
            n = run(store, out, resolve_today(args), progress=progress)
        except OSError as exc:
            raise _cannot_write(args.out, exc) from None
    print(t("{n} accounts written to {out}", n=n, out=args.out))
    return 0


def export_csv(args: argparse.Namespace) -> int:
    return _export_accounts(args, "csv")


def export_xlsx(args: argparse.Namespace) -> int:
    return _export_accounts(args, "xlsx")


def export_json(args: argparse.Namespace) -> int:
    from csm_tui.commands.progress import progress_bar
    from csm_tui.tabular.jsonio import export_json as run

    store = store_from(args)
    out = Path(args.out)
    with progress_bar(out.name, first="export") as progress:
        try:
            counts = run(store, out, progress=progress)
        except OSError as exc:
            raise _cannot_write(args.out, exc) from None
    print(t("wrote {out}: {counts}", out=args.out, counts=_counts(counts)))
    return 0
