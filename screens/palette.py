"""Command palette providers: jump to any account, or to a contact's account, by name,
pinyin or initials (one matcher: csm_tui.namesearch); or run an action by name."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from csm_tui.i18n import N_, label, t
from csm_tui.namesearch import NameEntry, search

if TYPE_CHECKING:
    from csm_tui.app import CsmApp
    from csm_tui.services import ContactName


class AccountProvider(Provider):
    """`ctrl+p`, then type part of a name, `qhdx` or `qinghua`: enter opens the account."""

    index: list[NameEntry]

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    async def startup(self) -> None:
        self.index = await asyncio.to_thread(self.csm.services.account_names)

    def _open(self, account_id: int) -> None:
        self.csm.open_account(account_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for score, entry in search(self.index, query, limit=30):
            shown = matcher.highlight(entry.name) if matcher.match(entry.name) else entry.name
            yield Hit(score, shown, partial(self._open, entry.id), text=entry.name,
                      help=t("open account"))

    async def discover(self) -> Hits:
        for entry in self.index[:10]:
            yield DiscoveryHit(entry.name, partial(self._open, entry.id), text=entry.name,
                               help=t("open account"))


class ContactProvider(Provider):
    """`ctrl+p`, then a stakeholder's name, pinyin or initials (`wt` → 吴涛): enter opens
    the contact's account."""

    contacts: list[ContactName]

    @property
    def csm(self) -> CsmApp:
        return cast("CsmApp", self.app)

    async def startup(self) -> None:
        self.contacts = await asyncio.to_thread(self.csm.services.contact_names)
        self.index = [c.entry for c in self.contacts]
        self.by_id = {c.entry.id: c for c in self.contacts}

    def _open(self, account_id: int) -> None:
        self.csm.open_account(account_id)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for score, entry in search(self.index, query, limit=20):
            contact = self.by_id[entry.id]
            shown = matcher.highlight(entry.name) if matcher.match(entry.name) else entry.name
            role = f" ({label('role', contact.role)})" if contact.role else ""
            yield Hit(score * 0.95, shown, partial(self._open, contact.account_id),
                      text=f"{entry.name} · {contact.account}",
                      help=t("contact at {account}{role}: open the account",
                             account=contact.account, role=role))


ACTIONS: tuple[tuple[str, str, str], ...] = (
    (N_("Go to Today"), "switch_mode('today')", "1"),
    (N_("Go to Portfolio"), "switch_mode('portfolio')", "2"),
    (N_("Go to Lifecycle kanban"), "switch_mode('lifecycle')", "3"),
    (N_("Go to Touchpoints"), "switch_mode('touchpoints')", "4"),
    (N_("Go to Calendar"), "switch_mode('calendar')", "5"),
    (N_("Retier: monthly re-assessment of all tiers"), "retier", N_("R on Portfolio")),
    (N_("Import a CSV file (accounts, deals, contacts, touchpoints)"), "import_file", "I"),
    (N_("Export accounts to CSV"), "export('csv')", ""),
    (N_("Export everything to JSON"), "export('json')", ""),
    (N_("Export the calendar to .ics"), "export('ics')", ""),
    (N_("Log a follow-up for the selected account"), "log_selected", "l"),
    (N_("Help: every key"), "help", "?"),
)


class ActionProvider(Provider):
    """`ctrl+p`: the app's actions by name."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for msgid, action, key in ACTIONS:
            title = t(msgid)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action),
                          text=title, help=t("key: {key}", key=t(key)) if key else None)

    async def discover(self) -> Hits:
        for msgid, action, key in ACTIONS:
            yield DiscoveryHit(t(msgid), partial(self._run, action), text=t(msgid),
                               help=t("key: {key}", key=t(key)) if key else None)

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)
