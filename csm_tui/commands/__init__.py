"""CLI subcommands, one module each. A module defines `register(subparsers, add_db)`
which adds its parser(s) and sets `handler` via `set_defaults`."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType


class CliError(Exception):
    """A mistake in what the user asked for; printed as one line, exit status 2."""


# Order here is the order in `csm --help`.
COMMAND_MODULES: tuple[str, ...] = (
    "seed",
    "database",
    "transfer",
    "followups",
    "daily",
    "tiers",
    "tasks",
    "undo",
    "rates",
    "agenda",
    "book",
    "people",
    "records",
    "search",
)


def load_command(name: str) -> ModuleType:
    return import_module(f"csm_tui.commands.{name}")
