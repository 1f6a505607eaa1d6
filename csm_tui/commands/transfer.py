"""`csm import KIND FILE` and `csm export FORMAT OUT`: one parser each, one handler per
kind in the module that owns it (loaded only when used, so start-up stays light)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module

from csm_tui.commands import CliError
from csm_tui.i18n import t

# kind -> "module:function"; each function takes the parsed args and returns an exit code.
IMPORTERS: dict[str, str] = {
    "accounts": "csm_tui.commands.tabular:import_accounts",
    "deals": "csm_tui.commands.tabular:import_deals",
    "contacts": "csm_tui.commands.tabular:import_contacts",
    "touchpoints": "csm_tui.commands.tabular:import_touchpoints",
    "json": "csm_tui.commands.tabular:import_json",
    "ics": "csm_tui.commands.ics:import_ics",
}
EXPORTERS: dict[str, str] = {
    "csv": "csm_tui.commands.tabular:export_csv",
    "xlsx": "csm_tui.commands.tabular:export_xlsx",
    "json": "csm_tui.commands.tabular:export_json",
    "ics": "csm_tui.commands.ics:export_ics",
}


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    imp = sub.add_parser("import", help=t("import accounts, deals, contacts, touchpoints, json "
                                          "or ics"))
    add_db(imp)
    imp.add_argument("kind", choices=sorted(IMPORTERS), metavar="KIND",
                     help="|".join(IMPORTERS))
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                     help=t("map a column header to a field (repeatable)"))
    imp.add_argument("--skip-invalid", action="store_true",
                     help=t("import the valid rows; write rejected rows with a reason column"))
    imp.add_argument("--rejects", metavar="PATH", default=None,
                     help=t("where --skip-invalid writes rejected rows (default: "
                            "FILE.rejects.csv)"))
    imp.add_argument("--encoding", default=None, metavar="NAME",
                     help=t("the CSV file's encoding when it is not UTF-8 or clearly GB18030 "
                            "(latin-1, cp1252, gb18030 ...)"))
    imp.add_argument("--term-months", type=int, default=12,
                     help=t("contract term for `import deals` (default 12)"))
    imp.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    imp.set_defaults(handler=lambda args: _dispatch(IMPORTERS, args.kind, args))
    exp = sub.add_parser("export", help=t("export csv, xlsx, json or ics"))
    add_db(exp)
    exp.add_argument("format", choices=sorted(EXPORTERS), metavar="FORMAT",
                     help="|".join(EXPORTERS))
    exp.add_argument("out", metavar="OUT")
    exp.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    exp.set_defaults(handler=lambda args: _dispatch(EXPORTERS, args.format, args))


def _dispatch(table: dict[str, str], kind: str, args: argparse.Namespace) -> int:
    module_name, func_name = table[kind].split(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        raise CliError(t("{kind}: not available in this build ({name})",
                         kind=kind, name=exc.name)) from None
    return int(getattr(module, func_name)(args) or 0)
