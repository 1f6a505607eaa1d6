"""csm-tui: the domain (tiers, lifecycle, SOP, touchpoints, events) and the shell."""

__version__ = "0.1.0"
