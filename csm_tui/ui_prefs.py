"""The user's interface preferences (for now the theme), kept in `ui.toml` in the
config folder. Written atomically (a temporary file, then a rename) so a crash never
leaves half a file; an unreadable file is ignored rather than blocking the start."""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

from csm_tui.paths import config_dir

UI_FILE = "ui.toml"


def ui_path() -> Path:
    return config_dir() / UI_FILE


def load_ui_prefs(path: Path | None = None) -> dict[str, str]:
    """Saved preferences; empty when there is no file or it cannot be read."""
    path = path or ui_path()
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def save_ui_prefs(prefs: dict[str, str], path: Path | None = None) -> Path:
    """Write the preferences atomically; returns the file written."""
    path = path or ui_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # A JSON string is a valid TOML basic string (same escapes).
    text = "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in sorted(prefs.items()))
    fd, tmp = tempfile.mkstemp(prefix=".ui-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def saved_theme() -> str | None:
    return load_ui_prefs().get("theme")


def remember_theme(name: str) -> None:
    """Store the theme, keeping any other preference in the file."""
    prefs = load_ui_prefs()
    if prefs.get("theme") == name:
        return
    prefs["theme"] = name
    save_ui_prefs(prefs)
