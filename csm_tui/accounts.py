"""Finding accounts the way a user names them on the command line: an id, an exact
name, or a unique case-, width- and pinyin-insensitive match (the palette's matcher,
`csm_tui.namesearch`). An ambiguous or unknown name is refused with the closest
candidates, so the user can retype it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csm_tui.i18n import t
from db.queries.accounts import account_names, accounts_named, get_account

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import Account

CANDIDATES = 5


class AccountNotFound(LookupError):
    """No account, or more than one, answers to what the user typed."""


def _listed(entries: list[tuple[int, str]]) -> str:
    return t(", ").join(f"{name} (#{ident})" for ident, name in entries[:CANDIDATES])


def find_account(session: Session, ref: str) -> Account:
    """Resolve ACCOUNT, in this order: an exact name; a number as an id; one name equal
    up to case, width and spaces or by its pinyin (or pinyin initials); one name that
    starts with or contains what was typed. Two or more at the first step that finds
    any: ambiguous. Raises AccountNotFound listing the closest names."""
    from csm_tui.namesearch import build_index, key_matches, search

    ref = ref.strip()
    if not ref:
        raise AccountNotFound(t("account: empty (give its id or name)"))
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
    index = build_index(account_names(session))
    for found in (key_matches(index, ref),
                  [e for score, e in search(index, ref, limit=50) if score >= 0.8]):
        if len(found) == 1:
            account = get_account(session, found[0].id)
            assert account is not None
            return account
        if len(found) > 1:
            raise AccountNotFound(t("account {ref!r} is ambiguous: {candidates}; give more "
                                    "of the name or the id", ref=ref,
                                    candidates=_listed([(e.id, e.name) for e in found])))
    close = [(e.id, e.name) for _score, e in search(index, ref, limit=CANDIDATES)]
    if close:
        raise AccountNotFound(t("account {ref!r} not found; closest: {candidates}", ref=ref,
                                candidates=_listed(close)))
    raise AccountNotFound(t("account {ref!r} not found (give its id or exact name)", ref=ref))
