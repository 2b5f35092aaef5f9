"""Hits taken while Redis is away, kept on disk until they are replayed exactly once.

Why files under instance/spool/ and not a SQL table: the spool is written exactly when
something is failing, and SQL may be that thing (SQLite locked, PostgreSQL away). Appending a
line needs nobody else's lock, costs one write() system call, and survives a kill -9 of the
process: once write() returns, the bytes are in the kernel's page cache, which a process crash
does not lose. No fsync: a machine crash loses Redis' last second (AOF everysec) anyway.

Layout (one folder, 0700; files 0600):
- `hits-<µs>-<pid>-<token>.jsonl`: written by one process, which holds an exclusive flock on
  it while it has it open. One JSON object per line, each line written by a single os.write on
  an O_APPEND descriptor, so lines of one file never interleave and a kill -9 never leaves
  half a line behind (a full disk might: a torn line is skipped on read, with a log line).
- A process replays a file only once nobody holds its lock (its writer closed it or died: the
  kernel drops the lock of a dead process), claiming it by renaming it to
  `replay-<µs>-<pid>-<token>.jsonl`: a rename succeeds for one process only. The claimer keeps
  the lock while it replays, and writes how far it got into `replay-….pos` after each record,
  so a replayer that dies is taken over (lock free again) from where it stopped. Each record
  carries an id that the replaying code uses to ignore a record it already applied (the hit id
  in the Redis script, the click id in SQL), which covers the record in flight at the crash.
- Files are replayed oldest first (their names start with the creation time) and deleted only
  when every record in them is applied.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

WRITING, REPLAYING, CREATING = "hits-", "replay-", ".new-"
SUFFIX, POS_SUFFIX = ".jsonl", ".pos"
READ_CHUNK = 64 * 1024
# How often (bytes written by this process) the folder is measured again against the limit.
REMEASURE_EVERY = 1024 * 1024
_last_micros = 0  # file names of one process sort in creation order even within a microsecond

# kind -> function applying one record (inside an app context). Features register theirs at
# import: app.stats.services the page views ("hit"), app.blocks.operations the banner clicks.
REPLAYERS: dict[str, Callable[[dict], None]] = {}


def register_replayer(kind: str, replay: Callable[[dict], None]) -> None:
    REPLAYERS[kind] = replay


class Spool:
    """One process' writer into a spool folder, and the replayer of every file in it."""

    def __init__(self, directory: str | os.PathLike, max_bytes: int) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.dropped = 0
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._pid: int | None = None
        self._path: Path | None = None
        self._written = 0  # bytes in this process' open file
        self._used = 0  # estimate of the folder's size
        self._since_measure = 0

    # Writing
    def append(self, record: dict) -> bool:
        """Add one record; False (logged) when the spool is full or the disk refuses it."""
        line = (json.dumps(record, separators=(",", ":"), ensure_ascii=True) + "\n").encode()
        with self._lock:
            try:
                fd = self._writer()
                if self._used + len(line) > self.max_bytes:
                    self._used = self._measure()  # others may have replayed meanwhile
                    if self._used + len(line) > self.max_bytes:
                        self._drop(f"spool full ({self._used // (1024 * 1024)} MB of "
                                   f"{self.max_bytes // (1024 * 1024)} MB)")  # fmt: skip
                        return False
                written = os.write(fd, line)
            except OSError as exc:
                self._drop(f"spool write failed: {exc}")
                return False
            self._written += written
            self._used += written
            self._since_measure += written
            if self._since_measure >= REMEASURE_EVERY:
                self._used = self._measure()
            if written != len(line):  # disk full mid-line: end the torn line so it is skipped
                with contextlib.suppress(OSError):
                    os.write(fd, b"\n")
                self._drop("spool write was cut short (disk full?)")
                return False
            return True

    def _drop(self, reason: str) -> None:
        self.dropped += 1
        if self.dropped % 1000 == 1:
            log.error("statistics NOT kept: %s; %d records dropped by this process so far "
                      "(folder %s)", reason, self.dropped, self.directory)  # fmt: skip

    def _writer(self) -> int:
        if self._fd is not None and self._pid == os.getpid():
            return self._fd
        # A forked child must not write into its parent's file (nor unlock it: closing its
        # copy of the descriptor leaves the parent's lock alone).
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._ensure_directory()
        global _last_micros
        micros = _last_micros = max(time.time_ns() // 1000, _last_micros + 1)
        stamp = f"{micros:017d}-{os.getpid()}-{secrets.token_hex(4)}"
        # Created and locked under a name no replayer looks at, then renamed: a replayer can
        # never lock a file its writer has not locked yet.
        creating = self.directory / f"{CREATING}{stamp}{SUFFIX}"
        fd = os.open(creating, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                     0o600)  # fmt: skip
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path = self.directory / f"{WRITING}{stamp}{SUFFIX}"
            os.rename(creating, path)
        except OSError:
            os.close(fd)
            creating.unlink(missing_ok=True)
            raise
        self._fd, self._pid, self._path, self._written = fd, os.getpid(), path, 0
        self._used = self._measure()
        self._since_measure = 0
        log.warning("statistics spooled to %s until Redis is back", path)
        return fd

    def close(self) -> int:
        """Stop writing this process' file, which any process may then replay; returns the
        bytes it holds."""
        with self._lock:
            fd, self._fd = self._fd, None
            written, self._written = self._written, 0
            if fd is not None and self._pid == os.getpid():
                os.close(fd)  # releases the lock
                return written
            return 0

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.directory.stat().st_mode & 0o077:
            os.chmod(self.directory, 0o700)

    def _measure(self) -> int:
        self._since_measure = 0
        total = 0
        with contextlib.suppress(FileNotFoundError):
            for entry in os.scandir(self.directory):
                if entry.name.endswith(SUFFIX):
                    with contextlib.suppress(FileNotFoundError):
                        total += entry.stat().st_size
        return total

    # Reading
    def files(self) -> list[Path]:
        """Spool files written or being replayed, oldest first."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        found = [n for n in names if n.endswith(SUFFIX) and n.startswith((WRITING, REPLAYING))]
        found.sort(key=lambda n: n.split("-", 1)[1])
        return [self.directory / n for n in found]

    def pending(self) -> int:
        """Records not replayed yet, in every file (those being written included)."""
        return sum(self.pending_by_kind().values())

    def pending_by_kind(self) -> dict[str, int]:
        """Records not replayed yet, by kind ("hit", "click"; "" for a line of no
        registered kind), read in chunks: the spool may hold hundreds of MB."""
        kinds = {kind: f'{{"kind":"{kind}"'.encode() for kind in REPLAYERS}
        counts = dict.fromkeys(kinds, 0)
        lines = 0
        for path in self.files():
            start = _read_pos(path.with_suffix(POS_SUFFIX)) if path.name.startswith(
                REPLAYING) else 0  # fmt: skip
            with contextlib.suppress(FileNotFoundError), open(path, "rb") as fh:
                fh.seek(start)
                rest = b""
                while chunk := fh.read(READ_CHUNK * 16):
                    whole, newline, rest = (rest + chunk).rpartition(b"\n")
                    lines += whole.count(b"\n") + 1 if newline else 0
                    for kind, mark in kinds.items():
                        counts[kind] += whole.count(mark)
        counts[""] = lines - sum(counts.values())
        return {kind: n for kind, n in counts.items() if n or kind}

    def oldest(self) -> float | None:
        """When the oldest file still to replay was started (epoch seconds), if any."""
        for path in self.files():
            with contextlib.suppress(ValueError, IndexError):
                return int(path.name.split("-", 2)[1]) / 1_000_000
        return None

    def replay(self, limit: int = 2000, stop_on: tuple[type[BaseException], ...] = ()) -> int:
        """Apply up to `limit` records of every file nobody else holds, oldest first.

        A record whose replayer raises one of `stop_on` (the store it needs is away) stops the
        replay where it is, to be continued later, and the exception propagates; any other
        error is logged and the record skipped, so one bad line never blocks the rest.
        """
        own = None
        if self._fd is not None and self._pid == os.getpid():
            own = self._path
        if own is not None and self._written:
            self.close()  # our own file: finished, so it can be replayed now
        done = 0
        for path in self.files():
            if done >= limit:
                break
            if own is not None and path == own and self._fd is not None:
                continue
            claimed = self._claim(path)
            if claimed is None:
                continue
            fd, path = claimed
            try:
                done += self._replay_file(fd, path, limit - done, stop_on)
            finally:
                os.close(fd)
        self._cleanup()
        return done

    def _claim(self, path: Path) -> tuple[int, Path] | None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # its writer (or another replayer) is alive
            os.close(fd)
            return None
        try:
            # Locked, but is it still that file? Another replayer may have finished and
            # deleted (or renamed) it between our open and our lock.
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                raise FileNotFoundError(path)
            if path.name.startswith(WRITING):
                claimed = path.with_name(REPLAYING + path.name[len(WRITING) :])
                os.rename(path, claimed)  # the claim: only one rename of `path` succeeds
                path = claimed
        except FileNotFoundError:
            os.close(fd)
            return None
        return fd, path

    def _replay_file(self, fd: int, path: Path, limit: int, stop_on) -> int:
        pos_path = path.with_suffix(POS_SUFFIX)
        offset = _read_pos(pos_path)
        pos_fd = os.open(pos_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        done = 0
        finished = False
        try:
            for end, line in _lines(fd, offset):
                if done >= limit:
                    break
                if line is None:
                    log.warning("skipped a torn last line in %s (its writer was cut off)", path)
                else:
                    _apply(line, path, stop_on)
                    done += 1
                offset = end
                # The record in flight at a crash is applied again: its id makes that a no-op.
                os.pwrite(pos_fd, f"{offset:020d}".encode(), 0)
            else:
                finished = True
        finally:
            if finished:
                path.unlink(missing_ok=True)  # still locked by us: nobody else replays it
                pos_path.unlink(missing_ok=True)
            os.close(pos_fd)
        if finished:
            log.info("spool file %s replayed", path.name)
        return done

    def _cleanup(self) -> None:
        """Remove what dead processes left: unnamed new files, positions of finished files."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return
        for name in names:
            path = self.directory / name
            if name.endswith(POS_SUFFIX) and not path.with_suffix(SUFFIX).exists():
                path.unlink(missing_ok=True)
            elif name.startswith(CREATING) and _older_than(path, 60):
                claimed = self._claim(path)  # a lock we get means its creator is dead
                if claimed is not None:
                    path.unlink(missing_ok=True)
                    os.close(claimed[0])


def _apply(line: bytes, path: Path, stop_on) -> None:
    try:
        record = json.loads(line)
        replay = REPLAYERS[record.pop("kind")]
    except (ValueError, KeyError, TypeError, AttributeError):
        log.error("skipped an unreadable spool record in %s: %r", path.name, line[:200])
        return
    try:
        replay(record)
    except stop_on:
        raise
    except Exception:  # one bad record must not block every record behind it
        log.exception("skipped a spool record of %s that failed: %r", path.name, line[:200])


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except FileNotFoundError:
        return False


def _read_pos(pos_path: Path) -> int:
    try:
        return int(pos_path.read_bytes().strip() or b"0")
    except (FileNotFoundError, ValueError):
        return 0


def _lines(fd: int, offset: int):
    """(offset after the line, line) for each line from `offset`; a last line without its
    newline comes as (end of file, None)."""
    buffer = b""
    start = offset
    while True:
        chunk = os.pread(fd, READ_CHUNK, offset)
        if not chunk:
            break
        offset += len(chunk)
        buffer += chunk
        while True:
            newline = buffer.find(b"\n")
            if newline < 0:
                break
            line, buffer = buffer[:newline], buffer[newline + 1 :]
            start += newline + 1
            if line.strip():
                yield start, line
    if buffer:
        yield start + len(buffer), None
