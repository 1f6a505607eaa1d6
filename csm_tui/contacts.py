"""The decision chain by hand: a stakeholder added, corrected or removed. Each call is
one transaction under the account's row lock, with its change-log entry (undo puts the
old values, or the removed stakeholder and the touches that named them, back).

Bad input is refused naming the field: an unknown role or level, an email that is not
one, a phone with letters, a name the account has already."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from csm_tui.changelog import record
from csm_tui.i18n import label, t
from csm_tui.search import remember_names
from db.models import Contact
from db.queries import rows as qr
from db.queries.contacts import account_contacts
from db.vocab import CONTACT_LEVELS, CONTACT_ROLES

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

FIELDS = ("name", "role", "level", "title", "email", "phone", "notes")
EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]{2,}$")
PHONE = re.compile(r"^[0-9+()\-.\s/#x]*$")
ROLE_WORDS = {"decision maker": "decision_maker", "decision-maker": "decision_maker",
              "dm": "decision_maker"}


@dataclass(frozen=True)
class ContactSaved:
    contact_id: int
    account_id: int
    name: str


def _word(text: str, allowed: tuple[str, ...], kind: str, field: str) -> str:
    """A role or level as typed: its stored key, or its name in either language."""
    key = text.strip().lower().replace(" ", "_") if text.strip() else ""
    key = ROLE_WORDS.get(text.strip().lower(), key)
    if key in allowed:
        return key
    for value in allowed:
        if text.strip() in (label(kind, value), value):
            return value
    raise ValueError(t("{field}: {text!r} is not one of {value}", field=field, text=text,
                       value=", ".join(allowed)))


def checked(values: dict[str, str]) -> dict[str, str]:
    """The fields given, cleaned and checked (ValueError names the first bad one)."""
    out: dict[str, str] = {}
    for key, raw in values.items():
        if key not in FIELDS:
            raise ValueError(t("{field}: not a stakeholder field", field=key))
        text = raw.strip() if key != "notes" else raw.strip("\n ")
        if key == "name":
            text = " ".join(text.split())
            if not text:
                raise ValueError(t("name: required"))
        elif key == "role":
            text = _word(text, CONTACT_ROLES, "role", "role")
        elif key == "level":
            text = _word(text, CONTACT_LEVELS, "level", "level")
        elif key == "email" and text and not EMAIL.match(text):
            raise ValueError(t("email: {text!r} is not an email address", text=text))
        elif key == "phone" and text and (not PHONE.match(text)
                                         or sum(c.isdigit() for c in text) < 3):
            raise ValueError(t("phone: {text!r} is not a phone number", text=text))
        out[key] = text
    return out


def _locked(session: Session, account_id: int) -> Any:
    from csm_tui.followup import locked_account

    return locked_account(session, account_id)


def _same_name(session: Session, account_id: int, name: str, other_than: int | None
               ) -> Contact | None:
    from csm_tui.book import fold_name

    return next((c for c in account_contacts(session, account_id)
                 if c.id != other_than and fold_name(c.name) == fold_name(name)), None)


def add_contact(store: Store, account_id: int, values: dict[str, str]) -> ContactSaved:
    """A new stakeholder of the account (name, role and level required)."""
    clean = checked({"role": "user", "level": "staff", **values})
    if "name" not in clean:
        raise ValueError(t("name: required"))
    with store.transaction() as session:
        account = _locked(session, account_id)
        twin = _same_name(session, account_id, clean["name"], None)
        if twin is not None:
            raise ValueError(t("name: {name} is a stakeholder of {account} already (#{id})",
                               name=twin.name, account=account.name, id=twin.id))
        fields: dict[str, Any] = dict(clean)
        contact = Contact(account_id=account_id, **fields)
        session.add(contact)
        session.flush()
        remember_names(session, [contact.name])
        record(session, action="contact.add", entity="contact", entity_id=contact.id,
               summary=f"Added {contact.name} ({contact.role}) to {account.name}",
               payload={"account_id": account_id})
        return ContactSaved(contact.id or 0, account_id, contact.name)


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise LookupError(t("stakeholder #{id} no longer exists (deleted by someone else?); "
                            "nothing was saved", id=contact_id))
    return contact


def edit_contact(store: Store, contact_id: int, values: dict[str, str]) -> ContactSaved:
    """Correct a stakeholder: only the fields given change."""
    clean = checked(values)
    with store.transaction() as session:
        account_id = _contact(session, contact_id).account_id
        account = _locked(session, account_id)
        contact = _contact(session, contact_id)
        session.refresh(contact)
        if "name" in clean and _same_name(session, account_id, clean["name"], contact_id):
            raise ValueError(t("name: {name} is a stakeholder of {account} already",
                               name=clean["name"], account=account.name))
        before = {k: getattr(contact, k) for k in clean if getattr(contact, k) != clean[k]}
        if not before:
            session.rollback()
            return ContactSaved(contact_id, account_id, contact.name)
        for key in before:
            setattr(contact, key, clean[key])
        if "name" in before:
            remember_names(session, [contact.name])
        record(session, action="contact.edit", entity="contact", entity_id=contact_id,
               summary=f"Edited {contact.name} of {account.name}: {', '.join(before)}",
               payload={"account_id": account_id, "before": before,
                        "after": {k: clean[k] for k in before}})
        return ContactSaved(contact_id, account_id, contact.name)


def remove_contact(store: Store, contact_id: int) -> ContactSaved:
    """Remove a stakeholder; the touches that named them stay, without a name."""
    from csm_tui.book import row_of

    with store.transaction() as session:
        account_id = _contact(session, contact_id).account_id
        account = _locked(session, account_id)
        contact = _contact(session, contact_id)
        touches = qr.touch_ids_of_contact(session, contact_id)
        record(session, action="contact.remove", entity="contact", entity_id=contact_id,
               summary=f"Removed {contact.name} from {account.name}",
               payload={"account_id": account_id, "contact": row_of(contact),
                        "touches": touches})
        for tp in qr.touches_by_ids(session, touches):
            tp.contact_id = None
        session.flush()
        session.delete(contact)
        return ContactSaved(contact_id, account_id, contact.name)


def find_contact(session: Session, account_id: int, ref: str) -> Contact:
    """A stakeholder of the account by id or name (exact, else case- and width-folded,
    else a unique pinyin or part match); LookupError naming the candidates."""
    from csm_tui.book import fold_name
    from csm_tui.namesearch import build_index, key_matches

    contacts = list(account_contacts(session, account_id))
    ref = ref.strip()
    if ref.lstrip("#").isdigit():
        found = [c for c in contacts if c.id == int(ref.lstrip("#"))]
        if found:
            return found[0]
    for found in ([c for c in contacts if c.name == ref],
                  [c for c in contacts if fold_name(c.name) == fold_name(ref)]):
        if len(found) == 1:
            return found[0]
    index = build_index([(c.id or 0, c.name) for c in contacts])
    ids: set[int | None] = {e.id for e in key_matches(index, ref)} or {
        c.id for c in contacts if fold_name(ref) in fold_name(c.name)}
    found = [c for c in contacts if c.id in ids]
    if len(found) == 1:
        return found[0]
    names = t(", ").join(f"{c.name} (#{c.id})" for c in (found or contacts)[:8])
    if found:
        raise LookupError(t("stakeholder {ref!r} is ambiguous: {names}", ref=ref, names=names))
    raise LookupError(t("stakeholder {ref!r} not found; the account has: {names}", ref=ref,
                        names=names or t("no stakeholders")))
