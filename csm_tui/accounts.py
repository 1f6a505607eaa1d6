"""Finding accounts the way a user names them: by id or by exact name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csm_tui.i18n import t
from db.queries.accounts import accounts_named, get_account

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import Account


class AccountNotFound(LookupError):
    """No account, or more than one, answers to what the user typed."""


def find_account(session: Session, ref: str) -> Account:
    """Resolve ACCOUNT: an exact name wins; otherwise a number is tried as an id."""
    ref = ref.strip()
    matches = accounts_named(session, ref)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        ids = ", ".join(str(a.id) for a in matches)
        raise AccountNotFound(t("account {ref!r} is ambiguous: ids {ids}; use the id",
                                ref=ref, ids=ids))
    if ref.isdigit():
        account = get_account(session, int(ref))
        if account is not None:
            return account
    raise AccountNotFound(t("account {ref!r} not found (give its id or exact name)", ref=ref))
