"""Notes on an account: multi-line, dated, in the timeline, the brief and the search.
Each call is one transaction under the account's row lock with its change-log entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from csm_tui.changelog import record
from csm_tui.i18n import t
from db.models import Note, utcnow

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.store import Store

MAX_CHARS = 20_000


@dataclass(frozen=True)
class NoteSaved:
    note_id: int
    account_id: int
    on_date: date


def _text(text: str) -> str:
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    cleaned = cleaned.strip("\n")
    if not cleaned.strip():
        raise ValueError(t("note: empty — what is worth remembering?"))
    if len(cleaned) > MAX_CHARS:
        raise ValueError(t("note: {n} characters is more than {max}", n=len(cleaned),
                           max=MAX_CHARS))
    return cleaned


def _note(session: Session, note_id: int) -> Note:
    note = session.get(Note, note_id)
    if note is None:
        raise LookupError(t("note #{id} no longer exists (deleted by someone else?); nothing "
                            "was saved", id=note_id))
    return note


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:60]


def add_note(store: Store, account_id: int, text: str, *, on_date: date, author: str
             ) -> NoteSaved:
    from csm_tui.followup import locked_account

    body = _text(text)
    with store.transaction() as session:
        account = locked_account(session, account_id)
        note = Note(account_id=account_id, on_date=on_date, text=body, author=author)
        session.add(note)
        session.flush()
        record(session, action="note.add", entity="note", entity_id=note.id,
               summary=f"Note on {account.name}: {_first_line(body)}",
               payload={"account_id": account_id})
        return NoteSaved(note.id or 0, account_id, on_date)


def edit_note(store: Store, note_id: int, *, text: str | None = None,
              on_date: date | None = None) -> NoteSaved:
    from csm_tui.followup import locked_account

    body = _text(text) if text is not None else None
    with store.transaction() as session:
        account = locked_account(session, _note(session, note_id).account_id)
        note = _note(session, note_id)
        session.refresh(note)
        before: dict[str, object] = {}
        if body is not None and body != note.text:
            before["text"] = note.text
            note.text = body
        if on_date is not None and on_date != note.on_date:
            before["on_date"] = note.on_date.isoformat()
            note.on_date = on_date
        if before:
            note.updated_at = utcnow()
            record(session, action="note.edit", entity="note", entity_id=note_id,
                   summary=f"Edited a note on {account.name}: {_first_line(note.text)}",
                   payload={"account_id": account.id, "before": before,
                            "after": {"text": note.text, "on_date": note.on_date.isoformat()}})
        return NoteSaved(note_id, note.account_id, note.on_date)


def delete_note(store: Store, note_id: int) -> NoteSaved:
    from csm_tui.book import row_of
    from csm_tui.followup import locked_account

    with store.transaction() as session:
        account = locked_account(session, _note(session, note_id).account_id)
        note = _note(session, note_id)
        record(session, action="note.delete", entity="note", entity_id=note_id,
               summary=f"Deleted a note on {account.name}: {_first_line(note.text)}",
               payload={"account_id": account.id, "note": row_of(note)})
        saved = NoteSaved(note_id, note.account_id, note.on_date)
        session.delete(note)
        return saved
