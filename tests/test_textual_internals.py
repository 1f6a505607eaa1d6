"""The private Textual attributes `screens/textual_internals.py` relies on are still
there and still mean what we use them for: this fails on a Textual release that
changes them, before users see a stale style or a switch that redraws everything."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widgets import Label

from screens.textual_internals import LineView, css_generation, mark_screen_styled


class _Tiny(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("x")


async def test_the_css_counters_exist_and_count() -> None:
    app = _Tiny()
    async with app.run_test() as pilot:
        before = css_generation(app)
        assert isinstance(before, int)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert css_generation(app) > before  # a theme change moves the counter
        screen = Screen()
        assert screen._css_update_count == -1  # a new screen starts "never styled"
        mark_screen_styled(screen, app)
        assert screen._css_update_count == css_generation(app)


def test_scroll_view_size_hook_keeps_its_signature() -> None:
    params = list(inspect.signature(ScrollView._size_updated).parameters)
    assert params == ["self", "size", "virtual_size", "container_size", "layout"]
    assert LineView._size_updated is not ScrollView._size_updated


# What a screen or widget of ours may define that Textual's classes also have: the
# documented hooks. Anything else with a Textual name shadows Textual (a property named
# `is_current` on a screen once stopped the first paint until data arrived).
HOOKS = {"BINDINGS", "TITLE", "SUB_TITLE", "DEFAULT_CSS", "COMPONENT_CLASSES", "AUTO_FOCUS",
         "compose", "on_mount", "render", "render_line", "notify_style_update",
         "can_focus", "can_focus_children", "check_action"}
MADE_BY_TEXTUAL = {"_computes", "_css_type_name", "_css_type_names", "_decorated_handlers",
                   "_inherit_bindings", "_inherit_component_classes", "_inherit_css",
                   "_merged_bindings", "_reactives"}


def test_our_screens_and_widgets_shadow_nothing_of_textual() -> None:
    import importlib
    import pkgutil

    from textual.screen import ModalScreen
    from textual.widget import Widget

    import screens

    textual_names = set(dir(ModalScreen)) | set(dir(ScrollView))
    clashes = {}
    for module in pkgutil.iter_modules(screens.__path__):
        mod = importlib.import_module(f"screens.{module.name}")
        for cls in vars(mod).values():
            if not (isinstance(cls, type) and issubclass(cls, Widget)
                    and cls.__module__ == mod.__name__):
                continue
            own = {n for n in vars(cls) if not (n.startswith("__") and n.endswith("__"))}
            bad = own & textual_names - HOOKS - MADE_BY_TEXTUAL
            if cls is LineView:
                bad -= {"_size_updated"}  # the pinned workaround above
            if bad:
                clashes[f"{mod.__name__}.{cls.__name__}"] = sorted(bad)
    assert clashes == {}
