"""Exports: accounts as a spreadsheet-safe CSV or an Excel workbook, and (in
csm_tui.tabular.jsonio) everything as JSON restored losslessly into an empty database.
Every file is written 0600 beside its target and moved into place (csm_tui.safe_files).

The accounts are read in batches from one consistent snapshot, largest ARR (in the base
currency) first, and written as they are read: memory stays flat for any size."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.safe_files import atomic_write
from csm_tui.tabular.jsonio import FORMAT, export_json, import_json

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

__all__ = ["ACCOUNT_COLUMNS", "FORMAT", "export_accounts_csv", "export_accounts_xlsx",
           "export_json", "import_json", "safe_cell"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[str, int, int], None]  # phase, done, total


def safe_cell(value: Any) -> str:
    """Text a spreadsheet shows as text: a leading =, +, -, @, tab or CR gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


ACCOUNT_COLUMNS = ["id", "name", "external_id", "tier", "tier_locked", "score", "stage", "arr",
                   "currency", "arr_base", "base_currency", "contract_start", "contract_end",
                   "health", "next_due", "industry", "region", "owner"]


def _account_rows(session: Session, today: date, progress: Progress | None = None
                  ) -> Iterator[list[Any]]:
    """Every active account with health and next due, largest ARR (in the base
    currency) first; ARR in its own currency and in the base one (blank: no rate).
    Health and the touches are read per batch of accounts."""
    from csm_tui.cadence import next_touch_due
    from csm_tui.health import health_for_accounts
    from csm_tui.money import load_rates
    from csm_tui.workdays import working_calendar
    from db.queries import activity as aq
    from db.queries import exports as qx
    from db.queries import tables as qt

    qt.begin_snapshot(session)
    rates = load_rates(session, today)
    calendar = working_calendar(session, today)
    total = qx.active_account_count(session) if progress else 0
    done = 0
    for batch in qx.accounts_by_base_arr(session, rates=rates.rates, base=rates.base):
        ids = [a.id for a in batch]
        health = health_for_accounts(session, today, ids)
        last = aq.last_done_touch(session, ids)
        planned = aq.earliest_planned(session, ids)
        for a in batch:
            due = next_touch_due(a.tier, last.get(a.id), planned.get(a.id), today=today,
                                 calendar=calendar)
            h = health.get(a.id)
            base = rates.to_base(a.arr_minor, a.currency)
            yield [a.id, a.name, a.external_id, a.tier, a.tier_locked, round(a.score, 1),
                   a.stage, a.arr_minor / 100, a.currency,
                   base / 100 if base is not None else None, rates.base, a.contract_start,
                   a.contract_end, h.score if h else None, due, a.industry, a.region,
                   a.owner]
        done += len(batch)
        if progress:
            progress("export", done, total)


def export_accounts_csv(store: Store, out: Path, today: date, *,
                        progress: Progress | None = None) -> int:
    """The accounts as CSV, written as they are read to a 0600 temporary file beside
    `out` and moved into place, so `out` is never half-written."""
    count = 0
    with store.session() as session, \
            atomic_write(out, text=True, encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACCOUNT_COLUMNS)
        for r in _account_rows(session, today, progress):
            r[5] = f"{r[5]:.1f}"
            r[7] = f"{r[7]:.2f}"
            r[9] = "" if r[9] is None else f"{r[9]:.2f}"
            writer.writerow([safe_cell(v) for v in r])
            count += 1
    return count


def export_accounts_xlsx(store: Store, out: Path, today: date, *,
                         progress: Progress | None = None) -> int:
    """The same columns as the CSV export, as an Excel workbook (numbers and dates
    typed; text never read as a formula), streamed in openpyxl's write-only mode."""
    from csm_tui.tabular.xlsx import write_xlsx

    with store.session() as session:
        return write_xlsx(out, "accounts", ACCOUNT_COLUMNS,
                          _account_rows(session, today, progress))
