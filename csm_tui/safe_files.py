"""Files we write for the user (exports, backups, briefs, rejects) and text we print.

A file is written to a temporary file beside its target, created exclusively
(O_EXCL | O_NOFOLLOW, mode 0600, a random name: a symlink planted there is never
followed), flushed to disk, and renamed over the target only when the target is a
regular file or absent; any failure (a full disk, an exception while writing) removes
the temporary file, so nothing is left behind and the old target is untouched.

Text from the data (an imported account name) may hold terminal control characters
that would clear the screen or set the window title: `printable` shows them escaped
(`\\u001b`), and `terminal_safe_output` does it for everything a CLI command prints,
keeping only the colour codes (SGR) that Rich itself writes.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TextIO

from csm_tui.i18n import N_, t

MODE = 0o600
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


class UnsafeTarget(OSError):
    """The target exists and is not a regular file (a device, a folder, a symlink)."""


def check_target(target: Path) -> None:
    """Refuse a target that exists and is not a regular file (lstat: a symlink is
    refused too, never followed)."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        what = (N_("a symbolic link") if stat.S_ISLNK(info.st_mode) else
                N_("a folder") if stat.S_ISDIR(info.st_mode) else N_("not a regular file"))
        raise UnsafeTarget(t("{path}: {what}; refusing to replace it", path=target,
                             what=t(what)))


def _create_temp(target: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    for _ in range(20):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, flags, MODE)
        except FileExistsError:
            continue
        os.fchmod(fd, MODE)  # whatever the umask
        return fd, tmp
    raise FileExistsError(t("{path}: cannot create a temporary file beside it", path=target))


@contextmanager
def temp_beside(target: Path) -> Iterator[Path]:
    """A fresh empty 0600 file beside `target` for a writer that needs a path (SQLite's
    backup); renamed over `target` when the block ends without error, else removed."""
    check_target(target)
    fd, tmp = _create_temp(target)
    os.close(fd)
    try:
        yield tmp
        _sync_path(tmp)
        check_target(target)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_dir(target)


@contextmanager
def atomic_write(target: Path, *, text: bool = False, encoding: str = "utf-8",
                 newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file beside `target` (binary, or text with `encoding`); on a
    clean exit it is flushed and renamed over `target`, on any failure removed."""
    check_target(target)
    fd, tmp = _create_temp(target)
    try:
        fh: IO[Any] = os.fdopen(fd, "w", encoding=encoding, newline=newline) if text \
            else os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        check_target(target)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_dir(target)


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_write(target) as fh:
        fh.write(data)


def write_text(target: Path, text: str, *, encoding: str = "utf-8") -> None:
    with atomic_write(target, text=True, encoding=encoding) as fh:
        fh.write(text)


def _sync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(target: Path) -> None:
    try:
        fd = os.open(target.parent or Path("."), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- text on a terminal ------------------------------------------------------------

def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """`text` with terminal control characters (C0 but newline and tab, DEL, C1, bidi
    overrides) shown as `\\uXXXX`, so data can never drive the terminal."""
    return _CONTROL.sub(_escape, text)


def strip_controls(text: str) -> str:
    """`text` without control characters (newline and tab kept): for iCalendar text."""
    return _CONTROL.sub("", text)


class SafeStream(io.TextIOBase):
    """A text stream that escapes control characters on their way to the terminal,
    letting through only colour codes (SGR: ESC [ … m), which is all Rich writes."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        parts = []
        last = 0
        for m in _SGR.finditer(text):
            parts.append(_escape_all(text[last:m.start()]))
            parts.append(m.group())
            last = m.end()
        parts.append(_escape_all(text[last:]))
        self._inner.write("".join(parts))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _escape_all(text: str) -> str:
    return _CONTROL.sub(_escape, text) if text else text


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """For one CLI command: stdout and stderr escape control characters from the data."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = SafeStream(out)
    sys.stderr = SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


__all__ = ["UnsafeTarget", "atomic_write", "check_target", "printable", "strip_controls",
           "temp_beside", "terminal_safe_output", "write_bytes", "write_text"]
