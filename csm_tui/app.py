"""The Textual App: composition and navigation only; screens do the rest."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding

from csm_tui.changelog import current_user
from csm_tui.i18n import N_, short_day, t
from csm_tui.scope import Scope, default_scope
from screens.base import DataScreen

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.screen import Screen
    from textual.widget import AwaitMount

    from csm_tui.followup import LogResult
    from db.store import Store
    from screens.log_form import LogFollowUpScreen


# The first paint needs Textual and the Today screen only; the other screens, the
# palette and the database layer (SQLAlchemy) load afterwards, when first used.
def _today() -> Screen:
    from screens.today import TodayScreen

    return TodayScreen()


def _portfolio() -> Screen:
    from screens.portfolio import PortfolioScreen

    return PortfolioScreen()


def _lifecycle() -> Screen:
    from screens.lifecycle import LifecycleScreen

    return LifecycleScreen()


def _touchpoints() -> Screen:
    from screens.touchpoints import TouchpointsScreen

    return TouchpointsScreen()


def _calendar() -> Screen:
    from screens.calendar import CalendarScreen

    return CalendarScreen()


def _account_provider() -> type[Provider]:
    from screens.palette import AccountProvider

    return AccountProvider


def _action_provider() -> type[Provider]:
    from screens.palette import ActionProvider

    return ActionProvider


# Every screen's styles, loaded once at start: a stylesheet added when a screen first
# opens makes Textual restyle the whole app, which costs seconds on a large portfolio.
STYLES = sorted(str(p) for p in (Path(__file__).parent.parent / "screens").glob("*.tcss"))


def describe_key(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "escape": "esc", "enter": "enter"}
    return ",".join(names.get(k, k) for k in key.split(","))


class CsmApp(App[int]):
    """csm-tui: portfolio, lifecycle, touchpoints and calendar for one CSM."""

    TITLE = "csm"
    CSS_PATH = STYLES
    COMMANDS = App.COMMANDS | {_account_provider, _action_provider}
    MODES = {
        "today": _today,
        "portfolio": _portfolio,
        "lifecycle": _lifecycle,
        "touchpoints": _touchpoints,
        "calendar": _calendar,
    }
    DEFAULT_MODE = "today"
    # Screens get -narrow under 100 columns and -short under 30 rows (tighter layouts).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("1", "switch_mode('today')", N_("Today"), id="go.today", show=False),
        Binding("2", "switch_mode('portfolio')", N_("Portfolio"), id="go.portfolio", show=False),
        Binding("3", "switch_mode('lifecycle')", N_("Lifecycle"), id="go.lifecycle", show=False),
        Binding("4", "switch_mode('touchpoints')", N_("Touchpoints"), id="go.touchpoints",
                show=False),
        Binding("5", "switch_mode('calendar')", N_("Calendar"), id="go.calendar", show=False),
        Binding("I", "import_file", N_("Import"), id="app.import", show=False),
        Binding("u", "undo", N_("Undo last change"), id="app.undo", show=False),
        Binding("m", "toggle_scope", N_("Mine/team"), id="app.scope"),
        Binding("question_mark", "help", N_("Help"), id="app.help"),
        Binding("ctrl+t", "change_theme", N_("Change theme"), id="app.theme", show=False),
        Binding("q", "quit", N_("Quit"), id="app.quit", show=False),
    ]

    def __init__(self, store: Store | Callable[[], Store], *,
                 today: Callable[[], date] = date.today, user: str | None = None,
                 lang: str | None = None) -> None:
        """`store` may be a function that opens it: the CLI passes one so that the
        screen paints while the database layer loads and the file opens in a worker."""
        super().__init__()
        if lang is not None:
            from csm_tui.i18n import set_language

            set_language(lang)
        self._store: Store | None = None
        self._open_store: Callable[[], Store] | None = None
        self._store_ready = threading.Event()
        self.startup_error: BaseException | None = None
        if callable(store):
            self._open_store = store
        else:
            self._store = store
            self._store_ready.set()
        self.today = today
        self.user = user or current_user()
        self._scope: Scope | None = None  # decided from the data on the first load
        self._prefetched: dict[type, tuple[tuple[Any, ...], Any]] = {}
        self._prefetch_started = False
        self._log_form: LogFollowUpScreen | None = None
        self._modes_shown = {self.DEFAULT_MODE}
        self._instant_switch = False
        self._restore_theme()

    @property
    def store(self) -> Store:
        """The open store; workers started before it is open wait here for it."""
        if self._store is None:
            self._store_ready.wait()
            if self._store is None:  # opening failed: the app is exiting
                raise RuntimeError("the database could not be opened")
        return self._store

    @property
    def store_if_open(self) -> Store | None:
        """For the UI thread, which must never wait for the database."""
        return self._store

    def _open_in_background(self) -> None:
        opener = self._open_store
        assert opener is not None
        try:
            store = opener()
        except BaseException as exc:  # the CLI prints it as for any other command
            self.startup_error = exc
            self._store_ready.set()
            self.call_from_thread(self.exit, None, 2)
            return
        self._store = store
        self._store_ready.set()
        if store.backup_made:
            self.call_from_thread(self.notify, t(
                "upgraded the database schema; backup at {backup_made}",
                backup_made=store.backup_made), timeout=10)

    def _restore_theme(self) -> None:
        """The theme chosen last time (ui.toml in the config folder), if still known."""
        from csm_tui.ui_prefs import saved_theme

        name = saved_theme()
        if name and name in self.available_themes:
            self.theme = name

    def watch_theme(self, name: str) -> None:
        """Remember a theme picked with ctrl+t or the palette's "Change theme"."""
        from csm_tui.ui_prefs import remember_theme

        try:
            remember_theme(name)
        except OSError as exc:
            self.notify(t("theme not saved: {error}", error=exc), severity="warning")

    def prefetch(self) -> None:
        """After the first screen has its data, load the Portfolio and the kanban board
        in the background so that pressing 2 or 3 shows them at once; dropped if
        anything is written meanwhile (here or by another instance on the same file)."""
        if self._prefetch_started:
            return
        self._prefetch_started = True

        def run() -> None:
            from screens.lifecycle import LifecycleScreen
            from screens.portfolio import PortfolioScreen

            try:
                for screen_type in (PortfolioScreen, LifecycleScreen):
                    try:
                        version = self.view_version()
                        data = screen_type.load(self.store, version[0],
                                                owner=self.owner_filter())
                    except Exception:  # the screen's own load will report it
                        return
                    self._prefetched[screen_type] = (version, data)
            finally:
                self.call_from_thread(self.settle_memory)

        self.run_worker(run, thread=True, exit_on_error=False, group="prefetch")

    def switch_mode(self, mode: str) -> AwaitMount:
        """Textual holds every repaint for 50 ms on a mode switch to hide a screen being
        mounted; a screen already shown once is mounted and laid out, so going back to
        it paints at once (the switch budget is 50 ms in all)."""
        self._instant_switch = mode in self._modes_shown
        try:
            return super().switch_mode(mode)
        finally:
            self._instant_switch = False
            self._modes_shown.add(mode)

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._instant_switch:
            super().delay_update(delay)

    def settle_memory(self) -> None:
        """End of start-up for the `csm` command, which starts with the garbage collector
        off (`cli.run_tui`): what is in memory now (modules, the loaded screens) lives as
        long as the app, so it is frozen out of the collector's scans before turning it
        back on. At 10,000 accounts this cuts each full collection from ~200 ms, a
        visible stall every few seconds, to ~15 ms, and start-up runs no collections."""
        if gc.isenabled():  # an app made by a test or a script: leave its collector alone
            return
        gc.freeze()
        gc.enable()

    def owner_filter(self) -> str | None:
        """The owner the screens' loads filter on (None: the team's accounts). Runs in
        workers; the first call decides mine or team from the data."""
        if self._scope is None:
            with self.store.session() as session:
                self._scope = default_scope(session, self.user)
        return self._scope.owner

    def view_version(self) -> tuple[Any, ...]:
        """What every screen's content depends on: the day, mine or team, and the data
        (`Store.data_version`). A screen whose version is unchanged needs no reload.
        Runs in workers."""
        self.owner_filter()  # decides mine or team on first use
        return self.today(), self._scope, self.store.data_version()

    @property
    def scope_label(self) -> str:
        """For the screens' subtitles: "mine: alice" or "team"."""
        return self._scope.label if self._scope else t("team")

    def action_toggle_scope(self) -> None:
        """`m`: my portfolio ↔ the team's, on Today, Portfolio, Lifecycle, Touchpoints;
        the other screens see the new scope in their version when they are shown."""
        self._scope = (self._scope or Scope(self.user, False)).toggled()
        self.notify(t("Showing {scope}", scope=self._scope.label), timeout=3)
        self.refresh_current()

    def view_changed(self, version: tuple[Any, ...]) -> bool:
        """On the UI thread, without waiting for the database: whether a version taken
        earlier is out of date as far as can be told (day, scope, writes here or to the
        SQLite file); `Store.data_version` in a worker tells the rest."""
        today, scope, (generation, _newest) = version
        store = self._store
        return (store is None or today != self.today() or scope != self._scope
                or generation != store.generation)

    def take_prefetched(self, screen_type: type) -> tuple[tuple[Any, ...], Any] | None:
        """(view version, data) loaded ahead for a screen, if nothing changed since."""
        entry = self._prefetched.pop(screen_type, None)
        if entry is None or self.view_changed(entry[0]):
            return None
        return entry

    def on_mount(self) -> None:
        self.set_timer(20, self.settle_memory)  # in case the start-up never completes
        if self._open_store is not None:
            self.run_worker(self._open_in_background, thread=True, exit_on_error=False,
                            group="open")
        self.run_worker(self._auto_apply, thread=True, exit_on_error=False)

    def _auto_apply(self) -> None:
        """Setting lifecycle.auto_apply: date-driven stage moves happen by themselves."""
        from csm_tui.lifecycle import apply_suggestions
        from csm_tui.settings import current_settings

        if not current_settings().extra.get("lifecycle", {}).get("auto_apply"):
            return

        moved = apply_suggestions(self.store, self.today())
        if moved:
            self.call_from_thread(self.notify,
                                  t("{n} date-driven stage moves applied", n=len(moved)))
            self.call_from_thread(self.refresh_current)

    def report_error(self, exc: BaseException) -> None:
        """One place that turns a failed load or save into a message, never a traceback."""
        from csm_tui.errors import describe_error

        self.notify(describe_error(exc, self.store.url), title=t("Error"), severity="error",
                    timeout=8)

    def refresh_current(self) -> None:
        """Reload what the current screen shows (after a write made from a modal)."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, DataScreen):
                screen.reload()
                return

    def open_log_form(self, account_id: int, touchpoint_id: int | None = None) -> None:
        """`l` everywhere: log a follow-up for an account (closing a planned touchpoint)."""
        from screens.log_form import LogFollowUpScreen

        def saved(result: LogResult | None) -> None:
            if result is None:
                return
            if result.next_date:
                self.notify(t("Follow-up saved; next on {day}", day=short_day(result.next_date)),
                            title=t("Logged"))
            else:
                self.notify(t("Follow-up saved"), title=t("Logged"))
            self.refresh_current()

        form = self._log_form
        if form is None:  # one form, kept installed: showing it again is cheap
            form = self._log_form = LogFollowUpScreen()
            self.install_screen(form, name="log-form")
        form.prepare(account_id, touchpoint_id)
        self.push_screen(form, saved)

    def open_account(self, account_id: int) -> None:
        """`enter` on any account: the account screen, on top of the current one."""
        from screens.account import AccountScreen

        self.push_screen(AccountScreen(account_id))

    def open_tier_override(self, account_id: int) -> None:
        """Manual tier with a reason; locks the tier until unlocked."""
        from screens.tier_dialogs import TierOverride

        def run() -> None:
            from db.models import Account

            with self.store.session() as session:
                account = session.get(Account, account_id)
                if account is None:
                    return
                name, tier, locked = account.name, account.tier, account.tier_locked
            self.call_from_thread(self.push_screen, TierOverride(name, tier, locked),
                                  lambda answer: self._apply_tier(account_id, answer))

        self.run_worker(run, thread=True, exit_on_error=False)

    def _apply_tier(self, account_id: int, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        from csm_tui.tiering import set_tier

        def run() -> None:
            try:
                move = set_tier(self.store, account_id, answer[0], reason=answer[1],
                                today=self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.notify,
                                  t("{name}: {old} → {new} (locked)", name=move.name,
                                    old=move.old, new=move.new), title=t("Tier set"))
            self.call_from_thread(self.refresh_current)

        self.run_worker(run, thread=True, exit_on_error=False)

    def run_retier(self, *, dry_run: bool = False) -> None:
        """Monthly re-assessment from the TUI: score all, move unlocked tiers, report."""
        from csm_tui.tiering import retier
        from screens.tier_dialogs import RetierResult

        def run() -> None:
            try:
                report = retier(self.store, dry_run=dry_run, today=self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.push_screen, RetierResult(report, dry_run))
            self.call_from_thread(self.refresh_current)

        self.notify(t("Re-assessing tiers…"), timeout=2)
        self.run_worker(run, thread=True, exit_on_error=False)

    def action_retier(self) -> None:
        self.run_retier()

    def action_undo(self) -> None:
        """`u`: undo the user's last change (read from the change log), then reload."""
        from csm_tui.undo import undo_last

        def run() -> None:
            try:
                result = undo_last(self.store)
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            if result.done:
                self.call_from_thread(self.notify, result.message, title=t("Undo"))
                self.call_from_thread(self.refresh_current)
            else:
                self.call_from_thread(self.notify, result.message, title=t("Undo"),
                                      severity="warning", timeout=8)

        self.run_worker(run, thread=True, exit_on_error=False, group="undo")

    def action_log_selected(self) -> None:
        """The palette's "log a follow-up": the current screen's own `l`."""
        if hasattr(self.screen, "action_log"):
            self.screen.run_action("log")
        else:
            self.notify(t("open a screen with accounts first"), severity="warning")

    def action_export(self, fmt: str) -> None:
        """Export from the palette into the data folder; the path is shown."""
        from csm_tui.paths import data_dir

        out = data_dir() / "exports" / f"csm-{self.today():%Y%m%d}.{fmt}"

        def run() -> None:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                if fmt == "csv":
                    from csm_tui.tabular.exporters import export_accounts_csv

                    export_accounts_csv(self.store, out, self.today())
                elif fmt == "json":
                    from csm_tui.tabular.exporters import export_json

                    export_json(self.store, out)
                else:
                    from csm_tui.ical import export_ics

                    export_ics(self.store, out, self.today())
            except Exception as exc:
                self.call_from_thread(self.report_error, exc)
                return
            self.call_from_thread(self.notify, t("written to {path}", path=out),
                                  title=t("Exported"))

        self.run_worker(run, thread=True, exit_on_error=False)

    def action_import_file(self) -> None:
        """`I`: the import screen (mapping and preview before anything is written)."""
        from screens.import_screen import ImportScreen

        self.push_screen(ImportScreen())

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        global_ids = {id(b) for b in self.BINDINGS}
        screen_keys, global_keys = [], []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            entry = (describe_key(binding.key if "," in binding.key else key),
                     t(binding.description))
            if id(binding) in global_ids or active.node is self:
                global_keys.append(entry)
            else:
                screen_keys.append(entry)
        name = self.screen.title or self.screen.__class__.__name__
        self.push_screen(HelpScreen(screen_keys, global_keys, name))
