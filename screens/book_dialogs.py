"""What the account screen, Portfolio's `n`, Touchpoints and the Calendar open to keep
the book by hand: the forms (screens/book_forms.py) filled from what is shown, the
questions before a delete (saying what goes with it), and the line after each write.
Every write is one services call through `CsmApp.write`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import label, t
from csm_tui.vocab import CHANNELS, CONTACT_LEVELS, CONTACT_ROLES, OUTCOMES, TIERS
from screens.book_forms import Field, RecordForm, day_text
from screens.dialogs import Confirm

if TYPE_CHECKING:
    from csm_tui.account_view import AccountDetail
    from csm_tui.app import CsmApp
    from csm_tui.book import DeletePlan
    from csm_tui.book_services import TouchForm
    from csm_tui.event_book import EventInfo


def _said(app: CsmApp, message: str) -> Callable[[object], None]:
    def done(result: object) -> None:
        if result is not None:
            app.notify(message, title=t("Saved"))
    return done


# ---- accounts -------------------------------------------------------------------

def new_account_form(app: CsmApp) -> None:
    """Portfolio's `n`: a new account. A name the book has already is asked about."""
    def ask(defaults: tuple[str, str]) -> None:
        owner, currency = defaults
        fields = [Field("name", t("Name")), Field("arr", t("ARR")),
                  Field("currency", t("Currency"), value=currency),
                  Field("owner", t("Owner"), value=owner),
                  Field("industry", t("Industry")),
                  Field("tier", t("Tier"), "choice", options=[(x, x) for x in TIERS],
                        choice="C"),
                  Field("contract_start", t("Contract start"), "date", empty=t("none")),
                  Field("contract_end", t("Contract end"), "date", empty=t("none"))]
        app.push_screen(RecordForm(t("New account"), fields, partial(_add, app, False)),
                        partial(_added, app, fields))

    app.background(app.services.new_account_defaults, done=ask)


def _new(values: dict[str, Any]) -> Any:
    from csm_tui.book import NewAccount

    return NewAccount(name=values["name"], arr=values["arr"], currency=values["currency"],
                      owner=values["owner"], industry=values["industry"],
                      tier=str(values["tier"]), contract_start=values["contract_start"],
                      contract_end=values["contract_end"])


def _add(app: CsmApp, allow: bool, values: dict[str, Any]) -> object:
    from csm_tui.book import DuplicateName

    try:
        return app.services.add_account(_new(values), allow_duplicate=allow)
    except DuplicateName as exc:
        return (exc, values)


def _added(app: CsmApp, fields: list[Field], result: object) -> None:
    if isinstance(result, tuple):  # a duplicate name: ask, then add it anyway or not
        exc, values = result

        def answer(yes: bool | None) -> None:
            if yes:
                app.write(partial(_add, app, True, values), done=partial(_added, app, fields))

        app.push_screen(Confirm(t("{error} · Add a second account of this name?",
                                  error=exc)), answer)
        return
    if isinstance(result, int):
        app.notify(t("Account added: its first SOP steps are on Today"), title=t("Saved"))
        app.open_account(result)


def archive(app: CsmApp, d: AccountDetail) -> None:
    a = d.account
    if a.archived:
        app.write(partial(app.services.set_archived, a.id or 0, False,
                          expected_version=a.version),
                  done=lambda name: app.notify(t("{name} is back on the lists", name=name)))
        return

    def answer(yes: bool | None) -> None:
        if yes:
            app.write(partial(app.services.set_archived, a.id or 0, True,
                              expected_version=a.version),
                      done=lambda name: app.notify(t("Archived {name}: off every list; X "
                                                     "brings it back", name=name)))

    app.push_screen(Confirm(t("Archive {name}? It leaves every list and the cadence; its "
                              "history stays", name=a.name)), answer)


def delete_account(app: CsmApp, account_id: int, *, then: Callable[[], object]) -> None:
    """Asks with what goes with it (open tasks first), then deletes; `u` undoes."""
    def ask(plan: DeletePlan) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                app.write(partial(app.services.delete_account, account_id,
                                  expected_version=plan.version), done=done)

        app.push_screen(Confirm(t("Delete {name} with {what}? (u undoes)", name=plan.name,
                                  what=plan.describe())), answer)

    def done(plan: DeletePlan) -> None:
        app.notify(t("Deleted {name}; u puts it back", name=plan.name), title=t("Deleted"))
        then()

    app.background(partial(app.services.delete_plan, account_id), done=ask)


# ---- stakeholders, notes, tasks -------------------------------------------------------

def contact_form(app: CsmApp, d: AccountDetail, contact: Any, *, role: str = "user") -> None:
    """Add (contact None; `role` chosen) or correct a stakeholder."""
    c = contact
    fields = [Field("name", t("Name"), value=c.name if c else ""),
              Field("role", t("Role"), "choice",
                    options=[(label("role", r), r) for r in CONTACT_ROLES],
                    choice=c.role if c else role),
              Field("level", t("Level"), "choice",
                    options=[(label("level", lv), lv) for lv in CONTACT_LEVELS],
                    choice=c.level if c else ("executive" if role == "decision_maker"
                                              else "staff")),
              Field("title", t("Title"), value=c.title if c else ""),
              Field("email", t("Email"), value=c.email if c else ""),
              Field("phone", t("Phone"), value=c.phone if c else ""),
              Field("notes", t("Notes"), "area", value=c.notes if c else "")]
    account_id = d.account.id or 0

    def save(values: dict[str, Any]) -> object:
        clean = {k: str(v) for k, v in values.items()}
        if c is None:
            return app.services.add_contact(account_id, clean)
        return app.services.edit_contact(c.id or 0, clean)

    title = (t("Edit {name} ({account})", name=c.name, account=d.account.name) if c
             else t("Add a stakeholder to {account}", account=d.account.name))
    app.push_screen(RecordForm(title, fields, save),
                    _said(app, t("Stakeholder saved")))


def note_form(app: CsmApp, account_id: int, note: Any) -> None:
    fields = [Field("on_date", t("Date"), "date",
                    value=day_text(note.on_date) if note else "today"),
              Field("text", t("Note"), "area", value=note.text if note else "")]

    def save(values: dict[str, Any]) -> object:
        if note is None:
            return app.services.add_note(account_id, values["text"], values["on_date"])
        return app.services.edit_note(note.id or 0, values["text"], values["on_date"])

    app.push_screen(RecordForm(t("Edit the note") if note else t("Add a note"), fields, save),
                    _said(app, t("Note saved")))


def task_form(app: CsmApp, account_id: int, task: Any) -> None:
    fields = [Field("title", t("Title"), value=task.title if task else ""),
              Field("due", t("Due"), "date",
                    value=day_text(task.due_date) if task else "+3d")]

    def save(values: dict[str, Any]) -> object:
        if task is None:
            return app.services.add_task(account_id, values["title"], values["due"])
        return app.services.edit_task(task.id or 0, title=values["title"], due=values["due"])

    app.push_screen(RecordForm(t("Edit the task") if task else t("Add a task"), fields, save),
                    _said(app, t("Task saved")))


# ---- touches ------------------------------------------------------------------------

def touch_form(app: CsmApp, touchpoint_id: int) -> None:
    """Correct a touch: a done one's summary, date, channel, stakeholder, outcome; a
    planned one's date, channel, stakeholder and next step."""
    def ask(form: TouchForm) -> None:
        done = form.status == "done"
        people = [(f"{name} ({label('role', role)})", ident)
                  for ident, name, role in form.contacts]
        fields = ([Field("summary", t("Summary"), value=form.summary)] if done else []) + [
            Field("day", t("Date") if done else t("Due"), "date", value=day_text(form.day)),
            Field("channel", t("Channel"), "choice",
                  options=[(label("channel", c), c) for c in CHANNELS], choice=form.channel),
            Field("contact_id", t("Contact"), "choice",
                  options=[(t("(no stakeholder)"), None), *people], choice=form.contact_id)]
        fields += ([Field("outcome", t("Outcome"), "choice",
                          options=[(t("(not set)"), ""),
                                   *[(label("outcome", o), o) for o in OUTCOMES]],
                          choice=form.outcome)] if done else
                   [Field("next_step", t("Next step"), value=form.next_step)])

        def save(values: dict[str, Any]) -> object:
            return app.services.edit_touch(touchpoint_id, expected_status=form.status,
                                           **values)

        app.push_screen(RecordForm(t("Correct a touch with {account}", account=form.account),
                                   fields, save), _said(app, t("Touch saved")))

    app.background(partial(app.services.touch_form, touchpoint_id), done=ask)


def delete_touch(app: CsmApp, touchpoint_id: int, what: str) -> None:
    def answer(yes: bool | None) -> None:
        if yes:
            app.write(partial(app.services.delete_touch, touchpoint_id),
                      done=lambda _saved: app.notify(t("Touch deleted; u puts it back")))

    app.push_screen(Confirm(t("Delete this touch? {what}", what=what)), answer)


# ---- the account screen's rows ---------------------------------------------------------

def _by_id(items: list[Any], ident: int) -> Any:
    return next((i for i in items if i.id == ident), None)


def edit_item(app: CsmApp, d: AccountDetail, key: str) -> None:
    """`enter` on a row of the account screen: its form."""
    kind, _, ident = key.partition(":")
    if not ident.isdigit():
        return
    number = int(ident)
    account_id = d.account.id or 0
    if kind == "contact":
        contact_form(app, d, _by_id(d.contacts, number))
    elif kind == "note":
        note_form(app, account_id, _by_id(d.notes, number))
    elif kind == "task":
        task_form(app, account_id, _by_id(d.tasks, number))
    elif kind == "touch":
        touch_form(app, number)
    elif kind == "event":
        edit_event(app, number)


def delete_item(app: CsmApp, d: AccountDetail, key: str) -> None:
    """`D` on a row of the account screen: asks, then deletes (`u` undoes)."""
    kind, _, ident = key.partition(":")
    if not ident.isdigit():
        return
    number = int(ident)
    services = app.services
    if kind == "touch":
        entry = next((e for e in d.timeline if e.ref == key), None)
        delete_touch(app, number, entry.text if entry else "")
        return
    if kind == "event":
        delete_event(app, number)
        return
    lists: dict[str, list[Any]] = {"contact": list(d.contacts), "note": list(d.notes),
                                   "task": list(d.tasks)}
    item = _by_id(lists[kind], number)
    if item is None:
        return
    name = getattr(item, "name", None) or getattr(item, "title", None) or \
        item.text.split("\n", 1)[0][:40]
    question = {"contact": t("Remove {name} from the decision chain? (their touches stay)",
                             name=name),
                "note": t("Delete the note “{name}”?", name=name),
                "task": t("Delete the task “{name}”?", name=name)}[kind]
    write = {"contact": services.remove_contact, "note": services.delete_note,
             "task": services.delete_task}[kind]

    def answer(yes: bool | None) -> None:
        if yes:
            app.write(partial(write, number),
                      done=lambda _r: app.notify(t("Deleted; u puts it back")))

    app.push_screen(Confirm(question), answer)


# ---- events ---------------------------------------------------------------------------

def edit_event(app: CsmApp, event_id: int) -> None:
    from screens.event_form import EventForm

    def ask(info: EventInfo) -> None:
        app.push_screen(EventForm(info.fields["on_date"], app.today(), info=info),
                        _said(app, t("Event saved")))

    app.background(partial(app.services.event_info, event_id), done=ask)


def delete_event(app: CsmApp, event_id: int) -> None:
    """Asks; an event that planned touches asks whether they go too."""
    def ask(info: EventInfo) -> None:
        title = info.fields["title"]

        def remove(with_touches: bool) -> None:
            app.write(partial(app.services.delete_event, event_id,
                              remove_touches=with_touches),
                      done=lambda n: app.notify(
                          t("Event deleted with {n} planned touches; u puts them back", n=n)
                          if n else t("Event deleted; u puts it back")))

        def first(yes: bool | None) -> None:
            if not yes:
                return
            if not info.touches:
                remove(False)
                return
            shown = t(", ").join(f"{tp.account} {tp.due_date}" for tp in info.touches[:4])
            app.push_screen(Confirm(t("It planned {n} touches ({shown}); remove them too?",
                                      n=len(info.touches), shown=shown)),
                            lambda yes: remove(bool(yes)))

        app.push_screen(Confirm(t("Delete the event “{title}”?", title=title)), first)

    app.background(partial(app.services.event_info, event_id), done=ask)


def due_text(day: date | None) -> str:
    return day.isoformat() if day else "—"
