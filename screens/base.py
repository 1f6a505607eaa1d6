"""The one pattern for data on screen (DESIGN.md, "The data path"):

`reload()` starts a thread worker that calls `load(services, key, request)`; the worker
posts `DataScreen.Loaded(token, key, request, view)`; the handler drops it unless it
answers the newest request, shows it, and posts `DataScreen.Ready` (the app starts its
prefetch on Today's first one; tests wait for it instead of polling).

A screen reloads when its view key (data version, day, mine/team) or its own request
(a filter, a month) moved on: at once when it is the current screen and the app posts
`DataChanged`, otherwise when it is shown again. Coming back to a screen whose key is
unchanged costs nothing, while a worker asks the database whether another instance
or the CLI wrote meanwhile.
"""

from __future__ import annotations

from collections.abc import Hashable
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual import events, on
from textual.message import Message
from textual.screen import ModalScreen, Screen

from csm_tui.i18n import t
from csm_tui.layer import load_database_layer
from screens.textual_internals import css_generation, mark_screen_styled

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.services import Services, ViewKey

V = TypeVar("V")
R = TypeVar("R")


class CsmModal(ModalScreen[R]):
    """A dialog of the csm app: reads and writes go through `csm.background` and
    `csm.write`, like the screens'."""

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)


class DataScreen(Screen[None], Generic[V]):
    """A screen whose content is a view loaded through the services."""

    class Loaded(Message, bubble=False):
        """A view arrived from the load worker (only the newest request is shown)."""

        def __init__(self, token: int, key: ViewKey, request: Hashable, view: Any) -> None:
            super().__init__()
            self.token, self.key, self.request, self.view = token, key, request, view

    class Ready(Message):
        """The screen shows its view for `key`: the app and the tests wait for this."""

        def __init__(self, screen: DataScreen[Any], key: ViewKey) -> None:
            super().__init__()
            self.screen, self.key = screen, key

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with suppress(RuntimeError):  # built outside a running app: no app to ask
            mark_screen_styled(self, self.app)
        if self.TITLE:  # the header shows the screen's name in the interface language
            self.title = t(self.TITLE)
        self._requested = 0  # token of the newest load asked for
        self._requested_version = -1
        self._requested_for: Hashable = None
        self._shown_token = 0
        self._shown_key: ViewKey | None = None
        self._shown_request: Hashable = None
        self._styled_for: tuple[int, object] | None = None

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    @property
    def services(self) -> Services:
        return self.csm.services

    # ---- what a screen defines ---------------------------------------------------
    def request(self) -> Hashable:
        """What besides the view key the load depends on (a filter, a month), taken on
        the UI thread when the load starts."""
        return None

    def load(self, services: Services, key: ViewKey, request: Any) -> V:
        """Runs in a worker thread: read what the screen needs, return a plain view."""
        raise NotImplementedError

    def show(self, view: V) -> None:
        """Runs on the UI thread with what `load` returned."""
        raise NotImplementedError

    # ---- the path ------------------------------------------------------------------
    def reload(self) -> None:
        """Load and show the screen's data now (after a write, the refresh key)."""
        self._requested += 1
        self._requested_version = self.services.version
        self._requested_for = self.request()
        self.csm.background(partial(self._load_in_worker, self._requested,
                                    self._requested_for),
                            group="load", failed=self._load_failed, needs_database=False)

    def needs_database(self, services: Services, key: ViewKey) -> bool:
        """Whether this load reads the database (and so must load its layer first)."""
        return True

    def _load_in_worker(self, token: int, request: Hashable) -> None:
        services = self.services
        key = services.view_key()  # before reading: a write meanwhile makes it stale
        if self.needs_database(services, key):
            load_database_layer()  # one thread imports it (csm_tui/layer.py)
        self.post_message(self.Loaded(token, key, request, self.load(services, key, request)))

    def _load_failed(self, message: str) -> None:
        self._shown_token = self._requested  # nothing on its way any more
        self.csm.show_error(message)

    @on(Loaded)
    def _loaded(self, message: DataScreen.Loaded) -> None:
        if message.token != self._requested:
            return  # answers an older request; the newest is on its way
        self._shown_token = message.token
        self._shown_key, self._shown_request = message.key, message.request
        self.show(message.view)
        self.post_message(self.Ready(self, message.key))

    @property
    def is_up_to_date(self) -> bool:
        """Whether what is on screen answers the current key and request."""
        key = self.services.current_key()
        return (key is not None and key == self._shown_key
                and self.request() == self._shown_request)

    def refresh_if_stale(self) -> None:
        """Reload unless the screen is current or an up-to-date load is on its way."""
        loading = self._requested > self._shown_token
        if (loading and self._requested_version == self.services.version
                and self._requested_for == self.request()):
            return  # the load on its way answers the current key and request
        if not self.is_up_to_date:
            self.reload()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen each time it becomes current in case
        # the app's CSS (a theme) changed: most of a switch's cost. Skip it when neither
        # the CSS nor the size changed since this screen was last styled.
        styled_for = (css_generation(self.app), self.app.size)
        if styled_for == self._styled_for:
            event.refresh_styles = False
        self._styled_for = styled_for
        if self.is_up_to_date:
            self.csm.check_external()  # only the database knows of other writers
        else:
            self.refresh_if_stale()
