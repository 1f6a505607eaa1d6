"""`csm rates import FILE` and `csm rates [--json]`: exchange rates into the base
currency, which every total, share, chart, sort and tier cut-off adds in."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from csm_tui.commands import CliError
from csm_tui.commands.common import store_from
from csm_tui.i18n import t


def register(sub: argparse._SubParsersAction, add_db: Callable) -> None:
    rates = sub.add_parser("rates", help=t("exchange rates into the base currency: show, "
                                           "or import a CSV (currency,rate,as_of)"))
    add_db(rates)
    rates.add_argument("action", nargs="?", choices=("show", "import"), default="show",
                       metavar="ACTION", help="show|import")
    rates.add_argument("file", nargs="?", metavar="FILE",
                       help=t("CSV with columns currency,rate,as_of: units of the base "
                              "currency per unit"))
    rates.add_argument("--json", action="store_true", help=t("print JSON for scripts"))
    rates.add_argument("--today", default=None, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    rates.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from csm_tui.cli import resolve_today
    from csm_tui.money import load_rates
    from csm_tui.rates import RatesError, import_rates
    from csm_tui.tabular.csvio import CsvError
    from db.queries.rates import arr_by_currency

    today = resolve_today(args)
    store = store_from(args)
    if args.action == "import":
        if not args.file:
            raise CliError(t("rates import: FILE is missing (a CSV with columns "
                             "currency,rate,as_of)"))
        try:
            report = import_rates(store, Path(args.file), today=today)
        except (RatesError, CsvError) as exc:
            raise CliError(str(exc)) from None
        print(f"{Path(args.file).name}: {report.summary()}")
    with store.session() as session:
        rates = load_rates(session, today)
        book = [(c, int(arr or 0), int(n)) for c, arr, n in arr_by_currency(session)]
    total = rates.total_by_currency(book)
    if args.json and args.action == "show":
        json.dump({"base": rates.base, "rates": [
            {"currency": c, "rate": r, "as_of": rates.as_of[c].isoformat()
             if c in rates.as_of else None} for c, r in sorted(rates.rates.items())],
            "arr_base_minor": total.minor,
            "missing": [{"currency": c, "accounts": n} for c, n in total.missing]},
            sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.action == "show":
        print(t("base currency: {base}", base=rates.base))
        for currency, rate in sorted(rates.rates.items()):
            day = rates.as_of.get(currency)
            print(t("  1 {currency} = {rate} {base} ({source})", currency=currency,
                    rate=f"{rate:g}", base=rates.base,
                    source=t("as of {day}", day=day) if day else t("settings.toml")))
    print(t("book ARR: {total}", total=total.text(compact=False)))
    if total.warning:
        print(total.warning)
    return 0
