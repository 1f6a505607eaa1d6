"""Finding an account by what a person types: part of the name, a fuzzy run of its
letters, or — for Chinese names — its pinyin or pinyin initials (`qhdx` → 清华大学).

Keys are computed once per name (pypinyin is loaded only here, and only when a
search index is built), so each keystroke is a scan over short strings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NameEntry:
    id: int
    name: str
    keys: tuple[str, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def name_keys(name: str) -> tuple[str, ...]:
    """The strings a query may match: the folded name, and for CJK names its full
    pinyin and its pinyin initials (non-CJK characters kept as they are)."""
    keys = [_fold(name)]
    if _has_cjk(name):
        from pypinyin import Style, lazy_pinyin

        syllables = lazy_pinyin(name, errors="default")
        keys.append(_fold("".join(syllables)))
        initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
        keys.append(_fold("".join(initials)))
    return tuple(dict.fromkeys(keys))


def build_index(rows: Iterable[tuple[int, str]]) -> list[NameEntry]:
    return [NameEntry(ident, name, name_keys(name)) for ident, name in rows]


def _subsequence_score(query: str, key: str) -> float | None:
    """Score a fuzzy (in-order, gaps allowed) match: tighter spans score higher."""
    pos = start = -1
    for ch in query:
        pos = key.find(ch, pos + 1)
        if pos < 0:
            return None
        if start < 0:
            start = pos
    span = pos - start + 1
    return 0.5 * len(query) / span


def match_score(query: str, entry: NameEntry) -> float:
    """0 for no match; 1.0 for a prefix, 0.8 for a substring, up to 0.5 for a fuzzy run."""
    q = _fold(query)
    if not q:
        return 0.0
    best = 0.0
    for key in entry.keys:
        if key.startswith(q):
            return 1.0
        if q in key:
            best = max(best, 0.8)
        else:
            fuzzy = _subsequence_score(q, key)
            if fuzzy is not None:
                best = max(best, fuzzy)
    return best


def search(index: list[NameEntry], query: str, *, limit: int = 20) -> list[tuple[float, NameEntry]]:
    """Best matches first; ties keep the index order (alphabetical by name)."""
    scored = [(match_score(query, entry), entry) for entry in index]
    hits = [pair for pair in scored if pair[0] > 0]
    hits.sort(key=lambda pair: -pair[0])
    return hits[:limit]


def key_matches(index: list[NameEntry], query: str) -> list[NameEntry]:
    """The entries one of whose keys equals the query once folded: the same name up to
    case, width and spaces, or its full pinyin, or its pinyin initials (`csm … 清华大学`,
    `tsinghua`-style typing aside: `qinghuadaxue`, `QHDX`)."""
    q = _fold(query)
    return [entry for entry in index if q and q in entry.keys]
