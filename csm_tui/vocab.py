"""The app's vocabulary (tiers, stages, channels, roles...), for the screens, which do
not import the database layer: the values are defined once, in `db.vocab`."""

from db.vocab import (
    CHANNELS,
    CONTACT_LEVELS,
    CONTACT_ROLES,
    DEAL_STAGES,
    EVENT_KINDS,
    EVENT_SCOPES,
    OUTCOMES,
    STAGES,
    TIERS,
    TOUCHPOINT_STATUSES,
)

__all__ = ["CHANNELS", "CONTACT_LEVELS", "CONTACT_ROLES", "DEAL_STAGES", "EVENT_KINDS",
           "EVENT_SCOPES", "OUTCOMES", "STAGES", "TIERS", "TOUCHPOINT_STATUSES"]
