"""The user's interface preferences, kept in `ui.toml` in the config folder: the theme,
and a `[keymap]` table of binding ids to keys (`"tp.snooze" = "z"`, see docs/keys.md).
Written atomically (a temporary file, then a rename) so a crash never leaves half a
file; an unreadable file is ignored rather than blocking the start."""

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


def _load(path: Path | None) -> dict[str, object]:
    path = path or ui_path()
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def load_ui_prefs(path: Path | None = None) -> dict[str, str]:
    """Saved preferences; empty when there is no file or it cannot be read."""
    return {k: v for k, v in _load(path).items() if isinstance(v, str)}


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The user's `[keymap]` table: binding id → keys (checked by the app)."""
    table = _load(path).get("keymap")
    if not isinstance(table, dict):
        return {}
    return {str(k): v if isinstance(v, str) else "" for k, v in table.items()}


def _quoted(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() \
        else json.dumps(key)


def save_ui_prefs(prefs: dict[str, str], path: Path | None = None) -> Path:
    """Write the preferences atomically (the `[keymap]` table is kept as it is);
    returns the file written."""
    path = path or ui_path()
    keymap = load_keymap(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A JSON string is a valid TOML basic string (same escapes).
    text = "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
                   for key, value in sorted(prefs.items()))
    if keymap:
        text += "\n[keymap]\n" + "".join(
            f"{_quoted(key)} = {json.dumps(value, ensure_ascii=False)}\n"
            for key, value in sorted(keymap.items()))
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
