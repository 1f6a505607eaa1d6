"""Query functions, one module per entity: the only place SQL is built.

Every function takes the session first and its options as keywords after, and returns
plain rows, ORM objects or plain values. The names below are the ones the old single
`db/queries.py` exported, kept importable from here while callers move to the entity
modules (`from db.queries import accounts as qa`)."""

from db.queries.accounts import (
    account_basics,
    account_dates,
    account_names,
    account_overview,
    accounts_named,
    get_account,
    owns_accounts,
    renewals_between,
    renewals_per_month,
)
from db.queries.common import AnyRow, owned_by
from db.queries.contacts import account_contacts
from db.queries.events import account_events, events_between
from db.queries.history import account_stage_changes, account_tier_changes
from db.queries.tables import count_rows
from db.queries.tasks import account_tasks, open_tasks_between, open_tasks_due
from db.queries.touchpoints import (
    account_touchpoints,
    contact_last_touch,
    planned_touchpoints,
    planned_touchpoints_between,
)

__all__ = [
    "AnyRow", "account_basics", "account_contacts", "account_dates", "account_events",
    "account_names", "account_overview", "account_stage_changes", "account_tasks",
    "account_tier_changes", "account_touchpoints", "accounts_named", "contact_last_touch",
    "count_rows", "events_between", "get_account", "open_tasks_between", "open_tasks_due",
    "owned_by", "owns_accounts", "planned_touchpoints", "planned_touchpoints_between",
    "renewals_between", "renewals_per_month",
]
