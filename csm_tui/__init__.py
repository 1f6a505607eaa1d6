"""csm-tui: the domain (tiers, lifecycle, SOP, touchpoints, events) and the shell."""

__version__ = "0.1.0"


def _recompute(session: object, account_ids: set[int] | None) -> None:
    """The derived state's recompute, loaded when a write first commits."""
    from csm_tui.stored import recompute

    recompute(session, account_ids)  # type: ignore[arg-type]


def _register() -> None:
    from db.registry import register_recompute

    register_recompute(_recompute)


_register()
