"""The services' one memo computes a view once even when two workers ask at once (the
prefetch and the screen the user just opened), and never keeps a stale one."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

import csm_tui.portfolio
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


def test_two_askers_share_one_computation(demo_store: Store,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    services = Services(demo_store, today=lambda: TODAY, user="alex.chen")
    key = services.view_key()
    real = csm_tui.portfolio.load_portfolio
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        started.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(csm_tui.portfolio, "load_portfolio", slow)
    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(services.portfolio(key)))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: results.append(services.portfolio(key)))
    second.start()
    _parked(second, calls)
    release.set()
    first.join(10)
    second.join(10)
    assert len(calls) == 1 and len(results) == 2 and results[0] is results[1]


def test_a_failed_computation_lets_the_waiter_compute(demo_store: Store,
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    services = Services(demo_store, today=lambda: TODAY, user="alex.chen")
    key = services.view_key()
    real = csm_tui.portfolio.load_portfolio
    calls: list[int] = []
    started, release = threading.Event(), threading.Event()

    def failing_first(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(10)
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(csm_tui.portfolio, "load_portfolio", failing_first)
    errors: list[BaseException] = []
    results: list[Any] = []

    def first_asker() -> None:
        try:
            services.portfolio(key)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=first_asker)
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: results.append(services.portfolio(key)))
    second.start()
    _parked(second, calls)
    release.set()
    first.join(10)
    second.join(10)
    assert len(errors) == 1 and len(results) == 1 and len(calls) == 2
