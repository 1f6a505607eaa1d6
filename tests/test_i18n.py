"""The Chinese interface: the catalogue matches the code, the CLI and the TUI speak
Chinese when asked, and the language follows --lang, CSM_LANG or the locale."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest
from textual.binding import Binding

from csm_tui.i18n import (
    LABELS,
    catalogue,
    current_language,
    detect_language,
    label,
    set_language,
    t,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "csm_tui").rglob("*.py")), *sorted((ROOT / "screens").glob("*.py"))]


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield
    set_language("en")


def _literal(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal(node.body) + _literal(node.orelse)
    return []


def used_msgids() -> tuple[set[str], list[str]]:
    """Every string the code marks for translation: literal first arguments of t() and
    N_(), and binding descriptions. Also where t() gets an f-string (a bug: the
    formatted text can never be in the catalogue)."""
    found: set[str] = set()
    bad: list[str] = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name in ("t", "N_") and node.args:
                first = node.args[0]
                if isinstance(first, ast.JoinedStr):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                found.update(_literal(first))
            elif name == "Binding":
                desc = node.args[2] if len(node.args) > 2 else next(
                    (k.value for k in node.keywords if k.arg == "description"), None)
                if desc is not None:
                    found.update(_literal(desc))
                    if isinstance(desc, ast.Call):
                        found.update(_literal(desc.args[0]))
    return found, bad


def test_every_msgid_has_a_chinese_entry_and_every_entry_is_used() -> None:
    used, fstrings = used_msgids()
    assert not fstrings, f"t() given an f-string (use t('… {{x}}', x=…)): {fstrings}"
    zh = catalogue("zh_CN")
    missing = sorted(m for m in used if m not in zh)
    dead = sorted(k for k in zh if k not in used)
    assert not missing, "msgids without a zh_CN entry:\n" + "\n".join(missing)
    assert not dead, "zh_CN entries no code uses:\n" + "\n".join(dead)


def test_translations_keep_their_placeholders() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    zh = catalogue("zh_CN")
    wrong = [k for k, v in zh.items() if fields(k) != fields(v) or not v.strip()]
    assert not wrong, wrong


def test_catalogue_is_a_package_data_file() -> None:
    path = ROOT / "csm_tui" / "locale" / "zh_CN.json"
    assert json.loads(path.read_text(encoding="utf-8"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"locale/*.json"' in pyproject


def test_t_formats_and_falls_back_to_english() -> None:
    set_language("zh_CN")
    assert t("Today") == "今日"
    assert t("not a string in the catalogue {x}", x=1) == "not a string in the catalogue 1"
    assert label("stage", "handover") == "交接期"
    assert [label("stage", s) for s in LABELS["stage"]] == [
        "交接期", "启动期", "适应期", "续约期", "已续约", "流失期"]
    set_language("en")
    assert t("Today") == "Today"
    assert label("stage", "handover") == "handover"


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"LC_ALL": "zh_CN.GB18030"}, "zh_CN"),
    ({"CSM_LANG": "zh_CN", "LANG": "en_US.UTF-8"}, "zh_CN"),
    ({"CSM_LANG": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
])
def test_language_from_the_environment(env: dict[str, str], expected: str) -> None:
    assert detect_language(env) == expected


def test_cli_lang_option_wins_over_the_environment() -> None:
    from csm_tui.cli import choose_language

    assert choose_language(["--lang", "zh_CN", "today"], {"LANG": "en_US.UTF-8"}) == "zh_CN"
    assert choose_language(["today", "--lang=en"], {"CSM_LANG": "zh_CN"}) == "en"
    assert choose_language(["today"], {"CSM_LANG": "zh_CN"}) == "zh_CN"
    assert current_language() == "zh_CN"


def _seed(path: Path) -> None:
    from csm_tui.cli import main

    assert main(["seed-demo", "--db", str(path), "--today", "2026-11-24"]) == 0


def test_cli_today_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.cli import main

    db = tmp_path / "demo.db"
    _seed(db)
    capsys.readouterr()
    assert main(["--lang", "zh_CN", "today", "--db", str(db), "--today", "2026-11-24"]) == 0
    out = capsys.readouterr().out
    assert "今日" in out and "待办" in out
    assert "客户" in out and "原因" in out
    # --json keeps its field names: they are an API, not interface text
    assert main(["today", "--json", "--lang", "zh_CN", "--db", str(db),
                 "--today", "2026-11-24"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"date", "scope", "owner", "total", "items"}
    assert {"priority", "account", "why"} <= set(data["items"][0])


def test_cli_error_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    from csm_tui.cli import main

    db = tmp_path / "demo.db"
    _seed(db)
    capsys.readouterr()
    monkeypatch.setenv("CSM_LANG", "zh_CN")
    code = main(["tier", "no such account", "A", "--reason", "x", "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2
    assert "错误" in err and "未找到" in err
    assert main(["seed-demo"]) == 2
    assert "需要" in capsys.readouterr().err


def test_cli_help_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.cli import main

    with pytest.raises(SystemExit):
        main(["--lang", "zh_CN", "--help"])
    assert "界面语言" in capsys.readouterr().out


def test_cli_undo_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from csm_tui.cli import main

    db = str(tmp_path / "empty.db")
    assert main(["--lang", "zh_CN", "undo", "--db", db, "--create"]) == 2
    assert "没有可撤销的操作" in capsys.readouterr().err
    assert main(["--lang", "zh_CN", "undo", "--list", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "变更记录为空"


def test_undo_messages_in_chinese_and_the_log_in_english(store: object) -> None:
    from datetime import UTC, date, datetime

    from sqlmodel import select

    from csm_tui.lifecycle import move_stage
    from csm_tui.undo import undo_last
    from db.models import Account, ChangeLog

    today = date(2026, 11, 24)
    with store.transaction() as s:  # type: ignore[attr-defined]
        account = Account(name="清华大学", tier="A", stage="onboarding",
                          stage_entered=date(2026, 10, 1), contract_start=date(2026, 9, 20),
                          contract_end=date(2027, 9, 19), arr_minor=50_000_00)
        s.add(account)
        s.flush()
        aid = account.id
    move_stage(store, aid, "adoption", today=today)  # type: ignore[arg-type]
    set_language("zh_CN")
    result = undo_last(store)  # type: ignore[arg-type]
    assert result.done
    assert result.message == "已撤销：将 清华大学 从启动期移到适应期"
    assert undo_last(store).message == "没有可撤销的操作"  # type: ignore[arg-type]
    with store.session() as s:  # type: ignore[attr-defined]
        summaries = [e.summary for e in s.exec(select(ChangeLog)) if e.action == "undo"]
    assert summaries == ["Undone: moved 清华大学 from onboarding to adoption"]
    from csm_tui.followup import log_followup

    log_followup(store, aid, summary="Call", now=datetime(2026, 11, 24, 9, tzinfo=UTC),  # type: ignore[arg-type]
                 today=today)
    assert undo_last(store).message == "已撤销：2026-11-24 对 清华大学 记录的跟进"  # type: ignore[arg-type]


async def test_u_notifies_in_chinese(demo_store: object) -> None:
    from datetime import UTC, datetime
    from typing import Any

    from sqlmodel import select

    from csm_tui.factory import make_app
    from csm_tui.followup import log_followup
    from db.models import Account
    from screens.today import TodayScreen
    from tests.conftest import TODAY
    from tests.pilot import WatchedApp, press, started

    class TitledApp(WatchedApp):
        """Records each notification's title with its text (`notices` has the text)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.titled: list[tuple[str, str]] = []

        def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
            self.titled.append((str(kwargs.get("title", "")), str(message)))
            super().notify(message, **kwargs)

    with demo_store.session() as s:  # type: ignore[attr-defined]
        account = s.exec(select(Account).where(Account.name == "清华大学")).one()
    log_followup(demo_store, account.id, summary="Budget confirmed",  # type: ignore[arg-type]
                 now=datetime(2026, 11, 24, 9, tzinfo=UTC), today=TODAY)
    app = make_app(demo_store, today=TODAY, lang="zh_CN",  # type: ignore[arg-type]
                   app_class=TitledApp)
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        await press(pilot, "u", ready=TodayScreen)  # undone: Today reloads
        assert ("撤销", "已撤销：2026-11-24 对 清华大学 记录的跟进") in app.titled
        await press(pilot, "m", ready=TodayScreen)  # the other scope: Today reloads
        assert any(n.startswith("显示") for n in app.notices)


# ---- bindings and help ------------------------------------------------------------

def _classes_with_bindings() -> list[type]:
    import screens
    from csm_tui.app import CsmApp

    found: list[type] = [CsmApp]
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in vars(cls):
                found.append(cls)
    return found


def test_every_binding_has_a_translated_description() -> None:
    zh = catalogue("zh_CN")
    classes = _classes_with_bindings()
    assert len(classes) > 15
    for cls in classes:
        for binding in vars(cls)["BINDINGS"]:
            assert isinstance(binding, Binding), cls
            assert binding.description.strip(), f"{cls.__name__}: {binding.key} has no description"
            assert binding.description in zh, f"{cls.__name__}: {binding.description!r}"


async def test_tui_in_chinese(demo_store: object) -> None:
    from textual.widgets import Label

    from screens.help import HelpScreen
    from screens.keybar import KeyBar
    from screens.lifecycle import LifecycleScreen
    from tests.conftest import TODAY
    from tests.pilot import press, started, watched_app

    app = watched_app(demo_store, TODAY, lang="zh_CN")  # type: ignore[arg-type]
    async with app.run_test(size=(160, 45)) as pilot:
        await started(pilot)
        assert app.screen.title == "今日"
        assert "今日" in str(app.screen.query_one("HeaderTitle").render())
        await press(pilot, "3", ready=LifecycleScreen)
        assert app.screen.title == "生命周期"
        head = str(app.screen.query_one("#head-handover", Label).render())
        assert head.startswith("交接期")
        assert "流失期" in str(app.screen.query_one("#head-churned", Label).render())
        keys = str(app.screen.query_one(KeyBar).render())
        assert "流失" in keys and "帮助" in keys
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "生命周期" in text and "全局" in text and "退出" in text
        assert "Quit" not in text

