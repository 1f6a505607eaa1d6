"""The one pattern for data on screen: a thread worker loads plain data through
the domain functions, then the screen renders it on the UI thread.

Screens reload when they become current again (switching back with 1-5), so a
write made in another instance or by the CLI shows up without a restart.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from db.store import Store


class DataScreen(Screen):
    """A screen whose content comes from the store."""

    @property
    def csm(self) -> CsmApp:
        return self.app  # type: ignore[return-value]

    def fetch(self, store: Store, today: date) -> Any:
        """Runs in a worker thread: read what the screen needs and return plain data."""
        raise NotImplementedError

    def show(self, data: Any) -> None:
        """Runs on the UI thread with what `fetch` returned."""
        raise NotImplementedError

    _shown_at: tuple[object, float] | None = None

    def on_screen_resume(self) -> None:
        """Coming back to a screen reloads it, unless it was filled a moment ago and
        nothing was written since, here or by another instance on the same file
        (Textual may resume a screen twice when it opens)."""
        import time

        if self._shown_at is not None:
            generation, when = self._shown_at
            if generation == self.csm.store.generation and time.monotonic() - when < 2:
                return
        self._shown_at = (self.csm.store.generation, time.monotonic())
        self.reload()

    def reload(self) -> None:
        data = self.csm.take_prefetched(type(self))
        if data is not None:  # loaded in the background while the user was elsewhere
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
            data = self.fetch(self.csm.store, self.csm.today())
        except Exception as exc:  # shown to the user, never a traceback
            self.app.call_from_thread(self.csm.report_error, exc)
            return
        self.app.call_from_thread(self.show, data)
