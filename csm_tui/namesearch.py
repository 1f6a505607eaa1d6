"""Finding an account by what a person types: part of the name, a fuzzy run of its
letters, or — for Chinese names — its pinyin or pinyin initials (`qhdx` → 清华大学).

The one matcher of the app: the palette and the CLI's ACCOUNT argument rank names
(`build_index`, `search`); every `/` filter keeps the rows whose `search_text`
contains each word typed (`filter_words`, `text_matches`), pinyin and initials
included.

Keys are computed once per name (pypinyin is loaded only here, and only when a
search index is built), so each keystroke is a scan over short strings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NameEntry:
    id: int
    name: str
    keys: tuple[str, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, ...]:
    """For text with CJK characters: its full pinyin and its pinyin initials, folded
    (non-CJK characters kept as they are); nothing for other text."""
    if not _has_cjk(text):
        return ()
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, errors="default")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return (_fold("".join(syllables)), _fold("".join(initials)))


def name_keys(name: str) -> tuple[str, ...]:
    """The strings a query may match: the folded name, and for CJK names its full
    pinyin and its pinyin initials (non-CJK characters kept as they are)."""
    return tuple(dict.fromkeys((_fold(name), *pinyin_keys(name))))


def fold_text(text: str) -> str:
    """Width- and case-folded, spaces kept (`ＡＢＣ Co` → `abc co`)."""
    return unicodedata.normalize("NFKC", text).casefold()


def search_text(*parts: str, pinyin: Iterable[str] = ()) -> str:
    """What a `/` filter looks in: the parts folded, plus the pinyin and initials of
    the `pinyin` parts (names: an account's, a contact's)."""
    keys = [fold_text(p) for p in parts if p]
    for name in pinyin:
        keys.extend(pinyin_keys(name))
    return " ".join(keys)


def tier_words(tier: str) -> str:
    """What a tier adds to a row's filter text: "s" and "tier:s"."""
    return f"tier:{fold_text(tier)} {fold_text(tier)}"


def value_words(kind: str, value: str) -> str:
    """What a stored value adds to a row's filter text: itself and its label in the
    user's language, folded ("qbr QBR", "handover 交接期"); nothing for no value."""
    from csm_tui.i18n import label

    return f"{fold_text(value)} {fold_text(label(kind, value))}" if value else ""


def filter_words(query: str) -> list[str]:
    """The words of a filter query, folded; a row must contain each."""
    return fold_text(query).split()


def text_matches(words: list[str], text: str) -> bool:
    return all(word in text for word in words)


def filter_items(items: Iterable[T], query: str, text_of: Callable[[T], str]) -> list[T]:
    """The items whose search text contains every word of `query` (all when empty)."""
    words = filter_words(query)
    if not words:
        return list(items)
    return [item for item in items if text_matches(words, text_of(item))]


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
