"""Exports: accounts as a spreadsheet-safe CSV, everything as JSON, and the JSON
restored losslessly into an empty database."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.cadence import next_touch_due
from csm_tui.health import health_for_accounts
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


def export_accounts_csv(store: Store, out: Path, today: date) -> int:
    """Every active account with health and next due, largest ARR first; written to a
    temporary file and moved into place, so `out` is never half-written."""
    columns = ["id", "name", "external_id", "tier", "tier_locked", "score", "stage", "arr",
               "currency", "contract_start", "contract_end", "health", "next_due", "industry",
               "region", "owner"]
    with store.session() as session:
        health = health_for_accounts(session, today)
        last = aq.last_done_touch(session)
        planned = aq.earliest_planned(session)
        rows = active_accounts_by_arr(session)
        tmp = out.with_name(out.name + ".tmp")
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for a in rows:
                aid = a.id or 0
                due = next_touch_due(a.tier, last.get(aid), planned.get(aid), today=today)
                h = health.get(aid)
                values = [a.id, a.name, a.external_id, a.tier, a.tier_locked, f"{a.score:.1f}",
                          a.stage, f"{a.arr_minor / 100:.2f}", a.currency, a.contract_start,
                          a.contract_end, h.score if h else "", due, a.industry, a.region,
                          a.owner]
                writer.writerow([safe_cell(v) for v in values])
        tmp.replace(out)
    return len(rows)


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
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(out)
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
