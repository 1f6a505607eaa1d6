"""Editing an account from the form: every field parsed and checked, the row
saved only when all are valid, with an optimistic version check so that a
concurrent edit by a teammate is never overwritten silently.

The check and the write are one statement (`UPDATE account SET version = version + 1
WHERE id = :id AND version = :v`, its row count read): two saves at the same instant
cannot both pass it. Saves merge by field: given the values the form opened with
(`base`), only the fields this user changed are written; when someone else saved in
between, their value stays for every field this user did not touch, and only a field
both changed (to different values) is a conflict to ask about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from csm_tui.changelog import record
from csm_tui.dates import parse_iso_date
from csm_tui.i18n import current_language, label, t
from csm_tui.money import parse_money
from db.models import Account, utcnow
from db.queries import accounts as qa
from db.store import Store

TEXT_FIELDS = ("name", "industry", "region", "owner")
INT_RANGES = {"growth_potential": (0, 5), "influence": (0, 5), "engagement": (0, 5),
              "referrals": (0, 10_000), "open_tickets": (0, 100_000), "nps": (-100, 100)}
DATE_FIELDS = ("contract_start", "contract_end", "last_login", "founded_on")
EDITABLE = TEXT_FIELDS + ("arr", "currency") + DATE_FIELDS + tuple(INT_RANGES) + (
    "on_time_payment",)


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        # English keeps the field's key ("arr: ..."), as before; other languages name it.
        shown = field if current_language() == "en" else label("field", field)
        super().__init__(f"{shown}: {message}")
        self.field = field


class EditConflict(RuntimeError):
    """Someone else saved this account since the form was opened, and changed a field
    this user changed too (`disputed`)."""

    def __init__(self, theirs: dict[str, str], version: int = 0,
                 disputed: list[str] | None = None) -> None:
        super().__init__(t("this account was changed by someone else since you opened it"))
        self.theirs = theirs
        self.version = version  # theirs: saving again with it puts yours over theirs
        self.disputed = disputed if disputed is not None else list(theirs)


def changed_fields(base: dict[str, str], values: dict[str, str]) -> list[str]:
    """The form fields this user changed since the form opened with `base`."""
    return [k for k in EDITABLE if values.get(k, base.get(k, "")) != base.get(k, "")]


def merge(base: dict[str, str], theirs: dict[str, str], yours: dict[str, str]
          ) -> tuple[dict[str, str], list[str]]:
    """Yours on top of theirs, field by field: theirs for every field you did not touch,
    yours for the ones you did; and the fields both of you changed, differently."""
    mine = changed_fields(base, yours)
    merged = dict(theirs)
    for key in mine:
        merged[key] = yours[key]
    disputed = [k for k in mine if theirs.get(k, "") != base.get(k, "")
                and theirs.get(k, "") != yours.get(k, "")]
    return merged, disputed


def conflict_lines(initial: dict[str, str], theirs: dict[str, str],
                   yours: dict[str, str], only: list[str] | None = None) -> list[str]:
    """Each field that either side changed since the form opened (or only those in
    `only`: the disputed ones), with both values: `region: theirs 上海 · yours 北京`."""
    out = []
    for key in theirs:
        if only is not None and key not in only:
            continue
        mine = yours.get(key, initial.get(key, ""))
        was = initial.get(key, "")
        if (theirs[key] != was or mine != was) and theirs[key] != mine:
            out.append(t("{field}: theirs {theirs} · yours {yours}", field=label("field", key),
                         theirs=theirs[key] or t("(empty)"), yours=mine or t("(empty)")))
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
        raise FieldError("name", t("required"))
    try:
        out["arr_minor"] = parse_money(values.get("arr", "0") or "0", field="ARR")
    except ValueError as exc:
        raise FieldError("arr", str(exc).split(": ", 1)[-1]) from None
    currency = values.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise FieldError("currency", t("{currency!r} is not a 3-letter code (e.g. CNY, USD)",
                                       currency=currency))
    out["currency"] = currency
    for f in DATE_FIELDS:
        text = values.get(f, "").strip()
        try:
            out[f] = parse_iso_date(text, field=f) if text else None
        except ValueError as exc:
            raise FieldError(f, str(exc).split(": ", 1)[-1]) from None
    if out["contract_start"] and out["contract_end"] and \
            out["contract_end"] < out["contract_start"]:
        raise FieldError("contract_end", t("is before the contract start"))
    for f, (low, high) in INT_RANGES.items():
        text = values.get(f, "").strip()
        if not text:
            out[f] = None if f == "nps" else 0
            continue
        try:
            number = int(text)
        except ValueError:
            raise FieldError(f, t("{text!r} is not a whole number", text=text)) from None
        if not low <= number <= high:
            raise FieldError(f, t("{number} is outside {low}..{high}",
                                  number=number, low=low, high=high))
        out[f] = number
    text = values.get("on_time_payment", "1").strip() or "1"
    try:
        share = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise FieldError("on_time_payment",
                         t("{text!r} is not a share like 0.95", text=text)) from None
    if not 0 <= share <= 1:
        raise FieldError("on_time_payment", t("{text!r} must be between 0 and 1", text=text))
    out["on_time_payment"] = share
    return out


FORM_TO_MODEL = {"arr": "arr_minor"}
TERM_FIELDS = {"contract_start", "contract_end", "arr_minor", "currency"}


def update_account(store: Store, account_id: int, values: dict[str, str], *,
                   expected_version: int, base: dict[str, str] | None = None,
                   today: date | None = None) -> EditResult:
    """Validate and save in one transaction. The version is checked and moved on in one
    statement; if someone saved first, `base` (the values the form opened with) lets
    the save merge by field, and only a field both changed is an EditConflict. Without
    `base` every field is written and any earlier save is a conflict."""
    parsed = parse_form(values)
    with store.transaction() as session:
        if base is None or values.get("name", "") != base.get("name", ""):
            from csm_tui.book import same_name

            twin = same_name(session, parsed["name"], other_than=account_id)
            if twin is not None:  # never two accounts of one name, silently
                raise FieldError("name", t("{name!r} is the name of account #{id} already",
                                           name=twin[1], id=twin[0]))
        if not qa.claim_version(session, account_id, expected_version):
            account = session.get(Account, account_id)
            if account is None:
                raise LookupError(t("account {account_id} not found", account_id=account_id))
            theirs = form_values(account)
            if base is None:
                raise EditConflict(theirs, account.version)
            values, disputed = merge(base, theirs, values)
            if disputed:
                raise EditConflict(theirs, account.version, disputed)
            if not qa.claim_version(session, account_id, account.version):
                raise EditConflict(theirs, account.version)  # yet another save came first
            base, parsed = theirs, parse_form(values)
        account = session.get(Account, account_id, populate_existing=True)
        assert account is not None
        writable = None if base is None else {FORM_TO_MODEL.get(k, k)
                                              for k in changed_fields(base, values)}
        changed = {}
        for key, new in parsed.items():
            if writable is not None and key not in writable:
                continue
            old = getattr(account, key)
            if old != new:
                changed[key] = (old, new)
                setattr(account, key, new)
        if not changed:
            session.rollback()  # the version stays where it was
            return EditResult({}, expected_version)
        account.updated_at = utcnow()
        if "name" in changed:
            from csm_tui.search import remember_names

            remember_names(session, [account.name])
        from csm_tui.lifecycle import refresh_term
        from csm_tui.metrics import add_readings, edit_readings
        from csm_tui.tasks import sync_account_tasks

        dates_moved = {"contract_start", "contract_end"} & set(changed)
        tasks = sync_account_tasks(session, today if dates_moved else None, account_id)
        if TERM_FIELDS & set(changed):
            refresh_term(session, account)
        readings = add_readings(session, edit_readings(account_id, changed,
                                                       today or utcnow().date()))
        record(session, action="account.edit", entity="account", entity_id=account_id,
               summary=f"Edited {account.name}: {', '.join(changed)}",
               payload={"before": {k: v[0] for k, v in changed.items()},
                        "after": {k: v[1] for k, v in changed.items()},
                        "version": account.version, "tasks": tasks, "readings": readings})
        return EditResult(changed, account.version)
