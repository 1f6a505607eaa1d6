"""Exports: accounts as a spreadsheet-safe CSV or an Excel workbook, everything as JSON,
and the JSON restored losslessly into an empty database. Every file is written 0600
beside its target and moved into place (csm_tui.safe_files)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.cadence import next_touch_due
from csm_tui.health import health_for_accounts
from csm_tui.safe_files import atomic_write, write_text
from db.bulk import sync_sequence, table_name
from db.migrate import HEAD
from db.models import (
    Account,
    ChangeLog,
    Contact,
    Deal,
    Event,
    StageChange,
    Task,
    TierChange,
    Touchpoint,
)
from db.queries import activity as aq
from db.queries import tables as qtab
from db.queries.accounts import active_accounts_by_arr

if TYPE_CHECKING:
    from sqlmodel import Session, SQLModel

    from db.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Parents before children, so a restore never breaks a foreign key.
TABLES: tuple[type[SQLModel], ...] = (Account, Contact, Touchpoint, Task, Event, Deal,
                                      TierChange, StageChange, ChangeLog)
FORMAT = "csm-tui"


def safe_cell(value: Any) -> str:
    """Text a spreadsheet shows as text: a leading =, +, -, @, tab or CR gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


ACCOUNT_COLUMNS = ["id", "name", "external_id", "tier", "tier_locked", "score", "stage", "arr",
                   "currency", "arr_base", "base_currency", "contract_start", "contract_end",
                   "health", "next_due", "industry", "region", "owner"]


def _account_rows(session: Session, today: date) -> list[list[Any]]:
    """Every active account with health and next due, largest ARR (in the base
    currency) first; ARR in its own currency and in the base one (blank: no rate)."""
    from csm_tui.money import load_rates

    health = health_for_accounts(session, today)
    last = aq.last_done_touch(session)
    planned = aq.earliest_planned(session)
    from csm_tui.workdays import working_calendar

    rates = load_rates(session, today)
    calendar = working_calendar(session, today)
    out = []
    for a in active_accounts_by_arr(session):
        aid = a.id or 0
        due = next_touch_due(a.tier, last.get(aid), planned.get(aid), today=today,
                             calendar=calendar)
        h = health.get(aid)
        base = rates.to_base(a.arr_minor, a.currency)
        out.append([a.id, a.name, a.external_id, a.tier, a.tier_locked, round(a.score, 1),
                    a.stage, a.arr_minor / 100, a.currency,
                    base / 100 if base is not None else None, rates.base, a.contract_start,
                    a.contract_end, h.score if h else None, due, a.industry, a.region,
                    a.owner])
    out.sort(key=lambda r: -r[9] if isinstance(r[9], float) else 1.0)
    return out


def export_accounts_csv(store: Store, out: Path, today: date) -> int:
    """The accounts as CSV, written to a 0600 temporary file beside `out` and moved into
    place, so `out` is never half-written."""
    with store.session() as session:
        rows = _account_rows(session, today)
    with atomic_write(out, text=True, encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACCOUNT_COLUMNS)
        for r in rows:
            r[5] = f"{r[5]:.1f}"
            r[7] = f"{r[7]:.2f}"
            r[9] = "" if r[9] is None else f"{r[9]:.2f}"
            writer.writerow([safe_cell(v) for v in r])
    return len(rows)


def export_accounts_xlsx(store: Store, out: Path, today: date) -> int:
    """The same columns as the CSV export, as an Excel workbook (numbers and dates
    typed; text never read as a formula)."""
    from csm_tui.tabular.xlsx import write_xlsx

    with store.session() as session:
        rows = _account_rows(session, today)
    return write_xlsx(out, "accounts", ACCOUNT_COLUMNS, rows)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def export_json(store: Store, out: Path) -> dict[str, int]:
    """Every table, every row, as JSON that import_json restores losslessly."""
    counts: dict[str, int] = {}
    data: dict[str, Any] = {"format": FORMAT, "schema": HEAD, "tables": {}}
    with store.session() as session:
        for model in TABLES:
            name = table_name(model)
            rows = qtab.table_rows(session, model)
            data["tables"][name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
            counts[name] = len(rows)
    write_text(out, json.dumps(data, ensure_ascii=False, indent=1))
    return counts


def import_json(store: Store, path: Path) -> dict[str, int]:
    """Restore an export into an empty database, ids and all, in one transaction."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a csm-tui JSON export ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a csm-tui JSON export (format is missing)")
    counts: dict[str, int] = {}
    with store.transaction() as session:
        _require_empty(session)
        tables = data.get("tables", {})
        for model in TABLES:
            name = table_name(model)
            rows = tables.get(name, [])
            try:
                typed = [qtab.typed_row(model, row) for row in rows]
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{path}: {exc}") from None
            qtab.insert_rows(session, model, typed)
            sync_sequence(session, model)
            counts[name] = len(typed)
    return counts


def _require_empty(session: Session) -> None:
    for model in TABLES:
        n = qtab.count_rows(session, model)
        if n:
            raise ValueError(f"the database is not empty ({n} rows in "
                             f"{table_name(model)}); restore into a new file with --db")
