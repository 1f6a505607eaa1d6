"""The services' one memo computes a view once even when two workers ask at once (the
prefetch and the screen the user just opened), and never keeps a stale one."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

import csm_tui.portfolio
from csm_tui.portfolio import PortfolioPage
from csm_tui.services import Services
from db.store import Store
from tests.conftest import TODAY


def _parked(thread: threading.Thread, calls: list[int]) -> None:
    """Until `thread` waits inside the memo for the running computation, or (without
    the shared computation) has started its own."""
    for _ in range(2000):
        frame = sys._current_frames().get(thread.ident or -1)
        names = set()
        while frame is not None:
            names.add(frame.f_code.co_name)
            frame = frame.f_back
        if len(calls) > 1 or {"_memoised", "wait"} <= names:
            return
        thread.join(0.005)
    raise AssertionError("the second asker neither waited nor computed")


def _race(store: Store, monkeypatch: pytest.MonkeyPatch, *, first_fails: bool
          ) -> tuple[list[int], list[Any]]:
    """Two workers ask for the Portfolio of one key: the second while the first's read
    is held. Returns the reads made and each asker's outcome (a view or its error)."""
    services = Services(store, today=lambda: TODAY, user="alex.chen")
    key = services.view_key()
    real = csm_tui.portfolio.load_page
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(10)
            if first_fails:
                raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(csm_tui.portfolio, "load_page", held)
    outcomes: list[Any] = [None, None]

    def ask(n: int) -> None:
        try:
            outcomes[n] = services.portfolio_page(key)
        except RuntimeError as exc:
            outcomes[n] = exc

    first = threading.Thread(target=ask, args=(0,))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=ask, args=(1,))
    second.start()
    _parked(second, calls)
    release.set()
    first.join(10)
    second.join(10)
    return calls, outcomes


def test_two_askers_share_one_computation(demo_store: Store,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls, (first, second) = _race(demo_store, monkeypatch, first_fails=False)
    assert len(calls) == 1 and first is not None and first is second


def test_a_failed_computation_lets_the_waiter_compute(demo_store: Store,
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    calls, (first, second) = _race(demo_store, monkeypatch, first_fails=True)
    assert isinstance(first, RuntimeError) and isinstance(second, PortfolioPage)
    assert len(calls) == 2
