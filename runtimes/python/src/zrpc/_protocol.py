"""The client side of zerorpc v3 shared by the blocking and asyncio connections: socket options,
event encoding, channel routing, the heartbeat rule and reply checking (docs/protocol.md)."""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

import msgpack  # type: ignore[import-untyped, unused-ignore]
import zmq

from .errors import (
    DecodeError,
    LostRemoteError,
    ProtocolError,
    RemoteError,
    TimeoutExpired,
    UnknownMethodError,
    UnreachableError,
)
from .wire import ErrorFactory

PROTOCOL_VERSION = 3
DEFAULT_TIMEOUT = 30.0
DEFAULT_HEARTBEAT = 5.0
DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024
# Until two heartbeats from a peer showed its interval, assume zerorpc's default.
ASSUMED_PEER_HEARTBEAT = 5.0
# The stock zerorpc receiver window: grant up to 100 events, top up when fewer than 50 remain.
WINDOW = 100
# How long closing a socket may still flush oneway requests; otherwise sockets linger 0 ms.
ONEWAY_LINGER_MS = 500

# A request starts with these bytes: a 3-array, then the header map {"message_id": bin 32,
# "v": 3} whose 32-byte id goes between them; the packed method name and arguments follow.
REQUEST_HEAD = b"\x93\x82\xaamessage_id\xc4\x20"
REQUEST_VERSION = b"\xa1v\x03"
NAME_CACHE_SIZE = 256
INFINITY = float("inf")

log = logging.getLogger("zrpc")


class Ids:
    """Message ids: 32 ASCII hex bytes (sent as msgpack bin), unique across processes."""

    def __init__(self) -> None:
        self._suffix = os.urandom(12).hex().encode("ascii")
        self._counter = itertools.count(int.from_bytes(os.urandom(3), "big"))

    def next(self) -> bytes:
        return b"%08x" % (next(self._counter) & 0xFFFFFFFF) + self._suffix


class Channel:
    """The client side of one call: queued reply events, heartbeat and credit state."""

    __slots__ = (
        "deadline",
        "events",
        "heartbeat",
        "id",
        "last_heard",
        "last_peer_beat",
        "lost_at",
        "method",
        "next_beat",
        "peer_interval",
        "reserved",
        "timeout",
        "waiter",
        "window",
    )

    def __init__(
        self,
        channel_id: bytes,
        method: str,
        now: float,
        timeout: float,
        heartbeat: float | None,
    ) -> None:
        self.id = channel_id
        self.method = method
        self.events: deque[list[Any]] = deque()
        self.timeout = timeout
        # The deadline of the first reply; None once a stream started.
        self.deadline: float | None = now + timeout
        self.heartbeat = heartbeat
        self.next_beat = now + heartbeat if heartbeat else INFINITY
        self.last_heard = now
        # The last heartbeat from the server; its interval is measured between two of them.
        self.last_peer_beat: float | None = None
        self.peer_interval: float | None = None
        # Silence after which the server is lost: 2 x max(own, observed peer interval); and
        # when that silence will have lasted (kept up to date: every wait checks it).
        self.window = (
            2 * max(heartbeat, ASSUMED_PEER_HEARTBEAT) if heartbeat else INFINITY
        )
        self.lost_at = now + self.window
        # Credit granted to the server and not yet used; the request itself grants one.
        self.reserved = 1
        self.waiter: Any = None

    def heard(self, now: float, heartbeat: bool) -> None:
        self.last_heard = now
        if heartbeat:
            if self.last_peer_beat is not None and self.heartbeat is not None:
                gap = now - self.last_peer_beat
                self.peer_interval = max(self.peer_interval or 0.0, gap)
                self.window = 2 * max(self.heartbeat, self.peer_interval)
            self.last_peer_beat = now
        self.lost_at = now + self.window

    def wake_at(self) -> float:
        """When the waiting call must next act: heartbeat, loss check or deadline."""
        wake = self.next_beat if self.next_beat < self.lost_at else self.lost_at
        deadline = self.deadline
        return deadline if deadline is not None and deadline < wake else wake


class _Drops:
    """Rate-limited warnings about dropped input: at most one line per second."""

    def __init__(self) -> None:
        self._count = 0
        self._last = 0.0

    def note(self, endpoint: str, reason: str) -> None:
        self._count += 1
        now = time.monotonic()
        if now - self._last >= 1.0:
            log.warning(
                "zrpc: dropped %d bad event(s) from %s: %s",
                self._count,
                endpoint,
                reason,
            )
            self._count = 0
            self._last = now


# Plain ints: combining pyzmq's enum flags costs microseconds per call.
NOBLOCK = int(zmq.NOBLOCK)
_MORE_NOBLOCK = int(zmq.SNDMORE | zmq.NOBLOCK)


def send_request(socket: zmq.Socket[bytes], event: bytes) -> bool:
    """Sends the delimiter and ``event`` without waiting; False when no connection can take
    it now."""
    try:
        socket.send(b"", _MORE_NOBLOCK)
    except zmq.Again:
        return False
    # ZeroMQ takes the rest of a message whose first frame it took.
    socket.send(event, NOBLOCK)
    return True


def receive_event(socket: zmq.Socket[bytes], flags: int) -> bytes:
    """The event of the next message, which a server (a ROUTER) sends as ``[b"", event]``.

    Frames are read as bytes, without their ``more`` flag (a Frame object or the RCVMORE option
    costs several times more in pyzmq): an empty frame is the delimiter and the next frame the
    event; a non-empty first frame is an event on its own. Frames breaking this pattern come
    back as events of their own, which fail to decode and are dropped.
    """
    frame = socket.recv(flags)
    return frame if frame else socket.recv(flags)


def check_z85_key(name: str, key: str | None) -> bytes | None:
    if key is None:
        return None
    if not isinstance(key, str) or len(key) != 40:
        raise ValueError(f"{name} must be a 40-character Z85 key")
    return key.encode("ascii")


class Protocol:
    """Options, encoding, decoding and the protocol rules of one client connection."""

    def __init__(
        self,
        endpoint: str,
        timeout: float,
        heartbeat: float | None,
        errors: Mapping[str, ErrorFactory] | None,
        max_message_size: int,
        curve: tuple[str | None, str | None, str | None],
    ) -> None:
        if not timeout > 0:
            raise ValueError("timeout must be positive")
        if heartbeat is not None and not heartbeat > 0:
            raise ValueError("heartbeat must be positive (or None to disable it)")
        server_key = check_z85_key("curve_server_key", curve[0])
        public_key = check_z85_key("curve_public_key", curve[1])
        secret_key = check_z85_key("curve_secret_key", curve[2])
        if (public_key is None) != (secret_key is None):
            raise ValueError("curve_public_key and curve_secret_key go together")
        if public_key is not None and server_key is None:
            raise ValueError("a CURVE key pair needs curve_server_key")
        if server_key is not None and public_key is None:
            # A fresh key pair per client: enough for servers that accept any key.
            public_key, secret_key = zmq.curve_keypair()
        self._curve = (server_key, public_key, secret_key)
        self.endpoint = endpoint
        self.timeout = timeout
        self.heartbeat = heartbeat
        self.max_message_size = max_message_size
        self._errors: Mapping[str, ErrorFactory] = errors or {}
        self._ids = Ids()
        self._packer = msgpack.Packer(use_bin_type=True)
        self._channels: dict[bytes, Channel] = {}
        # The earliest heartbeat due on any open channel (never later than the true one): most
        # waits skip the scan of open channels.
        self._beats_due = INFINITY
        # Packed method names (a generated client uses a handful).
        self._names: dict[str, bytes] = {}
        self._drops = _Drops()

    def _configure(self, socket: zmq.Socket[Any]) -> None:
        """Options every client socket gets before it connects."""
        socket.setsockopt(zmq.LINGER, 0)
        # A request waits for a completed connection instead of sitting in a queue for a server
        # that may come back and run it after the caller gave up; and a connection that never
        # completes is how "unreachable" is told from "timeout".
        socket.setsockopt(zmq.IMMEDIATE, 1)
        socket.setsockopt(zmq.MAXMSGSIZE, self.max_message_size)
        server_key, public_key, secret_key = self._curve
        if server_key is not None and public_key is not None and secret_key is not None:
            socket.setsockopt(zmq.CURVE_SERVERKEY, server_key)
            socket.setsockopt(zmq.CURVE_PUBLICKEY, public_key)
            socket.setsockopt(zmq.CURVE_SECRETKEY, secret_key)
        socket.connect(self.endpoint)

    def _encode_request(
        self, method: str, args: Sequence[Any], timeout: float | None
    ) -> tuple[bytes, bytes]:
        """A fresh channel id and the packed request ``[{message_id, v: 3}, method, args]``."""
        if timeout is not None and not timeout > 0:
            raise ValueError("timeout must be positive")
        channel_id = self._ids.next()
        name = self._names.get(method)
        if name is None:
            name = self._packer.pack(method)
            if len(self._names) < NAME_CACHE_SIZE:
                self._names[method] = name
        if not isinstance(args, (list, tuple)):
            args = list(args)
        return channel_id, b"".join(
            (REQUEST_HEAD, channel_id, REQUEST_VERSION, name, self._packer.pack(args))
        )

    def _channel(
        self, channel_id: bytes, method: str, timeout: float | None
    ) -> Channel:
        return Channel(
            channel_id,
            method,
            time.monotonic(),
            timeout or self.timeout,
            self.heartbeat,
        )

    def _register(self, channel: Channel) -> None:
        self._channels[channel.id] = channel
        if channel.next_beat < self._beats_due:
            self._beats_due = channel.next_beat

    def _event(self, channel: Channel, name: str, args: Any) -> bytes:
        header = {
            "message_id": self._ids.next(),
            "v": PROTOCOL_VERSION,
            "response_to": channel.id,
        }
        event: bytes = self._packer.pack([header, name, args])
        return event

    def _dispatch(self, frame: bytes) -> Channel | None:
        """Routes one received event to its channel; returns the channel it woke up, if any."""
        try:
            event = msgpack.unpackb(frame, raw=False, strict_map_key=False)
        except Exception as error:  # any undecodable input is dropped
            self._drops.note(self.endpoint, f"undecodable msgpack ({error})")
            return None
        if (
            not isinstance(event, list)
            or len(event) != 3
            or not isinstance(event[0], dict)
            or not isinstance(event[1], str)
        ):
            self._drops.note(self.endpoint, "not a [header, name, args] event")
            return None
        response_to = event[0].get("response_to")
        channel = (
            self._channels.get(response_to) if isinstance(response_to, bytes) else None
        )
        if channel is None:
            # Late events of finished or abandoned calls: normal.
            return None
        name = event[1]
        channel.heard(time.monotonic(), name == "_zpc_hb")
        if name in ("_zpc_hb", "_zpc_more"):
            return None
        channel.reserved -= 1
        channel.events.append(event)
        return channel

    def _due_beats(self, now: float) -> list[bytes]:
        """Heartbeats of every open channel whose interval elapsed (each on its own schedule)."""
        if now < self._beats_due:
            return []
        beats = []
        due = INFINITY
        for channel in self._channels.values():
            if channel.heartbeat is not None and now >= channel.next_beat:
                channel.next_beat = now + channel.heartbeat
                beats.append(self._event(channel, "_zpc_hb", [0]))
            due = min(due, channel.next_beat)
        self._beats_due = due
        return beats

    def _check(self, channel: Channel, now: float) -> float:
        """Raises if the call timed out or lost its server; else the seconds to wait at most."""
        if channel.deadline is not None and now >= channel.deadline:
            raise TimeoutExpired(
                f"no reply from {self.endpoint} within {channel.timeout:g}s "
                f"when calling {channel.method}"
            )
        if now > channel.lost_at:
            raise LostRemoteError(
                f"lost remote {self.endpoint}: no heartbeat for {now - channel.last_heard:.1f}s "
                f"while calling {channel.method}"
            )
        wait = channel.wake_at() - now
        return wait if wait > 0.0 else 0.0

    def _unreachable(self, channel: Channel) -> UnreachableError:
        return UnreachableError(
            f"no connection to {self.endpoint} completed within {channel.timeout:g}s "
            f"when calling {channel.method} (is the server running? CURVE keys right?)"
        )

    def _credit(self, channel: Channel) -> bytes | None:
        """A ``_zpc_more`` grant when the server is about to run out of credit (stock rule)."""
        if channel.reserved >= WINDOW // 2:
            return None
        grant = WINDOW - len(channel.events)
        channel.reserved += grant
        return self._event(channel, "_zpc_more", [grant])

    def _result(self, channel: Channel, event: list[Any]) -> Any:
        name = event[1]
        if name == "OK":
            args = event[2]
            if not isinstance(args, list) or len(args) != 1:
                raise ProtocolError(
                    f"malformed OK reply to {channel.method}: args {_shown(args)} "
                    "are not a one-element array"
                )
            return args[0]
        if name == "ERR":
            raise self._remote_error(channel, event)
        raise ProtocolError(
            f"unexpected {name!r} reply to {channel.method} (is it a stream?)"
        )

    def _stream_item(self, channel: Channel, event: list[Any]) -> tuple[bool, Any]:
        """``(True, item)`` for a STREAM event, ``(False, None)`` at the end of the stream."""
        name = event[1]
        if name == "STREAM":
            return True, event[2]
        if name == "STREAM_DONE":
            return False, None
        if name == "ERR":
            raise self._remote_error(channel, event)
        raise ProtocolError(
            f"unexpected {name!r} reply to {channel.method} (not a stream?)"
        )

    def _remote_error(self, channel: Channel, event: list[Any]) -> RemoteError:
        args = event[2]
        if not isinstance(args, list) or not args:
            raise ProtocolError(
                f"malformed ERR reply to {channel.method}: {_shown(args)}"
            )
        if len(args) == 1:
            # Protocol v1 peers send only repr(exception).
            return RemoteError("RemoteError", str(args[0]))
        name, message = str(args[0]), str(args[1])
        traceback = (
            args[2] if len(args) > 2 and isinstance(args[2], str) and args[2] else None
        )
        factory = self._errors.get(name)
        details = event[0].get("zrpc_error")
        if factory is not None and details is not None:
            try:
                return factory(message, traceback, details)
            except DecodeError:
                pass
        if name == "NameError":
            unknown = (
                f"{self.endpoint} does not know method {channel.method!r} ({message})"
            )
            return UnknownMethodError(name, unknown, traceback)
        return RemoteError(name, message, traceback)


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
