"""The one pattern for data on screen: a thread worker loads plain data through
the domain functions, then the screen renders it on the UI thread.

Screens reload when they become current again (switching back with 1-5), so a
write made in another instance or by the CLI shows up without a restart.
"""

from __future__ import annotations

import time
from contextlib import suppress
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events
from textual._context import active_app
from textual.screen import Screen

from csm_tui.i18n import t

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from db.store import Store


class DataScreen(Screen):
    """A screen whose content comes from the store."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every style sheet is loaded when the app starts, and a new screen's widgets
        # are styled as they mount. Textual would still re-parse and re-apply the whole
        # app's CSS twice on a mode's first visit because a new screen's CSS counter
        # starts at -1; marking the screen current skips that (~100 ms per screen).
        with suppress(LookupError):  # LookupError: built outside a running app
            self._css_update_count = active_app.get()._css_update_count
        if self.TITLE:  # the header shows the screen's name in the interface language
            self.title = t(self.TITLE)

    _styled_for: tuple[int, object] | None = None

    @property
    def csm(self) -> CsmApp:
        return self.app  # type: ignore[return-value]

    def fetch(self, store: Store, today: date) -> Any:
        """Runs in a worker thread: read what the screen needs and return plain data."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Runs on the UI thread with what `fetch` returned."""
        raise NotImplementedError

    _seen: tuple[Any, ...] | None = None  # `CsmApp.view_version` of what is on screen
    _resumed_at = 0.0

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Coming back to a screen reloads it only if its view version changed since it
        was filled (data written here, in another instance or from the CLI; mine/team;
        the day): switching between screens stays instant on a big portfolio. Textual
        may resume a screen twice when it opens, hence the two-second guard."""
        # Textual (whose handler runs after this one) restyles every widget of a screen
        # each time it becomes current, in case the app's CSS (a theme) changed; that is
        # most of a switch's cost. Skip it when neither the CSS nor the size changed.
        styled_for = (self.app._css_update_count, self.app.size)
        if styled_for == self._styled_for:
            event.refresh_styles = False
        self._styled_for = styled_for

        now = time.monotonic()
        if self._seen is None:
            if now - self._resumed_at < 2:  # its first load is on its way
                return
            self._resumed_at = now
            self.reload()
            return
        if self.csm.view_changed(self._seen):
            self.reload()
        elif now - self._resumed_at >= 2:  # only the database can tell: ask it
            self._resumed_at = now
            self.run_worker(self._reload_if_changed, thread=True, exclusive=True,
                            group="load", exit_on_error=False)

    def _reload_if_changed(self) -> None:
        try:
            now = self.csm.view_version()
        except Exception as exc:  # shown to the user, never a traceback
            self.app.call_from_thread(self.csm.report_error, exc)
            return
        if now != self._seen:
            self.app.call_from_thread(self.reload)

    def accepts_prefetch(self) -> bool:
        """Whether what the app loaded ahead (`CsmApp.prefetch`) fits this screen now."""
        return True

    def reload(self) -> None:
        """Load and show the screen's data now (the refresh key, after a write)."""
        entry = self.csm.take_prefetched(type(self)) if self.accepts_prefetch() else None
        if entry is not None:  # loaded in the background while the user was elsewhere
            self._seen, data = entry
            self.show(data)
            return
        self.run_worker(self._load, thread=True, exclusive=True, group="load",
                        exit_on_error=False)

    def write_then_reload(self, fn: Any, *args: Any, **kw: Any) -> None:
        """Run one domain write (one transaction) in a worker, then reload; a failure
        becomes a message."""
        def work() -> None:
            try:
                fn(self.csm.store, *args, **kw)
            except Exception as exc:
                self.app.call_from_thread(self.csm.report_error, exc)
                return
            self.app.call_from_thread(self.reload)

        self.run_worker(work, thread=True, exit_on_error=False)

    def _load(self) -> None:
        try:
            seen = self.csm.view_version()  # before reading: never misses a change
            data = self.fetch(self.csm.store, seen[0])
        except Exception as exc:  # shown to the user, never a traceback
            self.app.call_from_thread(self.csm.report_error, exc)
            return
        self._seen = seen
        self.app.call_from_thread(self.show, data)
