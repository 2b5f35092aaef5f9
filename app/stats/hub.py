"""Per-process fan-out: ONE Redis subscriber feeds every live-stats stream of the process.

Clients never get a queue of their own: the hub keeps the newest pre-encoded frame and a
version number. A slow client simply skips to the newest numbers.

Under gunicorn's gevent workers the hub writes each message to every stream's socket itself,
in one loop, one non-blocking send per client (`DirectStream`): waking thousands of
greenlets to write the same bytes cost more than the writes (profile in bench/README.md,
"Fan-out after issue 10"). A stream's greenlet sleeps until its heartbeat is due or the
hub needs it: the rest of a write the client's socket could not take at once, a client
gone, the server stopping. Elsewhere (the dev server, the test client) streams wait on a
single Event that is replaced on each message and write their frames themselves.

The hub also counts the streams it serves against three allowances: the process' cap, which
always leaves part of the worker's connections to pages, and a per-address and per-visitor
share, so that one client cannot take every slot.

The same subscriber carries the staff's live panel (app/stats/live_panel.py) on a channel of
its own, kept apart in a `StaffTopic`: its own frame (`event: live`), version and Event, and
its own few streams, so the readers' frames and slots stay exactly as they were.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass

import redis

from app.extensions import redis_store
from app.redis_keys import DEFAULT

log = logging.getLogger(__name__)

READ_TIMEOUT = 1.0  # how long one get_message() waits
# Reconnecting: the first try after this long, then twice as long each time, at most
# RETRY_MAX: streams hold correct numbers again within about a second of Redis' return,
# whatever the outage lasted (a stream's contract: its `retry:` + 2 s).
RETRY_FIRST = 0.1
RETRY_MAX = 1.0
PING_EVERY = 5.0  # each subscriber publishes a probe to itself this often…
DEAD_AFTER = 12.0  # …and takes its connection for dead when none came back for this long
# redis-py's PING on a subscription (8.1, decoded responses) never returns its PONG, and its
# health check swallows it: a probe through the channel itself tests the whole path
# (the site's probe channel, app/redis_keys.py).


# Streams per process when no server told us its connection limit (the dev server).
DEFAULT_STREAM_CAP = 1000

_HUBS: list[Hub] = []
# gunicorn's worker_connections for this worker process, once post_worker_init has run.
_worker_connections: int | None = None
# Whether the hub may write frames to stream sockets itself: only in a gevent worker that
# speaks plain HTTP/1.x on its sockets (no TLS, no HTTP/2, no uwsgi protocol), the one
# setup where the bytes gunicorn would write for a frame are known (see `direct_framing`).
_direct_writes = False
# Never wait, and no SIGPIPE for a client that has gone.
SEND_FLAGS = socket.MSG_DONTWAIT | getattr(socket, "MSG_NOSIGNAL", 0)


def page_reserve(connections: int) -> int:
    """Connections a worker keeps for pages and /api/stats, whatever the streams hold: a
    tenth, and at least 500 (half, for a worker that has fewer than 1,000)."""
    return max(connections // 10, min(500, connections // 2))


def stream_cap(configured: int, connections: int | None = None) -> int:
    """Streams one process may hold: the configured cap (0: as many as fit), never more than
    the worker's connection limit minus the reserve for pages."""
    if connections is None:
        connections = _worker_connections
    if not connections:
        return configured if configured > 0 else DEFAULT_STREAM_CAP
    room = max(0, connections - page_reserve(connections))
    return min(configured, room) if configured > 0 else room


@dataclass(frozen=True)
class StreamLimits:
    total: int  # streams per process
    per_address: int  # per client address (IPv6: per /64); 0 = no limit
    per_visitor: int  # per visitor (signed cookie, else IP+UA hash); 0 = no limit


@dataclass(frozen=True)
class StreamClient:
    member: str | None  # a signed visitor id the heartbeat keeps online, else None
    visitor: str  # per-visitor allowance key
    address: str  # per-address allowance key


# Why a stream was refused: the process is full (503) or one client has its share (429).
FULL, STOPPING, ADDRESS_SHARE, VISITOR_SHARE = "full", "stopping", "address", "visitor"
# Over its share, a client's oldest streams are checked for a gone client, at most this many
# per request (a bounded cost, whatever an abusive client sends).
RECLAIM_PROBES = 8


class Slot:
    """One admitted stream; released exactly once, by the stream or by a reclaim."""

    __slots__ = ("client", "gone", "released")

    def __init__(self, client: StreamClient, gone=None) -> None:
        self.client = client
        self.gone = gone
        self.released = False


def client_gone(sock) -> bool:
    """Whether the client closed its end of `sock` (the server's socket of a stream), without
    waiting: a peek at the input, which is empty once the client's FIN has arrived. Under
    gevent the peek goes to the real socket, which never waits either."""
    raw = getattr(sock, "_sock", sock)
    try:
        return raw.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


def watch_worker(worker) -> None:
    """Under gunicorn: note the worker's connection limit (the stream cap leaves room under
    it) and whether the hub may write to stream sockets itself, and when the worker is told
    to stop, end its streams at once instead of letting the graceful timeout run out on
    connections that never finish."""
    global _worker_connections, _direct_writes
    connections = getattr(worker, "worker_connections", None)
    _worker_connections = int(connections) if connections else None
    _direct_writes = plain_gevent_http(worker)

    def watch() -> None:
        while worker.alive:
            time.sleep(0.5)
        for hub in list(_HUBS):
            hub.close_streams()

    threading.Thread(target=watch, name="stats-shutdown-watch", daemon=True).start()


def plain_gevent_http(worker) -> bool:
    """A gevent worker whose sockets carry plain HTTP/1.x: gunicorn frames a streamed body
    there as bare bytes (HTTP/1.0) or HTTP/1.1 chunks, nothing else."""
    from app.offload import gevent_active

    cfg = getattr(worker, "cfg", None)
    if cfg is None or not gevent_active():
        return False
    protocols = getattr(cfg, "http_protocols", None) or ()
    return (
        getattr(cfg, "protocol", "http") == "http"
        and not getattr(cfg, "is_ssl", True)
        and "h2" not in protocols
    )


def direct_framing(environ: dict) -> bool | None:
    """For a stream the hub may write to itself: whether its body goes out in HTTP/1.1
    chunks (True) or as bare bytes (HTTP/1.0, False). None: the hub must not write to it."""
    if not _direct_writes or environ.get("gunicorn.socket") is None:
        return None
    protocol = environ.get("SERVER_PROTOCOL")
    if protocol == "HTTP/1.1":
        return True
    if protocol == "HTTP/1.0":
        return False
    return None


def encode_frame(payload: str) -> bytes:
    return f"event: stats\ndata: {payload}\n\n".encode()


PING = b": ping\n\n"  # the comment heartbeat


class DirectStream:
    """A stream whose frames the hub writes itself. Its greenlet writes only while `busy`
    (the hub then leaves it alone and the greenlet catches up with the newest frame)."""

    __slots__ = ("busy", "chunked", "dead", "raw", "rest", "seen", "wake", "written")

    def __init__(self, raw, chunked: bool, seen: int) -> None:
        self.raw = raw  # the OS-level socket: a send that never waits
        self.chunked = chunked
        self.seen = seen  # the hub version this client has (or is being sent)
        self.rest = b""  # bytes of a frame its socket did not take at once
        self.busy = False
        self.dead = False
        self.written = time.monotonic()  # when the greenlet last wrote (for the heartbeat)
        self.wake = threading.Event()


# The staff's live panel: streams per process and per user (few: editors watching reports).
STAFF_STREAMS = 20
STAFF_STREAMS_PER_USER = 3
STAFF_RECHECK = 15.0  # seconds between two checks that a staff stream's session still lives
STAFF_END = b'event: end\ndata: {"reason":"session"}\n\n'  # the session ended: stop


def encode_staff_frame(payload: str) -> bytes:
    return f"event: live\ndata: {payload}\n\n".encode()


class StaffTopic:
    """The staff panel's newest frame, its version and the streams that wait for it.

    Staff streams are few (at most STAFF_STREAMS per process, STAFF_STREAMS_PER_USER per
    user), so they take the simple path: each waits on one Event replaced on each message
    and writes its frames itself. They hold no reader slot and keep nobody online."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.payload = ""
        self.frame = b""
        self.version = 0
        self.closing = False
        self._event = threading.Event()
        self._lock = threading.Lock()
        self.clients = 0
        self.by_user: dict[str, list[Slot]] = {}

    def broadcast(self, payload: str) -> None:
        self.payload = payload
        self.frame = encode_staff_frame(payload)
        self.version += 1
        event, self._event = self._event, threading.Event()
        event.set()

    def close(self) -> None:
        self.closing = True
        event, self._event = self._event, threading.Event()
        event.set()

    def wait(self, version: int, timeout: float) -> bool:
        event = self._event
        if self.version != version:
            return True
        return event.wait(timeout)

    def _refusal(self, user: str) -> str:
        if self.closing:
            return STOPPING
        slots = self.by_user.get(user, ())
        if len(slots) >= STAFF_STREAMS_PER_USER:
            # A reload leaves the old stream behind until its next write: give back the
            # slots of this user's streams whose client is gone.
            for slot in list(slots)[:RECLAIM_PROBES]:
                if slot.gone is not None and slot.gone():
                    self._release(slot)
            if len(self.by_user.get(user, ())) >= STAFF_STREAMS_PER_USER:
                return VISITOR_SHARE
        if self.clients >= STAFF_STREAMS:
            return FULL
        return ""

    def refusal(self, user: str) -> str:
        """Why `user` would be refused a staff stream now ("" if they would not be)."""
        with self._lock:
            return self._refusal(user)

    def admit(self, user: str, gone=None) -> Slot | str:
        with self._lock:
            reason = self._refusal(user)
            if reason:
                return reason
            slot = Slot(StreamClient(None, user, ""), gone)
            self.clients += 1
            self.by_user.setdefault(user, []).append(slot)
            return slot

    def release(self, slot: Slot) -> None:
        with self._lock:
            self._release(slot)

    def _release(self, slot: Slot) -> None:
        if slot.released:
            return
        slot.released = True
        self.clients -= 1
        slots = self.by_user.get(slot.client.visitor)
        if slots is not None:
            slots.remove(slot)
            if not slots:
                del self.by_user[slot.client.visitor]

    def serve(self, user: str, first: bytes, version: int, heartbeat: float, *,
              opening: bytes = b"", busy: bytes = b"", gone=None, allowed=None,
              recheck: float = STAFF_RECHECK, clock=time.monotonic):  # fmt: skip
        """The body of one staff stream. The slot is taken here and given back in `finally`
        (a HEAD or a response never iterated takes none). `allowed()`, asked every
        `recheck` seconds, says whether the user's session still lives: when it ended (a
        logout, the idle timeout) the stream says so (`event: end`) and ends."""
        slot = self.admit(user, gone)
        if isinstance(slot, str):
            yield busy
            return
        try:
            yield opening + first
            seen = version
            written = clock()
            check_at = written + recheck if allowed is not None else float("inf")
            while not self.closing:
                due = min(written + heartbeat, check_at)
                if self.wait(seen, max(0.0, due - clock())):
                    if self.closing:
                        break
                    seen = self.version
                    yield self.frame
                    written = clock()
                now = clock()
                if now >= check_at:
                    check_at = now + recheck
                    if not allowed():
                        yield STAFF_END
                        break
                if now >= written + heartbeat:
                    if slot.released or (gone is not None and gone()):
                        break
                    yield PING
                    written = clock()
        finally:
            self.release(slot)


class Hub:
    def __init__(self, channel: str = DEFAULT.channel, staff_channel: str | None = None) -> None:
        self.channel = channel  # the site's live channel (REDIS_KEY_PREFIX)
        # The staff's live panel (app/stats/live_panel.py): its own channel on the same
        # subscriber, its own frame and its own few streams.
        self.staff = StaffTopic(staff_channel) if staff_channel else None
        self.probe_channel = channel + ":probe"
        self.frame: bytes = b""
        self.payload: str = ""
        self.version = 0
        self.sent_at = 0.0  # when the newest frame was written to the direct streams
        self._event = threading.Event()
        self.direct: dict[DirectStream, None] = {}  # an ordered set
        self.clients = 0
        self.visitors: Counter[str] = Counter()  # signed ids, for the online heartbeat
        # Open streams per allowance key, oldest first.
        self.by_visitor: dict[str, list[Slot]] = {}
        self.by_address: dict[str, list[Slot]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.subscriptions = 0  # how many times we (re)subscribed
        self.closing = False
        self.relay = None  # called with each message (app/stats/nchan.py)
        _HUBS.append(self)

    # Fan-out
    def close_streams(self) -> None:
        """Wake every stream so it ends now (the server process is shutting down)."""
        self.closing = True
        for stream in list(self.direct):
            stream.wake.set()
        event, self._event = self._event, threading.Event()
        event.set()
        if self.staff is not None:
            self.staff.close()

    def broadcast(self, payload: str) -> None:
        self.payload = payload
        self.frame = encode_frame(payload)
        self.version += 1
        if self.direct:
            self._write_direct()
        event, self._event = self._event, threading.Event()
        event.set()
        if self.relay is not None:  # app/stats/nchan.py: nginx holds the streams
            self.relay(payload)

    def _write_direct(self) -> None:
        """The newest frame to every direct stream, one send each, encoded once for all.
        Nothing here waits or switches greenlets, so no stream's greenlet can write between
        the check of `busy` and the send."""
        frame, version = self.frame, self.version
        chunk = b"%X\r\n%s\r\n" % (len(frame), frame)  # as gunicorn frames a body write
        self.sent_at = time.monotonic()
        for stream in list(self.direct):
            if stream.busy or stream.rest or stream.dead:
                continue  # its greenlet writes the newest frame when it is done
            data = chunk if stream.chunked else frame
            try:
                sent = stream.raw.send(data, SEND_FLAGS)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:  # the client has gone: its greenlet ends the stream
                stream.dead = True
                stream.wake.set()
                continue
            stream.seen = version
            if sent < len(data):  # a full socket buffer: the greenlet waits for the rest
                stream.rest = data[sent:]
                stream.wake.set()

    def serve(self, client: StreamClient, limits: StreamLimits, first: bytes, version: int,
              heartbeat: float, gone=None, sock=None, chunked: bool | None = None,
              opening: bytes = b"", busy: bytes = b""):  # fmt: skip
        """The whole body of one stream, as ONE generator the server iterates directly
        (no wrappers: each level of generators the greenlet waits in is stack it keeps).

        The slot is taken here, where the stream starts, and given back in `finally`, which
        runs however it ends: client gone (the server closes the iterator), worker stopping,
        an error, or a response dropped unsent (garbage collection closes it). A response
        that is never iterated (HEAD, an error after the view) takes none. `opening` goes
        before the first frame; `busy` is all a stream that lost the last slot gets.

        With `chunked` (see `direct_framing`) the hub writes each message to `sock` itself
        and the stream's greenlet writes only the rest of a partial write, a newer frame it
        missed while writing, and a comment heartbeat after `heartbeat` seconds without a
        write. Without it, the greenlet wakes on each message and writes it."""
        slot = self.admit(client, limits, gone)
        if isinstance(slot, str):
            yield busy  # lost the last slot to a concurrent stream since the view's check
            return
        stream = None
        try:
            yield opening + first
            if chunked is None:
                seen = version
                while not self.closing:
                    if self.wait(seen, heartbeat):
                        if self.closing:
                            break
                        seen = self.version
                        yield self.frame
                    else:
                        # A client that left is noticed here at once; a write to it would
                        # only fail at the write after next.
                        if slot.released or (gone is not None and gone()):
                            break
                        yield PING
                return
            # The server has written the headers and the first frame: from now on the hub
            # writes the messages.
            stream = DirectStream(getattr(sock, "_sock", sock), chunked, version)
            self.direct[stream] = None
            while not (self.closing or stream.dead):
                stream.wake.clear()
                if stream.rest or stream.seen != self.version:
                    stream.busy = True
                    try:
                        if stream.rest:
                            rest, stream.rest = stream.rest, b""
                            try:
                                sock.sendall(rest)  # the greenlet waits, not the worker
                            except OSError:
                                break
                        if stream.seen != self.version:
                            stream.seen = self.version
                            yield self.frame
                        stream.written = time.monotonic()
                    finally:
                        stream.busy = False
                    continue
                last = stream.written
                if self.sent_at > last and stream.seen == self.version:
                    last = self.sent_at  # the hub wrote the newest frame
                left = last + heartbeat - time.monotonic()
                if left > 0:
                    stream.wake.wait(left)
                    continue
                if slot.released or (gone is not None and gone()):
                    break
                stream.busy = True
                try:
                    yield PING
                finally:
                    stream.busy = False
                stream.written = time.monotonic()
        finally:
            if stream is not None:
                self.direct.pop(stream, None)
            self.release(slot)

    def wait(self, version: int, timeout: float) -> bool:
        """True once a frame newer than `version` exists, False after `timeout`."""
        event = self._event
        if self.version != version:
            return True
        return event.wait(timeout)

    # Clients
    def _share(self, table: dict[str, list[Slot]], key: str, limit: int) -> bool:
        """True when `key` has used up its share of `limit` streams, after giving back the
        slots of its oldest streams whose clients are gone (a reader who moves to another
        page leaves a closed stream behind that the server only notices at its next write)."""
        if not limit or not key or len(table.get(key, ())) < limit:
            return False
        for slot in table[key][:RECLAIM_PROBES]:
            if slot.gone is not None and slot.gone():
                self._release(slot)
        return len(table.get(key, ())) >= limit

    def _refusal(self, client: StreamClient, limits: StreamLimits) -> str:
        if self.closing:
            return STOPPING
        # Shares first: a client at its share may get slots of its own gone streams back,
        # which also makes room under the process cap.
        if self._share(self.by_address, client.address, limits.per_address):
            return ADDRESS_SHARE
        if self._share(self.by_visitor, client.visitor, limits.per_visitor):
            return VISITOR_SHARE
        if self.clients >= limits.total:
            return FULL
        return ""

    def refusal(self, client: StreamClient, limits: StreamLimits) -> str:
        """Why `client` would be refused a stream now ("" if it would not be)."""
        with self._lock:
            return self._refusal(client, limits)

    def admit(self, client: StreamClient, limits: StreamLimits, gone=None) -> Slot | str:
        """Take a slot for `client`: the Slot, or why not (a str). Call it where the stream
        starts (inside its generator) and release() where it ends. `gone()`, when given, says
        whether the client has closed its connection."""
        with self._lock:
            reason = self._refusal(client, limits)
            if reason:
                return reason
            slot = Slot(client, gone)
            self.clients += 1
            for table, key in ((self.by_address, client.address),
                               (self.by_visitor, client.visitor)):  # fmt: skip
                if key:
                    table.setdefault(key, []).append(slot)
            if client.member:
                self.visitors[client.member] += 1
            return slot

    def release(self, slot: Slot) -> None:
        """Give back what admit() took; once, whoever calls first (the stream or a reclaim)."""
        with self._lock:
            self._release(slot)

    def _release(self, slot: Slot) -> None:
        if slot.released:
            return
        slot.released = True
        self.clients -= 1
        client = slot.client
        for table, key in ((self.by_address, client.address), (self.by_visitor, client.visitor)):
            slots = table.get(key)
            if slots is not None:
                slots.remove(slot)
                if not slots:
                    del table[key]
        if client.member:
            self.visitors[client.member] -= 1
            if self.visitors[client.member] <= 0:
                del self.visitors[client.member]

    def connected_visitors(self) -> list[str]:
        with self._lock:
            return list(self.visitors)

    # The subscriber
    def start(self, on_connect=None) -> None:
        """Start the subscriber once per process (lazily, so after any fork)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, args=(on_connect,), name="stats-subscriber", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, on_connect) -> None:
        backoff = RETRY_FIRST
        while not self._stop.is_set():
            subscribed = self.subscriptions
            try:
                self._listen(on_connect)
            except (redis.RedisError, OSError, TimeoutError) as exc:
                self.connected.clear()
                if self.subscriptions != subscribed:
                    backoff = RETRY_FIRST  # it was connected: a new outage starts over
                log.warning("stats subscriber lost Redis (%s); retrying in %.2fs", exc, backoff)
            except Exception:  # never let the fan-out die silently
                self.connected.clear()
                log.exception("stats subscriber crashed; restarting")
            self._stop.wait(backoff)
            backoff = min(backoff * 2, RETRY_MAX)

    def _listen(self, on_connect) -> None:
        client = redis_store.connect(socket_timeout=READ_TIMEOUT + 5)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            probe = f"{os.getpid()}:{id(self)}"
            channels = [self.channel, self.probe_channel]
            if self.staff is not None:
                channels.append(self.staff.channel)
            pubsub.subscribe(*channels)
            self.subscriptions += 1
            self.connected.set()
            if on_connect is not None:
                on_connect()  # catch up on what was published while we were away
            last_seen = last_probe = time.monotonic()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=READ_TIMEOUT)
                now = time.monotonic()
                if message is not None and message["type"] == "message":
                    if message["channel"] == self.channel:
                        last_seen = now
                        self.broadcast(message["data"])
                    elif self.staff is not None and message["channel"] == self.staff.channel:
                        last_seen = now
                        self.staff.broadcast(message["data"])
                    elif message["data"] == probe:
                        last_seen = now
                if now - last_probe >= PING_EVERY:
                    client.publish(self.probe_channel, probe)
                    last_probe = now
                if now - last_seen > DEAD_AFTER:
                    raise redis.ConnectionError("our probe did not come back on the subscription")
        finally:
            self.connected.clear()
            try:
                pubsub.close()
                client.close()
            except (redis.RedisError, OSError):
                pass


def initial_frame(snapshot: dict) -> bytes:
    return encode_frame(json.dumps(snapshot, separators=(",", ":")))
