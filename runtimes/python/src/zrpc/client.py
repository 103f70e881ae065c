"""The blocking client connection."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import zmq

from ._protocol import (
    DEFAULT_HEARTBEAT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_TIMEOUT,
    INFINITY,
    ONEWAY_LINGER_MS,
    Channel,
    Protocol,
    receive_event,
    send_request,
)
from .errors import ClientClosedError
from .wire import ErrorFactory

__all__ = ["Connection"]


class Connection(Protocol):
    """A blocking zerorpc client connection; one call at a time (not thread-safe).

    Heartbeats flow while a call of this connection waits for the server.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        heartbeat: float | None = DEFAULT_HEARTBEAT,
        errors: Mapping[str, ErrorFactory] | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        context: zmq.Context[zmq.Socket[bytes]] | None = None,
    ) -> None:
        super().__init__(
            endpoint,
            timeout,
            heartbeat,
            errors,
            max_message_size,
            (curve_server_key, curve_public_key, curve_secret_key),
        )
        self._socket: zmq.Socket[bytes] = (context or zmq.Context.instance()).socket(
            zmq.DEALER
        )
        self._configure(self._socket)
        self._receive_wait_ms = -1
        self._unflushed_oneway = False

    @property
    def closed(self) -> bool:
        return self._socket.closed

    def close(self) -> None:
        """Closes the socket; later calls raise :class:`ClientClosedError`."""
        if not self._socket.closed:
            self._socket.close(linger=ONEWAY_LINGER_MS if self._unflushed_oneway else 0)
        self._channels.clear()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def call(
        self,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,
    ) -> Any:
        """Calls ``method`` and returns its result (``OK [result]``)."""
        channel = self._open(method, args, timeout)
        try:
            return self._result(channel, self._next_event(channel))
        finally:
            self._channels.pop(channel.id, None)

    def stream(
        self,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,
    ) -> Iterator[Any]:
        """Calls a streaming ``method``; the timeout bounds the wait for the first item."""
        return self._items(self._open(method, args, timeout))

    def oneway(
        self, method: str, args: Sequence[Any], *, timeout: float | None = None
    ) -> None:
        """Sends a request without waiting for any reply."""
        if self._socket.closed:
            raise ClientClosedError(f"the client of {self.endpoint} is closed")
        channel_id, payload = self._encode_request(method, args, timeout)
        if not self._try_send(payload):
            self._send_waiting(payload, self._channel(channel_id, method, timeout))
        self._unflushed_oneway = True

    def _items(self, channel: Channel) -> Iterator[Any]:
        try:
            more, item = self._stream_item(channel, self._next_event(channel))
            channel.deadline = None
            while more:
                yield item
                grant = self._credit(channel)
                if grant is not None:
                    self._send_quietly(grant)
                more, item = self._stream_item(channel, self._next_event(channel))
        finally:
            self._channels.pop(channel.id, None)

    def _open(self, method: str, args: Sequence[Any], timeout: float | None) -> Channel:
        if self._socket.closed:
            raise ClientClosedError(f"the client of {self.endpoint} is closed")
        channel_id, payload = self._encode_request(method, args, timeout)
        sent = self._try_send(payload)
        # Built after the send, so this overlaps the server's work on the request.
        channel = self._channel(channel_id, method, timeout)
        if not sent:
            self._send_waiting(payload, channel)
        self._register(channel)
        return channel

    def _try_send(self, event: bytes) -> bool:
        """Sends the delimiter and ``event``; False when no connection can take it now."""
        return send_request(self._socket, event)

    def _send_waiting(self, payload: bytes, channel: Channel) -> None:
        # No completed connection yet (IMMEDIATE): wait for one until the call's deadline.
        while True:
            wait = (channel.deadline or 0.0) - time.monotonic()
            if wait <= 0 or not self._socket.poll(math.ceil(wait * 1000), zmq.POLLOUT):
                raise self._unreachable(channel)
            if self._try_send(payload):
                return

    def _send_quietly(self, event: bytes) -> None:
        # Heartbeats and credit are best effort: a full pipe means the server is gone, which
        # heartbeat loss then reports.
        self._try_send(event)

    def _next_event(self, channel: Channel) -> list[Any]:
        socket = self._socket
        while not channel.events:
            if socket.closed:
                raise ClientClosedError(
                    f"the client of {self.endpoint} was closed while calling {channel.method}"
                )
            now = time.monotonic()
            if now >= self._beats_due:
                for beat in self._due_beats(now):
                    self._send_quietly(beat)
            wait = self._check(channel, now)
            self._limit_receive_wait(-1 if wait == INFINITY else math.ceil(wait * 1000))
            try:
                frame = receive_event(socket, 0)
            except zmq.Again:
                continue
            self._dispatch(frame)
            self._unflushed_oneway = False
        return channel.events.popleft()

    def _limit_receive_wait(self, wait_ms: int) -> None:
        # A blocking receive bounded by RCVTIMEO costs one call where poll + receive cost two;
        # the option changes only when the wait changes by more than 2% (rarely: the next
        # heartbeat or the deadline is usually a whole interval away).
        current = self._receive_wait_ms
        if wait_ms < 0 or current < 0:
            if wait_ms == current:
                return
        elif wait_ms - wait_ms // 50 - 1 <= current <= wait_ms:
            return
        self._socket.setsockopt(zmq.RCVTIMEO, wait_ms)
        self._receive_wait_ms = wait_ms
