"""Editing an account from the form: every field parsed and checked, the row
saved only when all are valid, with an optimistic version check so that a
concurrent edit by a teammate is never overwritten silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from csm_tui.changelog import record
from csm_tui.dates import parse_iso_date
from csm_tui.money import parse_money
from db.models import Account, utcnow
from db.store import Store

TEXT_FIELDS = ("name", "industry", "region", "owner")
INT_RANGES = {"growth_potential": (0, 5), "influence": (0, 5), "engagement": (0, 5),
              "referrals": (0, 10_000), "open_tickets": (0, 100_000), "nps": (-100, 100)}
DATE_FIELDS = ("contract_start", "contract_end", "last_login")
EDITABLE = TEXT_FIELDS + ("arr", "currency") + DATE_FIELDS + tuple(INT_RANGES) + (
    "on_time_payment",)


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class EditConflict(RuntimeError):
    """Someone else saved this account since the form was opened."""

    def __init__(self, theirs: dict[str, str], version: int = 0) -> None:
        super().__init__("this account was changed by someone else since you opened it")
        self.theirs = theirs
        self.version = version  # theirs: saving again with it puts yours over theirs


def conflict_lines(initial: dict[str, str], theirs: dict[str, str],
                   yours: dict[str, str]) -> list[str]:
    """Each field that either side changed since the form opened, with both values:
    `region: theirs 上海 · yours 北京`."""
    out = []
    for key in theirs:
        mine = yours.get(key, initial.get(key, ""))
        was = initial.get(key, "")
        if (theirs[key] != was or mine != was) and theirs[key] != mine:
            out.append(f"{key}: theirs {theirs[key] or '(empty)'} · yours {mine or '(empty)'}")
    return out


@dataclass(frozen=True)
class EditResult:
    changed: dict[str, tuple[Any, Any]]
    version: int


def form_values(account: Account) -> dict[str, str]:
    """The account as the form shows it (text per field)."""
    out = {f: str(getattr(account, f) or "") for f in TEXT_FIELDS}
    out["arr"] = f"{account.arr_minor / 100:.2f}".removesuffix(".00")
    out["currency"] = account.currency
    for f in DATE_FIELDS:
        value = getattr(account, f)
        out[f] = value.isoformat() if value else ""
    for f in INT_RANGES:
        value = getattr(account, f)
        out[f] = "" if value is None else str(value)
    out["on_time_payment"] = f"{account.on_time_payment:.2f}"
    return out


def parse_form(values: dict[str, str]) -> dict[str, Any]:
    """Text from the form → typed values, or FieldError naming the first bad field."""
    out: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        out[f] = values.get(f, "").strip()
    if not out["name"]:
        raise FieldError("name", "required")
    try:
        out["arr_minor"] = parse_money(values.get("arr", "0") or "0", field="ARR")
    except ValueError as exc:
        raise FieldError("arr", str(exc).split(": ", 1)[-1]) from None
    currency = values.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise FieldError("currency", f"{currency!r} is not a 3-letter code (e.g. CNY, USD)")
    out["currency"] = currency
    for f in DATE_FIELDS:
        text = values.get(f, "").strip()
        try:
            out[f] = parse_iso_date(text, field=f) if text else None
        except ValueError as exc:
            raise FieldError(f, str(exc).split(": ", 1)[-1]) from None
    if out["contract_start"] and out["contract_end"] and \
            out["contract_end"] < out["contract_start"]:
        raise FieldError("contract_end", "is before the contract start")
    for f, (low, high) in INT_RANGES.items():
        text = values.get(f, "").strip()
        if not text:
            out[f] = None if f == "nps" else 0
            continue
        try:
            number = int(text)
        except ValueError:
            raise FieldError(f, f"{text!r} is not a whole number") from None
        if not low <= number <= high:
            raise FieldError(f, f"{number} is outside {low}..{high}")
        out[f] = number
    text = values.get("on_time_payment", "1").strip() or "1"
    try:
        share = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise FieldError("on_time_payment", f"{text!r} is not a share like 0.95") from None
    if not 0 <= share <= 1:
        raise FieldError("on_time_payment", f"{text!r} must be between 0 and 1")
    out["on_time_payment"] = share
    return out


def update_account(store: Store, account_id: int, values: dict[str, str], *,
                   expected_version: int, today: date | None = None) -> EditResult:
    """Validate and save in one transaction; refuse if the version moved on."""
    parsed = parse_form(values)
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise LookupError(f"account {account_id} not found")
        if account.version != expected_version:
            raise EditConflict(form_values(account), account.version)
        changed = {}
        for key, new in parsed.items():
            old = getattr(account, key)
            if old != new:
                changed[key] = (old, new)
                setattr(account, key, new)
        if not changed:
            return EditResult({}, account.version)
        account.version += 1
        account.updated_at = utcnow()
        from csm_tui.tasks import sync_account_tasks

        dates_moved = {"contract_start", "contract_end"} & set(changed)
        tasks = sync_account_tasks(session, today if dates_moved else None, account_id)
        record(session, action="account.edit", entity="account", entity_id=account_id,
               summary=f"Edited {account.name}: {', '.join(changed)}",
               payload={"before": {k: v[0] for k, v in changed.items()},
                        "after": {k: v[1] for k, v in changed.items()},
                        "version": account.version, "tasks": tasks})
        return EditResult(changed, account.version)
