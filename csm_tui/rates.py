"""`csm rates import FILE`: dated exchange rates from a CSV with the columns
currency, rate, as_of (units of the base currency per unit of `currency`).

All or nothing: the first bad row stops the import with the file, row, column and
value named, and nothing is written."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from csm_tui.changelog import record
from csm_tui.i18n import t
from csm_tui.money import load_rates
from csm_tui.tabular.csvio import open_table
from csm_tui.tabular.parsers import RowProblem, parse_date
from db.queries import rates as qr

if TYPE_CHECKING:
    from db.store import Store

COLUMNS = ("currency", "rate", "as_of")


class RatesError(ValueError):
    """The rates file cannot be imported; the message names file, row, column, value."""


@dataclass(frozen=True)
class RatesReport:
    base: str
    rows: int
    inserted: int
    updated: int
    currencies: tuple[str, ...]

    def summary(self) -> str:
        return t("{rows} rates against {base} ({currencies}): {inserted} new, "
                 "{updated} updated", rows=self.rows, base=self.base,
                 currencies=t(", ").join(self.currencies), inserted=self.inserted,
                 updated=self.updated)


def _rate(column: str, text: str) -> float:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, ArithmeticError):
        raise RowProblem(column, text, t("not a number")) from None
    if not value.is_finite() or value <= 0:
        raise RowProblem(column, text, t("must be a number above 0"))
    rate = float(value)
    if not math.isfinite(rate) or rate > 1e9:
        raise RowProblem(column, text, t("too large"))
    return rate


def read_rates(path: Path, base: str) -> list[tuple[str, str, float, date, str]]:
    """Every row checked, or RatesError for the first bad one."""
    source = open_table(path)
    headers = {h.strip().casefold(): h for h in source.headers}
    missing = [c for c in COLUMNS if c not in headers]
    if missing:
        raise RatesError(t("{path}: no column {columns} (the columns must be currency, "
                           "rate, as_of)", path=path, columns=t(", ").join(missing)))
    rows: list[tuple[str, str, float, date, str]] = []
    seen: dict[tuple[str, date], int] = {}
    for number, row, problem in source.rows():
        try:
            if problem:
                raise RowProblem("(row)", "", problem)
            column = headers["currency"]
            code = (row.get(column) or "").strip().upper()
            if len(code) != 3 or not code.isascii() or not code.isalpha():
                raise RowProblem(column, row.get(column) or "",
                                 t("not a 3-letter currency code"))
            if code == base:
                raise RowProblem(column, row.get(column) or "",
                                 t("is the base currency ({base}); its rate is 1", base=base))
            rate = _rate(headers["rate"], row.get(headers["rate"]) or "")
            as_of = parse_date(headers["as_of"], row.get(headers["as_of"]) or "")
            if (code, as_of) in seen:
                raise RowProblem(column, code, t("same currency and day as row {row}",
                                                 row=seen[(code, as_of)]))
            seen[(code, as_of)] = number
        except RowProblem as exc:
            raise RatesError(t("{path}: row {row}, column {column!r}, value {value!r}: "
                               "{reason}", path=path, row=number, column=exc.column,
                               value=exc.value, reason=exc.reason)) from None
        rows.append((code, base, rate, as_of, f"file:{path.name}"[:200]))
    if not rows:
        raise RatesError(t("{path}: no rates in the file", path=path))
    return rows


def import_rates(store: Store, path: Path, *, today: date) -> RatesReport:
    """Check every row, then store them in one transaction (a rate of the same
    currency and day is updated)."""
    with store.session() as session:
        base = load_rates(session, today).base
    rows = read_rates(path, base)
    with store.transaction() as session:
        inserted, updated = qr.save_rates(session, rows)
        report = RatesReport(base, len(rows), inserted, updated,
                             tuple(sorted({r[0] for r in rows})))
        record(session, action="rates.import", entity="rate", entity_id=None,
               summary=f"Imported {path.name}: {report.summary()}",
               payload={"file": path.name, "inserted": inserted, "updated": updated})
    return report
