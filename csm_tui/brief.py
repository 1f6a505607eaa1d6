"""The one-page meeting brief for the next call, in Markdown."""

from __future__ import annotations

from datetime import date

from csm_tui.account_view import AccountDetail
from csm_tui.i18n import N_
from csm_tui.money import format_money

ROLE_ORDER = ("decision_maker", "champion", "influencer", "user")
ROLE_NAMES = {"decision_maker": N_("Decision makers (ROI)"), "champion": N_("Champions"),
              "influencer": N_("Influencers (trends, reputation)"),
              "user": N_("Users (ease of use)")}


def brief_markdown(d: AccountDetail, today: date) -> str:
    a = d.account
    lines = [f"# Meeting brief: {a.name}", "",
             f"*Prepared {today:%A %d %B %Y}*", ""]
    lock = f" (locked: {a.tier_reason})" if a.tier_locked else ""
    lines.append(f"- **Tier {a.tier}**{lock}")
    if d.score:
        lines.append(f"  - why: {d.score.explain(top=4)}")
    if d.computed_tier and d.computed_tier != a.tier:
        lines.append(f"  - the scoring model would say {d.computed_tier}")
    lines.append(f"- **ARR** {format_money(a.arr_minor, a.currency)} ({a.currency})")
    if a.contract_end:
        days = (a.contract_end - today).days
        when = f"in {days} days" if days >= 0 else f"{-days} days ago"
        lines.append(f"- **Renewal** {a.contract_end:%d %b %Y} ({when}); term {a.term}")
    lines.append(f"- **Stage** {a.stage}" + (f" since {a.stage_entered}" if a.stage_entered
                                                else ""))
    if d.rfm:
        lines.append(f"- **RFM** {d.rfm.code} — {d.rfm.segment}")
    lines += ["", "## Health"]
    if d.health:
        lines.append(f"Score **{d.health.score}/100**.")
        lines += [f"- {label}: {points} pts" for label, points in d.health.breakdown]
        if d.health.flags:
            lines.append(f"- ⚠ risk: {', '.join(d.health.flags)}")
    lines += ["", "## Open SOP steps (this stage)"]
    open_tasks = [t for t in d.tasks if t.done_at is None]
    lines += [f"- [ ] {t.title} (due {t.due_date})" for t in open_tasks] or ["- none open"]
    lines += ["", "## Stakeholders"]
    for role in ROLE_ORDER:
        members = [c for c in d.contacts if c.role == role]
        if not members:
            continue
        lines.append(f"**{ROLE_NAMES[role]}**")
        for c in members:
            last = d.last_contact_touch.get(c.id or 0)
            seen = f"last contact {last}" if last else "no contact logged"
            lines.append(f"- {c.name}, {c.title or '—'} ({c.level}) — {seen}")
    lines += ["", "## Last five touchpoints"]
    touches = [e for e in d.timeline if e.kind == "touch"][:5]
    lines += [f"- {e.when:%Y-%m-%d}: {e.text}" for e in touches] or ["- none logged"]
    return "\n".join(lines) + "\n"
