"""Keeping the book by hand: an account created, archived or deleted (with everything
that belongs to it, undoably). Each call is one user action: one transaction with its
change-log entry; account writes claim the account's version in one statement (the
optimistic lock of `account_edit.update_account`), so a teammate's save in between is
never overwritten.

The welcome screen's "add a first account", the Portfolio's `n` and `csm account add`
all create through `add_account`: a duplicate name (equal up to case, width and
spaces, archived accounts included) is refused unless asked for, never made silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.dates import parse_iso_date
from csm_tui.i18n import plural, t
from csm_tui.money import parse_money
from db.models import Account, utcnow
from db.queries import accounts as qa
from db.queries import rows as qr
from db.vocab import TIERS

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store


class DuplicateName(ValueError):
    """An account with this name exists already; `existing` is (id, name)."""

    def __init__(self, message: str, existing: tuple[int, str]) -> None:
        super().__init__(message)
        self.existing = existing


class VersionConflict(RuntimeError):
    """Someone else changed the account since it was read; nothing was written."""


@dataclass(frozen=True)
class NewAccount:
    """An account as typed: text fields as given, amounts and dates parsed here."""

    name: str
    arr: str = ""
    currency: str = "CNY"
    owner: str = ""
    industry: str = ""
    region: str = ""
    tier: str = "C"
    contract_start: date | None = None
    contract_end: date | None = None


def fold_name(name: str) -> str:
    from csm_tui.namesearch import fold_text

    return " ".join(fold_text(name).split())


def same_name(session: Session, name: str, *, other_than: int | None = None
              ) -> tuple[int, str] | None:
    """The account (archived ones too) whose name equals `name` up to case, width and
    spaces, if any."""
    folded = fold_name(name)
    for ident, existing in qa.account_names(session, include_archived=True):
        if ident != other_than and fold_name(existing) == folded:
            return ident, existing
    return None


def duplicate_error(existing: tuple[int, str]) -> DuplicateName:
    return DuplicateName(t("name: {name!r} exists already (#{id}); give another name, or "
                           "allow the duplicate", name=existing[1], id=existing[0]), existing)


def _checked(new: NewAccount) -> dict[str, Any]:
    from csm_tui.welcome import check_currency

    name = " ".join(new.name.split())
    if not name:
        raise ValueError(t("name: required"))
    tier = (new.tier or "C").strip().upper()
    if tier not in TIERS:
        raise ValueError(t("tier: {tier!r} is not one of {value}", tier=new.tier,
                           value=", ".join(TIERS)))
    arr = parse_money(new.arr, field=t("ARR")) if new.arr.strip() else 0
    if new.contract_start and new.contract_end and new.contract_end < new.contract_start:
        raise ValueError(t("contract end: {day} is before the contract start",
                           day=new.contract_end.isoformat()))
    return {"name": name, "arr_minor": arr, "currency": check_currency(new.currency),
            "owner": new.owner.strip(), "industry": new.industry.strip(),
            "region": new.region.strip(), "tier": tier,
            "contract_start": new.contract_start, "contract_end": new.contract_end}


def add_account(store: Store, new: NewAccount, *, today: date,
                allow_duplicate: bool = False) -> int:
    """One account at handover with its SOP steps and its first term: one transaction
    with its change-log entry. A name the book has already is refused (DuplicateName)
    unless `allow_duplicate`."""
    from csm_tui.lifecycle import ensure_terms
    from csm_tui.search import remember_names
    from csm_tui.tasks import sync_account_tasks

    values = _checked(new)
    with store.transaction() as session:
        existing = same_name(session, values["name"])
        if existing is not None and not allow_duplicate:
            raise duplicate_error(existing)
        row = Account(**values, stage="handover", stage_entered=today)
        session.add(row)
        session.flush()
        assert row.id is not None
        tasks = sync_account_tasks(session, today, row.id)
        ensure_terms(session, [row.id])
        remember_names(session, [row.name])
        record(session, action="account.add", entity="account", entity_id=row.id,
               summary=f"{row.name}: added", payload={"tasks": tasks, "version": row.version})
        return row.id


def claimed(session: Session, account_id: int, expected: int | None) -> Account:
    """The account, its version claimed for this transaction (the expected one, else the
    one read now): VersionConflict if someone saved first, LookupError if it is gone."""
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    version = account.version if expected is None else expected
    if not qa.claim_version(session, account_id, version):
        raise VersionConflict(t("{name} was changed by someone else since you opened it; "
                                "nothing was saved", name=account.name))
    session.refresh(account)
    return account


def set_archived(store: Store, account_id: int, archived: bool, *,
                 expected_version: int | None = None) -> str:
    """Archive (off every list and out of the cadence; its history stays) or bring it
    back. Returns the account's name."""
    with store.transaction() as session:
        account = claimed(session, account_id, expected_version)
        if account.archived == archived:
            raise ValueError(t("{name} is archived already", name=account.name) if archived
                             else t("{name} is not archived", name=account.name))
        account.archived = archived
        account.updated_at = utcnow()
        action = "account.archive" if archived else "account.unarchive"
        verb = "Archived" if archived else "Unarchived"
        record(session, action=action, entity="account", entity_id=account_id,
               summary=f"{verb} {account.name}",
               payload={"archived": not archived, "version": account.version})
        return account.name


# ---- delete ---------------------------------------------------------------------

COUNT_NOUNS = (("contact", "stakeholder"), ("touchpoint", "touch"), ("note", "note"),
               ("task", "task"), ("event", "event"), ("deal", "deal"),
               ("metricreading", "reading"))


@dataclass(frozen=True)
class DeletePlan:
    """What deleting an account takes with it: the question a delete asks."""

    account_id: int
    name: str
    version: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def open_tasks(self) -> int:
        return self.counts.get("open_tasks", 0)

    def describe(self) -> str:
        """"3 open tasks, 12 touches, 4 stakeholders" (what there is)."""
        parts = [plural(self.open_tasks, "open task")] if self.open_tasks else []
        parts += [plural(self.counts.get(table, 0), noun) for table, noun in COUNT_NOUNS
                  if self.counts.get(table, 0) and table != "task"]
        return t(", ").join(parts) or t("nothing else")


def delete_plan(session: Session, account_id: int) -> DeletePlan:
    account = session.get(Account, account_id)
    if account is None:
        raise LookupError(t("account {account_id} not found", account_id=account_id))
    return DeletePlan(account_id, account.name, account.version,
                      qr.account_counts(session, account_id))


def row_of(obj: Any) -> dict[str, Any]:
    return {c.name: getattr(obj, c.name) for c in obj.__table__.columns}


def delete_account(store: Store, account_id: int, *, expected_version: int | None = None
                   ) -> DeletePlan:
    """Delete the account and every row that belongs to it (its stakeholders, touches,
    notes, tasks, events, deals, history), one transaction. The change log keeps every
    row, so undo puts them all back, ids included."""
    from db.bulk import table_of

    with store.transaction() as session:
        plan = delete_plan(session, account_id)
        account = claimed(session, account_id, expected_version)
        rows = {table_of(model).name: qr.account_rows(session, model, account_id)
                for model in qr.ACCOUNT_TABLES}
        record(session, action="account.delete", entity="account", entity_id=account_id,
               summary=f"Deleted {account.name} ({plan.describe()})",
               payload={"account": row_of(account), "rows": rows})
        session.delete(account)  # the database cascades to every row that names it
        session.flush()
        return plan


def restore_deleted(session: Session, payload: dict[str, Any]) -> Account:
    """Put a deleted account back with every row it took (undo), ids included; refused
    (LookupError) when one of those ids was taken since."""
    from db.bulk import table_of
    from db.queries.tables import typed_row

    account = Account(**typed_row(Account, payload["account"]))
    if session.get(Account, account.id) is not None:
        raise LookupError(t("its id #{id} was taken by another account since", id=account.id))
    by_name = {table_of(m).name: m for m in qr.ACCOUNT_TABLES}
    for name, rows in payload["rows"].items():
        taken = qr.existing_ids(session, by_name[name], [r["id"] for r in rows])
        if taken:
            raise LookupError(t("{table} #{id} was taken since", table=name, id=taken[0]))
    account.version += 1  # open forms see the change
    session.add(account)
    session.flush()
    for model in qr.ACCOUNT_TABLES:
        for row in payload["rows"].get(table_of(model).name, []):
            session.add(model(**typed_row(model, row)))
    session.flush()
    return account


def payload_size(payload: dict[str, Any]) -> int:
    return len(json.dumps(payload, default=str))


def parse_date_arg(text: str | None, what: str) -> date | None:
    """A date option of the CLI (YYYY-MM-DD), or None when not given."""
    if text is None or not text.strip():
        return None
    return parse_iso_date(text, field=what)
