"""Where meeting briefs are written: one Markdown file per account and day."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from csm_tui.paths import data_dir


def brief_path(account: str, today: date) -> Path:
    safe = re.sub(r"[^\w\-]+", "-", account, flags=re.UNICODE).strip("-") or "account"
    return data_dir() / "briefs" / f"{today:%Y-%m-%d}-{safe}.md"


def write_brief(account: str, text: str, today: date, out: Path | None = None) -> Path:
    """A 0600 file moved into place (csm_tui.safe_files)."""
    from csm_tui.safe_files import write_text

    path = out or brief_path(account, today)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    return path
