"""Helpers the subcommands share: opening the store, finding an account.

Nothing heavy is imported here at module level: every command module imports this one,
and `csm --help`, `csm --version` and an argument error build the whole parser without
ever loading SQLAlchemy (the handlers load the database layer when they run)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from csm_tui.commands import CliError

if TYPE_CHECKING:
    from db.models import Account
    from db.store import Store


def store_from(args: argparse.Namespace) -> Store:
    from csm_tui.paths import default_db
    from db.store import open_store

    return open_store(getattr(args, "db", None) or default_db())


def account_arg(store: Store, ref: str) -> Account:
    """ACCOUNT by id or exact name, or a CliError that says which and why."""
    from csm_tui.accounts import AccountNotFound, find_account

    with store.session() as session:
        try:
            return find_account(session, ref)
        except AccountNotFound as exc:
            raise CliError(str(exc)) from None
