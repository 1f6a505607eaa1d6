"""What an import reports about the accounts it wrote: their stages and contract ends."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Account
from db.queries.common import AnyRow, active, among


def stage_counts(session: Session, account_ids: Sequence[int] | None) -> Sequence[AnyRow]:
    """(stage, accounts) over these accounts (None: every one)."""
    stmt = select(col(Account.stage), func.count()).group_by(col(Account.stage))
    return session.execute(among(stmt, col(Account.id), account_ids)).all()


def renewals_passed(session: Session, account_ids: Sequence[int] | None, *, today: date
                    ) -> int:
    """How many of these accounts are in renewal with their contract end behind them."""
    stmt = select(func.count()).where(active(), col(Account.stage) == "renewal",
                                      col(Account.contract_end) < today)
    return int(session.execute(among(stmt, col(Account.id), account_ids)).scalar_one())


def tier_counts(session: Session) -> Sequence[AnyRow]:
    """(tier, locked, accounts) over active accounts: the tiers after scoring."""
    stmt = (select(col(Account.tier), col(Account.tier_locked), func.count())
            .where(active()).group_by(col(Account.tier), col(Account.tier_locked)))
    return session.execute(stmt).all()


# ---- the import's key index: a temporary table, so memory stays flat ------------------
# Keys the accounts import matches and de-duplicates by (external ids, normalised names,
# the rows of the file seen so far) live in a temporary table of the import's own
# connection instead of Python dicts: a million-row file costs disk pages, not memory.
# SQLite keeps temporary tables in an unlinked file (nothing is left behind, even after
# SIGKILL); PostgreSQL drops the table at the end of the transaction.

KEYS = "csm_import_keys"


def open_key_index(session: Session) -> None:
    """Create (or empty) the key index for this session's import."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {KEYS} "
                                   "(key TEXT PRIMARY KEY, value BIGINT NOT NULL) "
                                   "ON COMMIT DROP")
    else:
        connection.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {KEYS} "
                                   "(key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    connection.exec_driver_sql(f"DELETE FROM {KEYS}")


def close_key_index(session: Session) -> None:
    """Drop the key index (SQLite keeps temporary tables for the connection's life)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{KEYS}")


def add_keys(session: Session, pairs: Sequence[tuple[str, int]]) -> None:
    """Add (key, value) pairs; a key already there keeps its first value."""
    if not pairs:
        return
    connection = session.connection()
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    connection.exec_driver_sql(
        f"INSERT INTO {KEYS} (key, value) VALUES ({mark}, {mark}) ON CONFLICT DO NOTHING",
        list(pairs))


def find_keys(session: Session, keys: Sequence[str]) -> dict[str, int]:
    """The values of those of `keys` that are in the index."""
    out: dict[str, int] = {}
    connection = session.connection()
    mark = "%s" if connection.dialect.name == "postgresql" else "?"
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 5000):
        part = unique[start:start + 5000]
        marks = ", ".join(mark for _ in part)
        rows = connection.exec_driver_sql(
            f"SELECT key, value FROM {KEYS} WHERE key IN ({marks})", tuple(part))
        out.update((key, int(value)) for key, value in rows)
    return out


def account_count(session: Session) -> int:
    """Every account row (an import that touched them all asks the first-day rules
    about the whole book instead of listing a million ids)."""
    return int(session.execute(select(func.count()).select_from(Account)).scalar_one())


def account_ref_batches(session: Session, *, batch: int = 5000
                        ) -> Iterator[Sequence[AnyRow]]:
    """(id, name, external_id) of every account, archived too, by id, in batches: how
    an import file may name an account it updates."""
    stmt = (select(col(Account.id), col(Account.name), col(Account.external_id))
            .order_by(col(Account.id)).execution_options(yield_per=batch))
    yield from session.execute(stmt).partitions(batch)


def scoring_row_batches(session: Session, *, batch: int = 5000
                        ) -> Iterator[Sequence[AnyRow]]:
    """The scoring factors of every active account not churned, by id, in batches:
    id, arr_minor, on_time_payment, profit_margin, growth_potential, influence,
    referrals, engagement, tier, tier_locked, currency."""
    stmt = (select(col(Account.id), col(Account.arr_minor), col(Account.on_time_payment),
                   col(Account.profit_margin), col(Account.growth_potential),
                   col(Account.influence), col(Account.referrals), col(Account.engagement),
                   col(Account.tier), col(Account.tier_locked), col(Account.currency))
            .where(active(), col(Account.stage) != "churned")
            .order_by(col(Account.id)).execution_options(yield_per=batch))
    yield from session.execute(stmt).partitions(batch)
