"""Whose accounts a view shows: "mine" (the current user's, by Account.owner) or the
whole "team". Mine is the default, unless the user owns no account at all (a solo
user, demo data, owners left blank): then the team view, so nobody sees an empty app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from csm_tui.i18n import t

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Scope:
    user: str
    mine: bool

    @property
    def owner(self) -> str | None:
        """The owner filter the query functions take: None means everyone's."""
        return self.user if self.mine else None

    @property
    def label(self) -> str:
        return t("mine: {user}", user=self.user) if self.mine else t("team")

    def toggled(self) -> Scope:
        return Scope(self.user, not self.mine)


def default_scope(session: Session, user: str, *, team: bool = False) -> Scope:
    """Mine if the user owns an active account (and team was not asked for)."""
    from db.queries.accounts import owns_accounts

    return Scope(user, not team and owns_accounts(session, user))
