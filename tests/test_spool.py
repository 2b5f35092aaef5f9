"""The on-disk spool of hits taken while Redis is away: order, torn lines, claims, crashes."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import stat
import threading

import pytest

from app.stats import spool as spool_module
from app.stats.spool import Spool


class Unavailable(Exception):
    """What a replayer raises when the store it writes to is away."""


@pytest.fixture
def applied(monkeypatch) -> list[int]:
    """Records of kind "test" are applied by appending their "n" here."""
    seen: list[int] = []
    monkeypatch.setitem(spool_module.REPLAYERS, "test", lambda record: seen.append(record["n"]))
    return seen


def fill(spool: Spool, numbers) -> None:
    for n in numbers:
        assert spool.append({"kind": "test", "n": n})


def test_records_are_replayed_once_in_order_and_the_file_removed(tmp_path, applied):
    spool = Spool(tmp_path / "spool", max_bytes=1 << 20)
    fill(spool, range(5))
    assert spool.pending() == 5

    assert spool.replay() == 5
    assert spool.replay() == 0

    assert applied == [0, 1, 2, 3, 4]
    assert spool.pending() == 0
    assert os.listdir(tmp_path / "spool") == []


def test_files_of_several_writers_replay_oldest_first(tmp_path, applied):
    first, second = Spool(tmp_path, 1 << 20), Spool(tmp_path, 1 << 20)
    fill(first, [1, 2])
    fill(second, [3, 4])
    first.close()
    second.close()

    Spool(tmp_path, 1 << 20).replay()

    assert applied == [1, 2, 3, 4]


def test_the_folder_is_private_and_so_are_its_files(tmp_path, applied):
    folder = tmp_path / "spool"
    spool = Spool(folder, 1 << 20)
    fill(spool, [1])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (path,) = spool.files()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_torn_last_line_is_skipped_and_the_rest_replayed(tmp_path, applied, caplog):
    spool = Spool(tmp_path, 1 << 20)
    fill(spool, [1, 2])
    (path,) = spool.files()
    spool.close()
    with open(path, "ab") as fh:  # a writer cut off in the middle of its last line
        fh.write(b'{"kind":"test","n":3')

    with caplog.at_level(logging.WARNING):
        assert spool.replay() == 2

    assert applied == [1, 2]
    assert "torn" in caplog.text
    assert spool.files() == []


def test_an_unreadable_line_is_skipped_without_blocking_the_rest(tmp_path, applied, caplog):
    spool = Spool(tmp_path, 1 << 20)
    fill(spool, [1])
    (path,) = spool.files()
    os.write(spool._fd, b"not json\n")
    fill(spool, [2])
    spool.close()

    spool.replay()

    assert applied == [1, 2]
    assert "unreadable" in caplog.text
    assert path.exists() is False


def test_a_file_its_writer_still_holds_is_left_alone(tmp_path, applied):
    writer = Spool(tmp_path, 1 << 20)
    fill(writer, [1, 2])
    other = Spool(tmp_path, 1 << 20)  # another process of the same deployment

    assert other.replay() == 0
    assert applied == []

    writer.close()  # a worker stopping, or the kernel closing the files of a dead one
    assert other.replay() == 2
    assert applied == [1, 2]


def test_the_writer_replays_its_own_file_once_it_is_finished(tmp_path, applied):
    spool = Spool(tmp_path, 1 << 20)
    fill(spool, [1, 2])

    assert spool.replay() == 2
    fill(spool, [3])  # a later outage: a new file
    assert spool.replay() == 1

    assert applied == [1, 2, 3]


def test_racing_replayers_apply_each_record_exactly_once(tmp_path, applied):
    writer = Spool(tmp_path, 1 << 20)
    fill(writer, range(300))
    writer.close()
    writer2 = Spool(tmp_path, 1 << 20)
    fill(writer2, range(300, 600))
    writer2.close()
    replayers = [Spool(tmp_path, 1 << 20) for _ in range(6)]
    barrier = threading.Barrier(len(replayers))

    def run(spool: Spool) -> None:
        barrier.wait()
        while spool.files():
            spool.replay(limit=50)

    threads = [threading.Thread(target=run, args=(s,)) for s in replayers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(applied) == list(range(600))


def test_a_replay_stopped_by_an_outage_continues_where_it_stopped(tmp_path, monkeypatch):
    seen: list[int] = []
    down = {"at": 3}

    def apply(record):
        if record["n"] == down["at"]:
            raise Unavailable
        seen.append(record["n"])

    monkeypatch.setitem(spool_module.REPLAYERS, "test", apply)
    spool = Spool(tmp_path, 1 << 20)
    fill(spool, range(6))

    with pytest.raises(Unavailable):
        spool.replay(stop_on=(Unavailable,))
    assert seen == [0, 1, 2]
    assert spool.pending() == 3

    down["at"] = None
    assert spool.replay(stop_on=(Unavailable,)) == 3
    assert seen == [0, 1, 2, 3, 4, 5]


def test_a_replayer_killed_mid_file_is_taken_over_from_where_it_was(tmp_path):
    """kill -9 of the replaying process: its lock goes with it; the next replayer starts
    after the last record the dead one finished (the one in flight is the replayer's own
    id check's business)."""
    log_path = tmp_path / "applied.txt"
    folder = tmp_path / "spool"
    writer = Spool(folder, 1 << 20)
    for n in range(8):
        writer.append({"kind": "test", "n": n})
    writer.close()

    pid = os.fork()
    if pid == 0:  # the replayer that dies on its fourth record
        try:

            def apply(record):
                if record["n"] == 3:
                    os._exit(0)
                with open(log_path, "a") as fh:
                    fh.write(f"{record['n']}\n")

            spool_module.REPLAYERS["test"] = apply
            Spool(folder, 1 << 20).replay()
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    (claimed,) = Spool(folder, 1 << 20).files()
    assert claimed.name.startswith("replay-")  # claimed by rename before it died

    def apply_here(record):
        with open(log_path, "a") as fh:
            fh.write(f"{record['n']}\n")

    spool_module.REPLAYERS["test"] = apply_here
    try:
        assert Spool(folder, 1 << 20).replay() == 5
    finally:
        del spool_module.REPLAYERS["test"]

    assert [int(x) for x in log_path.read_text().split()] == list(range(8))
    assert os.listdir(folder) == []


def test_a_full_spool_refuses_more_and_says_so(tmp_path, applied, caplog):
    line = len(json.dumps({"kind": "test", "n": 1}, separators=(",", ":"))) + 1
    spool = Spool(tmp_path, max_bytes=3 * line)
    fill(spool, [1, 2, 3])

    with caplog.at_level(logging.ERROR):
        assert spool.append({"kind": "test", "n": 4}) is False
    assert "spool full" in caplog.text
    assert spool.dropped == 1

    spool.replay()  # room again once replayed
    assert spool.append({"kind": "test", "n": 5}) is True
    spool.replay()
    assert applied == [1, 2, 3, 5]


def test_a_forked_child_writes_a_file_of_its_own(tmp_path, applied):
    spool = Spool(tmp_path, 1 << 20)
    fill(spool, [1])
    pid = os.fork()
    if pid == 0:
        try:
            spool.append({"kind": "test", "n": 2})
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert len(spool.files()) == 2
    with open(spool._path, "rb") as fh:  # the parent's file is still locked by the parent
        with pytest.raises(BlockingIOError):
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)

    spool.replay()
    assert sorted(applied) == [1, 2]
