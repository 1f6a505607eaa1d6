"""Account name search: plain, fuzzy, CJK, pinyin and pinyin initials."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from csm_tui.namesearch import build_index, match_score, name_keys, search

NAMES = [(1, "清华大学"), (2, "北京大学"), (3, "Acme Corporation"), (4, "华为技术有限公司"),
         (5, "Northwind Traders"), (6, "复旦大学")]


def _first(query: str) -> str:
    hits = search(build_index(NAMES), query)
    assert hits, f"nothing found for {query!r}"
    return hits[0][1].name


def test_pinyin_initials_and_full_pinyin() -> None:
    assert _first("qhdx") == "清华大学"
    assert _first("qinghua") == "清华大学"
    assert _first("fudan") == "复旦大学"
    assert _first("hwjs") == "华为技术有限公司"


def test_cjk_substring_and_latin_fuzzy() -> None:
    assert _first("北京") == "北京大学"
    assert _first("nwtr") == "Northwind Traders"
    assert _first("ACME") == "Acme Corporation"


def test_no_match_is_empty() -> None:
    assert search(build_index(NAMES), "zzzzq") == []
    assert search(build_index(NAMES), "") == []


def test_keys_for_latin_names_are_just_the_name() -> None:
    assert name_keys("Acme Corporation") == ("acmecorporation",)


@given(st.text(min_size=1, max_size=20))
def test_a_name_always_finds_itself(name: str) -> None:
    entry = build_index([(1, name)])[0]
    if name.strip():
        assert match_score(name, entry) == 1.0


async def test_palette_jumps_to_account_by_pinyin_initials(demo_store, today) -> None:  # type: ignore[no-untyped-def]
    from screens.account import AccountScreen
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, today)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "ctrl+p", *"qhdx")
        await app.workers.wait_for_complete()  # the palette's search for "qhdx"
        await pilot.pause()
        await press(pilot, "enter", ready=AccountScreen)  # the one hit opens the account
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.detail is not None and app.screen.detail.account.name == "清华大学"
