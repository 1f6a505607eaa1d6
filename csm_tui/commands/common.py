"""Helpers the subcommands share: opening the store, finding an account."""

from __future__ import annotations

import argparse

from csm_tui.accounts import AccountNotFound, find_account
from csm_tui.commands import CliError
from db.models import Account
from db.store import Store, open_store


def store_from(args: argparse.Namespace) -> Store:
    from csm_tui.paths import default_db

    return open_store(getattr(args, "db", None) or default_db())


def account_arg(store: Store, ref: str) -> Account:
    """ACCOUNT by id or exact name, or a CliError that says which and why."""
    with store.session() as session:
        try:
            return find_account(session, ref)
        except AccountNotFound as exc:
            raise CliError(str(exc)) from None
