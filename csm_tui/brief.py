"""The one-page meeting brief for the next call, in Markdown."""

from __future__ import annotations

import re
from datetime import date

from csm_tui.account_view import AccountDetail
from csm_tui.i18n import N_, label, long_day, t
from csm_tui.money import format_money

ROLE_ORDER = ("decision_maker", "champion", "influencer", "user")
NOTES_SHOWN = 10  # the newest account notes a one-page brief holds

ROLE_NAMES = {"decision_maker": N_("Decision makers (ROI)"), "champion": N_("Champions"),
              "influencer": N_("Influencers (trends, reputation)"),
              "user": N_("Users (ease of use)")}


def brief_markdown(d: AccountDetail, today: date) -> str:
    a = d.account
    lines = [t("# Meeting brief: {name}", name=a.name), "",
             "*" + t("Prepared {day}", day=long_day(today)) + "*", ""]
    lock = t(" (locked: {reason})", reason=a.tier_reason) if a.tier_locked else ""
    lines.append(t("- **Tier {tier}**", tier=a.tier) + lock)
    if d.score:
        lines.append(t("  - why: {why}", why=d.score.explain(top=4)))
    if d.computed_tier and d.computed_tier != a.tier:
        lines.append(t("  - the scoring model would say {tier}", tier=d.computed_tier))
    lines.append(f"- **ARR** {format_money(a.arr_minor, a.currency)} ({a.currency})")
    if a.contract_end:
        days = (a.contract_end - today).days
        when = t("in {days} days", days=days) if days >= 0 else t("{days} days ago", days=-days)
        lines.append(t("- **Renewal** {day} ({when}); term {term}", day=long_day(a.contract_end),
                       when=when, term=a.term))
    lines.append(t("- **Stage** {stage}", stage=label("stage", a.stage))
                 + (t(" since {day}", day=a.stage_entered) if a.stage_entered else ""))
    if d.rfm:
        lines.append(f"- **RFM** {d.rfm.code} — {label('rfm', d.rfm.segment)}")
    lines += ["", t("## Health")]
    if d.health:
        lines.append(t("Score **{score}/100**.", score=d.health.score))
        lines += [t("- {what}: {points} pts", what=what, points=points)
                  for what, points in d.health.breakdown]
        if d.health.flags:
            lines.append("- ⚠ " + t("risk: {flags}", flags=t(", ").join(d.health.flags)))
    lines += ["", t("## Open SOP steps (this stage)")]
    open_tasks = [task for task in d.tasks if task.done_at is None]
    lines += [t("- [ ] {title} (due {day})", title=task.title, day=task.due_date)
              for task in open_tasks] or [t("- none open")]
    lines += ["", t("## Stakeholders")]
    for role in ROLE_ORDER:
        members = [c for c in d.contacts if c.role == role]
        if not members:
            continue
        lines.append(f"**{t(ROLE_NAMES[role])}**")
        for c in members:
            last = d.last_contact_touch.get(c.id or 0)
            seen = t("last contact {day}", day=last) if last else t("no contact logged")
            reach = "".join(f" · {v.strip().replace('<', '&lt;')}" for v in (c.email, c.phone)
                            if v.strip())
            lines.append(f"- {c.name}, {c.title or '—'} ({label('level', c.level)}) — {seen}"
                         + reach)
            lines += [f"  - {_inline(line)}" for line in c.notes.splitlines() if line.strip()]
    if not d.contacts:
        lines.append(t("- none yet"))
    lines += ["", t("## Notes")]
    for note in d.notes[:NOTES_SHOWN]:
        first, *more = [line for line in note.text.splitlines() if line.strip()] or [""]
        author = f" ({note.author})" if note.author else ""
        lines.append(f"- **{note.on_date:%Y-%m-%d}**{author}: {_inline(first)}")
        lines += [f"  {_inline(line)}" for line in more]
    if len(d.notes) > NOTES_SHOWN:
        lines.append(t("- … {count} older notes on the account screen",
                       count=len(d.notes) - NOTES_SHOWN))
    if not d.notes:
        lines.append(t("- none written"))
    lines += ["", t("## Last five touchpoints")]
    touches = [e for e in d.timeline if e.kind == "touch"][:5]
    lines += [f"- {e.when:%Y-%m-%d}: {e.text}" for e in touches] or [t("- none logged")]
    return "\n".join(lines) + "\n"


def _inline(text: str) -> str:
    """Typed text as Markdown that stays text: no heading, list or quote it could start
    (a leading mark escaped), no HTML it could open."""
    text = text.strip().replace("<", "&lt;")
    if text[:1] in tuple("#>-+*|=`_~"):
        return "\\" + text
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
