"""Old home of the per-account aggregates, kept so that `from db import
activity_queries` still works; the functions live in `db.queries.activity`."""

from db.queries.activity import (  # noqa: F401  (re-exported)
    contact_counts,
    earliest_planned,
    health_inputs,
    last_done_touch,
    last_touch_by_role,
    overdue_task_counts,
)
