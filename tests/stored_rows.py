"""The stored account state and a fresh whole-book recompute, as comparable rows: what
the tests that hold "the stored value is what a full recompute gives" compare."""

from __future__ import annotations

from datetime import date
from typing import Any

from csm_tui.stored import compute_states
from db.queries.state import STATE_KEYS, state_rows
from db.store import Store


def stored(store: Store) -> list[tuple[Any, ...]]:
    """Every stored row, by account id."""
    with store.session() as s:
        return [tuple(getattr(r, k) for k in STATE_KEYS) for r in state_rows(s)]


def recomputed(store: Store, day: date) -> list[tuple[Any, ...]]:
    """What a full recompute for `day` gives, name keys made afresh, by account id."""
    with store.session() as s:
        rows = sorted(compute_states(s, day, fresh_keys=True), key=lambda r: r["account_id"])
    return [tuple(r[k] for k in STATE_KEYS) for r in rows]
