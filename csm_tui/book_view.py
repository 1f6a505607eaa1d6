"""What `csm account show` and `csm accounts` print: the account screen's content as
JSON or plain text (ids included, so that a stakeholder, note, touch or task can be
edited by id), and the list of accounts with a filter."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import label, t
from csm_tui.money import format_money

if TYPE_CHECKING:
    from sqlmodel import Session

    from csm_tui.account_view import AccountDetail

ACCOUNT_FIELDS = ("id", "name", "external_id", "industry", "region", "owner", "tier",
                  "tier_locked", "tier_reason", "score", "currency", "contract_start",
                  "contract_end", "term", "stage", "stage_entered", "founded_on", "nps",
                  "last_login", "open_tickets", "on_time_payment", "growth_potential",
                  "influence", "referrals", "engagement", "archived", "version")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def account_json(d: AccountDetail, today: date) -> dict[str, Any]:
    a = d.account
    out: dict[str, Any] = {k: _iso(getattr(a, k)) for k in ACCOUNT_FIELDS}
    out["arr"] = a.arr_minor / 100
    out["health"] = None if d.health is None else {
        "score": d.health.score, "flags": list(d.health.flags),
        "breakdown": [[what, points] for what, points in d.health.breakdown],
        "signals": [{"flag": s.key, "label": s.label, "why": s.why} for s in d.health.signals]}
    out["rfm"] = None if d.rfm is None else {"code": d.rfm.code, "segment": d.rfm.segment}
    out["contacts"] = [{"id": c.id, "name": c.name, "title": c.title, "role": c.role,
                        "level": c.level, "email": c.email, "phone": c.phone,
                        "notes": c.notes,
                        "last_touch": _iso(d.last_contact_touch.get(c.id or 0))}
                       for c in d.contacts]
    out["notes"] = [{"id": n.id, "on": _iso(n.on_date), "text": n.text, "author": n.author}
                    for n in d.notes]
    out["tasks"] = [{"id": task.id, "title": task.title, "due": _iso(task.due_date),
                     "done": task.done_at is not None, "closed_as": task.closed_as,
                     "custom": task.step_key.startswith("custom:")} for task in d.tasks]
    out["timeline"] = [{"when": _iso(e.when), "kind": e.kind, "text": e.text,
                        "ref": e.ref or None} for e in d.timeline]
    out["events"] = [{"on": _iso(day), "title": title, "event_id": ident}
                     for day, title, ident in d.event_rows]
    out["metrics"] = [{"metric": m.metric, "readings": [[_iso(on), v, _iso(day)]
                                                        for on, v, day in m.readings]}
                      for m in d.metrics]
    out["touch_counts"] = d.touch_counts
    out["terms"] = [{"term": r.term, "start": _iso(r.start), "end": _iso(r.end),
                     "arr": r.arr_minor / 100, "currency": r.currency, "outcome": r.outcome}
                    for r in d.terms]
    out["as_of"] = today.isoformat()
    return out


def contact_line(c: Any) -> str:
    """"胡晓东 · CIO · executive · hu@x.cn · 138…": what is known, in one line."""
    parts = [c.name, c.title or "—", label("level", c.level)]
    parts += [p for p in (c.email, c.phone) if p]
    return " · ".join(parts)


def account_text(d: AccountDetail, today: date) -> str:
    from csm_tui.brief import ROLE_NAMES, ROLE_ORDER

    a = d.account
    lines = [f"#{a.id} {a.name}" + (" " + t("(archived)") if a.archived else ""),
             t("tier {tier} · stage {stage} · term {term} · ARR {arr} · contract {start} → "
               "{end}", tier=a.tier, stage=label("stage", a.stage), term=a.term,
               arr=format_money(a.arr_minor, a.currency), start=a.contract_start or "—",
               end=a.contract_end or "—"),
             t("{industry} · {region} · owner {owner}", industry=a.industry or "—",
               region=a.region or "—", owner=a.owner or "—")]
    if d.health is not None:
        lines.append(t("health {score}", score=d.health.score)
                     + (" ⚠ " + t(", ").join(d.health.flags) if d.health.flags else ""))
    lines += ["", t("Decision chain")]
    for role in ROLE_ORDER:
        for c in (c for c in d.contacts if c.role == role):
            lines.append(f"  #{c.id} {t(ROLE_NAMES[role])}: {contact_line(c)}")
            if c.notes:
                lines += [f"      {line}" for line in c.notes.splitlines()]
    if not d.contacts:
        lines.append("  " + t("no stakeholders yet"))
    lines += ["", t("Tasks")]
    for task in d.tasks:
        mark = "✔" if task.done_at else "☐"
        lines.append(f"  {mark} #{task.id} {task.title} ({task.due_date or '—'})")
    lines += ["", t("Notes")]
    for note in d.notes:
        first, *rest = note.text.splitlines() or [""]
        lines.append(f"  #{note.id} {note.on_date}: {first}")
        lines += [f"      {line}" for line in rest]
    lines += ["", t("Events")]
    lines += [f"  {day} {title}" + (f" (#{ident})" if ident else "")
              for day, title, ident in d.event_rows[:12]] or ["  " + t("none")]
    lines += ["", t("Timeline")]
    for e in d.timeline[:40]:
        ref = f" [{e.ref}]" if e.ref else ""
        text = e.text.replace("\n", " ⏎ ")
        lines.append(f"  {e.when:%Y-%m-%d} {label('timeline', e.kind)}: {text}{ref}")
    return "\n".join(lines)


def account_rows(session: Session, query: str, *, archived: bool = False
                 ) -> list[dict[str, Any]]:
    """Every account (archived ones too, if asked) whose name, pinyin, tier, stage,
    industry or owner holds each word of `query`, largest ARR first."""
    from csm_tui.namesearch import filter_items, search_text
    from db.queries.accounts import account_overview
    from db.queries.search import account_labels

    rows = account_overview(session, include_archived=archived)
    flags = account_labels(session, [r.id for r in rows]) if archived else {}
    kept = filter_items(rows, query, lambda r: search_text(
        r.name, r.industry, r.owner, r.tier, f"tier:{r.tier}", r.stage,
        label("stage", r.stage), pinyin=(r.name,)))
    return [{"id": r.id, "name": r.name, "tier": r.tier, "stage": r.stage,
             "arr": format_money(r.arr_minor, r.currency), "arr_minor": r.arr_minor,
             "currency": r.currency, "owner": r.owner, "industry": r.industry,
             "contract_end": _iso(r.contract_end), "last_touch": _iso(r.last_touch),
             "next_due": _iso(r.next_due),
             "archived": flags.get(r.id, ("", False, ""))[1]} for r in kept]
