"""Textual bindings built from the one key map (`csm_tui.keymap`)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from csm_tui.keymap import KEYMAP


def bindings(group: str) -> list[BindingType]:
    """The bindings of one screen or widget, with the ids users remap in ui.toml."""
    return [Binding(k.keys, k.action, k.description, show=k.show, id=k.id,
                    priority=k.priority) for k in KEYMAP[group]]
