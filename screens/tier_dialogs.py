"""Tier dialogs: a manual override with its reason, and the retier report."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from csm_tui.i18n import t
from csm_tui.tiering import RetierReport
from csm_tui.vocab import TIERS
from screens.keymap import bindings


class TierOverride(ModalScreen[tuple[str, str] | None]):
    """Pick a tier and say why; `enter` in the reason saves. Returns (tier, reason)."""

    BINDINGS = bindings("tier")

    def __init__(self, account: str, current: str, locked: bool) -> None:
        super().__init__()
        self.account = account
        self.current = current
        self.locked = locked

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(t("Set tier for {name} (now {tier}, locked)" if self.locked
                          else "Set tier for {name} (now {tier})", name=self.account,
                          tier=self.current), classes="dialog-title")
            yield Select([(t, t) for t in TIERS], value=self.current, allow_blank=False,
                         id="tier-select")
            yield Input(placeholder=t("reason (required): e.g. strategic logo, board contact"),
                        id="tier-reason")
            yield Label("", id="tier-error")
            yield Label("[dim]" + t("The tier stays locked until unlocked (T on the account).")
                        + "[/dim]")

    def on_mount(self) -> None:
        self.query_one("#tier-reason", Input).focus()

    @on(Input.Submitted, "#tier-reason")
    def _save(self) -> None:
        reason = self.query_one("#tier-reason", Input).value.strip()
        if not reason:
            self.query_one("#tier-error", Label).update(f"[red]{t('reason: required')}[/red]")
            return
        self.dismiss((str(self.query_one("#tier-select", Select).value), reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RetierResult(ModalScreen[None]):
    """What the re-assessment did: promotions and demotions with the reason for each."""

    BINDINGS = bindings("retier")

    def __init__(self, report: RetierReport, dry_run: bool) -> None:
        super().__init__()
        self.report = report
        self.dry_run = dry_run

    def compose(self) -> ComposeResult:
        r = self.report
        head = t("Retier preview") if self.dry_run else t("Retier done")
        lines = [f"[b]{head}[/b]: " + t("{scored} accounts scored, {up} promoted, {down} demoted, "
                                        "{kept} locked kept", scored=r.scored,
                                        up=len(r.promotions), down=len(r.demotions),
                                        kept=len(r.locked_kept)), ""]
        if r.no_rate:
            lines[1:1] = [f"[yellow]⚠ {escape(r.no_rate)}[/yellow]"]
        for title, moves in ((t("Promotions"), r.promotions), (t("Demotions"), r.demotions)):
            if moves:
                lines.append(f"[b]{title}[/b]")
                lines += [f"  {m.old} → {m.new}  {m.name}: {m.reason}" for m in moves[:200]]
                if len(moves) > 200:
                    lines.append("  " + t("… and {n} more", n=len(moves) - 200))
        if r.locked_kept:
            lines.append(f"[b]{t('Locked (kept)')}[/b]")
            lines += ["  " + t("{name}: stays {old} (computed {new})", name=name, old=old, new=new)
                      for _aid, name, old, new in r.locked_kept[:50]]
        with VerticalScroll(classes="dialog wide"):
            yield Static("\n".join(lines), markup=True)
            yield Label(f"[dim]{t('escape closes')}[/dim]")
