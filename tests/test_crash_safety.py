"""A kill at any moment loses nothing that was acknowledged as saved.

A "zygote" child process imports the app once, then forks one writer per round. The
writer logs follow-ups in a loop through `log_followup` (the function the log form and
`csm log` call) and prints an acknowledgement only after each call has returned, i.e.
after the commit. The test SIGKILLs the writer at a random moment, 100 rounds in a row,
and after each kill reopens the file: the database must pass `PRAGMA integrity_check`
and hold every acknowledged follow-up.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.models import Account
from db.store import open_store

pytestmark = pytest.mark.sqlite_only  # kills a process writing a SQLite file

ROUNDS = 100

# The zygote reads "go N" on stdin, forks a writer for round N and reports
# "ready PID" / "ack PID TOUCHPOINT_ID SUMMARY" / "dead PID"; ordering on the shared
# pipe guarantees that every ack of a writer comes before its "dead" line.
ZYGOTE = r"""
import os, sys
from datetime import UTC, datetime
from csm_tui.followup import log_followup
from db.store import open_store

db, account_id = sys.argv[1], int(sys.argv[2])

def say(line):
    os.write(1, (line + "\n").encode())

def writer(round_no):
    store = open_store(db)
    say(f"ready {os.getpid()}")
    n = 0
    while True:
        n += 1
        summary = f"r{round_no}-n{n} 跟进 {'x' * (n % 50 + 1)}"
        result = log_followup(store, account_id, summary=summary, channel="call",
                              now=datetime.now(UTC))
        say(f"ack {os.getpid()} {result.done_id} {summary}")

say("zygote")
for line in sys.stdin:
    round_no = int(line.split()[1])
    pid = os.fork()
    if pid == 0:
        try:
            writer(round_no)
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    say(f"dead {pid}")
"""


def _read_line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read() if proc.stderr else ""
        raise AssertionError(f"zygote ended unexpectedly: {err}")
    return line.rstrip("\n")


def test_sigkill_never_loses_an_acknowledged_followup(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    store = open_store(str(db))
    with store.transaction() as session:
        account = Account(name="清华大学", tier="S")
        session.add(account)
        session.flush()
        account_id = account.id
    store.close()

    rng = random.Random(8)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE, str(db), str(account_id)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    acked: dict[int, str] = {}
    writer = 0
    try:
        assert _read_line(zygote) == "zygote"
        assert zygote.stdin is not None
        for round_no in range(ROUNDS):
            zygote.stdin.write(f"go {round_no}\n")
            zygote.stdin.flush()
            kind, pid_text = _read_line(zygote).split(" ", 1)
            assert kind == "ready", kind
            writer = int(pid_text)
            time.sleep(rng.uniform(0.02, 0.3))
            os.kill(writer, signal.SIGKILL)
            while True:
                line = _read_line(zygote)
                if line.startswith("dead "):
                    writer = 0  # reaped: its pid is no longer ours to signal
                    break
                _, _pid, tp_id, summary = line.split(" ", 3)
                acked[int(tp_id)] = summary

            con = sqlite3.connect(db)
            try:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                saved = dict(con.execute("SELECT id, summary FROM touchpoint "
                                         "WHERE status = 'done'").fetchall())
                planned = con.execute("SELECT count(*) FROM touchpoint WHERE "
                                      "status = 'planned'").fetchone()[0]
                logged = con.execute("SELECT count(*) FROM changelog WHERE "
                                     "action='followup.log'").fetchone()[0]
            finally:
                con.close()
            missing = {i: s for i, s in acked.items() if saved.get(i) != s}
            assert not missing, f"round {round_no}: acknowledged saves lost: {missing}"
            # one transaction: a touchpoint never exists without its change-log entry,
            # and the follow-ups leave exactly one next planned touch
            assert planned == (1 if saved else 0), f"round {round_no}: {planned} planned"
            assert logged == len(saved), f"round {round_no}: {logged} log entries, " \
                                         f"{len(saved)} touchpoints"
    finally:
        if writer:  # a failed assertion must not leave a writer running
            with contextlib.suppress(ProcessLookupError):
                os.kill(writer, signal.SIGKILL)
        if zygote.stdin:
            zygote.stdin.close()
        zygote.kill()
        zygote.wait(timeout=10)
    assert len(acked) > ROUNDS  # the writers really wrote while being killed
    reopened = open_store(str(db))  # and the app still opens it
    reopened.close()
