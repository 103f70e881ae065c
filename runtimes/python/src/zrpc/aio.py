"""The asyncio client connection."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, cast

import zmq
import zmq.asyncio

from ._protocol import (
    DEFAULT_HEARTBEAT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_TIMEOUT,
    NOBLOCK,
    ONEWAY_LINGER_MS,
    Channel,
    Protocol,
    receive_event,
    send_request,
)
from .errors import ClientClosedError
from .wire import ErrorFactory

__all__ = ["AsyncConnection"]

# A plain int: combining pyzmq's enum flags costs microseconds per call.
_POLLOUT = int(zmq.POLLOUT)


class AsyncConnection(Protocol):
    """An asyncio zerorpc client connection; concurrent calls share one socket.

    The socket belongs to the event loop that first uses it; a connection used again under a
    new loop (a second ``asyncio.run``) opens a fresh socket there.
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
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        super().__init__(
            endpoint,
            timeout,
            heartbeat,
            errors,
            max_message_size,
            (curve_server_key, curve_public_key, curve_secret_key),
        )
        self._context = context or zmq.asyncio.Context.instance()
        # A plain socket watched through its file descriptor: one reader callback drains every
        # arrived reply per wake-up, where an asyncio socket would make a future per receive.
        self._socket: zmq.Socket[bytes] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._unflushed_oneway = False
        self._drain_scheduled = False
        # Calls waiting for their socket to take a request (no completed connection yet).
        self._send_waiters: list[asyncio.Future[None]] = []
        # One timer for every waiting call: wakes each at its heartbeat, loss check or deadline.
        self._tick: asyncio.TimerHandle | None = None
        self._tick_at = math.inf

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        """Closes the socket; later calls raise :class:`ClientClosedError`."""
        self._closed = True
        self._drop_socket()

    async def __aenter__(self) -> AsyncConnection:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def call(
        self,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,
    ) -> Any:
        """Calls ``method`` and returns its result (``OK [result]``)."""
        channel, unsent = self._start(method, args, timeout)
        if unsent is not None:
            await self._send_late(channel, unsent)
        try:
            if not channel.events:
                await self._wait(channel)
            return self._result(channel, channel.events.popleft())
        finally:
            self._channels.pop(channel.id, None)

    def stream(
        self,
        method: str,
        args: Sequence[Any],
        *,
        timeout: float | None = None,
    ) -> AsyncIterator[Any]:
        """Calls a streaming ``method`` when iteration starts; the timeout bounds the wait for
        the first item."""
        return self._items(method, args, timeout)

    async def oneway(
        self, method: str, args: Sequence[Any], *, timeout: float | None = None
    ) -> None:
        """Sends a request without waiting for any reply."""
        socket = self._ready()
        channel_id, payload = self._encode_request(method, args, timeout)
        if not self._try_send(socket, payload):
            channel = self._channel(channel_id, method, timeout)
            await self._send_waiting(socket, payload, channel)
        self._unflushed_oneway = True

    async def _items(
        self,
        method: str,
        args: Sequence[Any],
        timeout: float | None,
    ) -> AsyncIterator[Any]:
        channel = await self._open(method, args, timeout)
        try:
            more, item = self._stream_item(channel, await self._next_event(channel))
            channel.deadline = None
            while more:
                yield item
                grant = self._credit(channel)
                if grant is not None:
                    self._send_quietly(grant)
                more, item = self._stream_item(channel, await self._next_event(channel))
        finally:
            self._channels.pop(channel.id, None)

    def _ready(self) -> zmq.Socket[bytes]:
        """The socket of the running loop, opened (and watched) on first use."""
        if self._closed:
            raise ClientClosedError(f"the client of {self.endpoint} is closed")
        loop = asyncio.get_running_loop()
        if self._socket is not None and self._loop is loop:
            return self._socket
        # Left over from a loop that has finished: its calls are gone with it.
        self._drop_socket()
        socket: zmq.Socket[bytes] = zmq.Socket(self._context, zmq.DEALER)
        self._configure(socket)
        self._socket, self._loop = socket, loop
        loop.add_reader(socket.FD, self._drain)
        return socket

    def _drop_socket(self) -> None:
        socket, loop = self._socket, self._loop
        self._socket = self._loop = None
        if self._tick is not None:
            self._tick.cancel()
            self._tick, self._tick_at = None, math.inf
        live = loop if loop is not None and not loop.is_closed() else None
        if socket is not None and not socket.closed:
            if live is not None:
                live.remove_reader(socket.FD)
            socket.close(linger=ONEWAY_LINGER_MS if self._unflushed_oneway else 0)
        # Calls waiting on a loop that has finished are gone with it: only live ones wake up
        # (and find the connection closed).
        if live is not None:
            for channel in self._channels.values():
                _wake(channel)
            for waiter in self._send_waiters:
                _resolve(waiter)
        self._channels.clear()
        self._send_waiters.clear()
        self._drain_scheduled = False

    def _start(
        self, method: str, args: Sequence[Any], timeout: float | None
    ) -> tuple[Channel, bytes | None]:
        """Opens a channel and sends its request; returns the request too if no connection
        could take it yet. A plain function: most calls need no await to send."""
        socket = self._ready()
        channel_id, payload = self._encode_request(method, args, timeout)
        sent = self._try_send(socket, payload)
        channel = self._channel(channel_id, method, timeout)
        if not sent:
            return channel, payload
        self._register(channel)
        return channel, None

    async def _open(
        self, method: str, args: Sequence[Any], timeout: float | None
    ) -> Channel:
        channel, unsent = self._start(method, args, timeout)
        if unsent is not None:
            await self._send_late(channel, unsent)
        return channel

    async def _send_late(self, channel: Channel, payload: bytes) -> None:
        await self._send_waiting(self._ready(), payload, channel)
        self._register(channel)

    def _try_send(self, socket: zmq.Socket[bytes], event: bytes) -> bool:
        """Sends the delimiter and ``event``; False when no connection can take it now."""
        if not send_request(socket, event):
            return False
        # A send may consume the descriptor's wake-up for replies that arrived meanwhile.
        if not self._drain_scheduled:
            self._drain_scheduled = True
            asyncio.get_running_loop().call_soon(self._drain)
        return True

    async def _send_waiting(
        self, socket: zmq.Socket[bytes], payload: bytes, channel: Channel
    ) -> None:
        # No completed connection yet (IMMEDIATE): wait for one until the call's deadline.
        loop = asyncio.get_running_loop()
        while True:
            wait = (channel.deadline or 0.0) - time.monotonic()
            if wait <= 0:
                raise self._unreachable(channel)
            writable: asyncio.Future[None] = loop.create_future()
            self._send_waiters.append(writable)
            timer = loop.call_later(wait, _resolve, writable)
            # The descriptor may have fired before the waiter existed.
            loop.call_soon(self._drain)
            try:
                await writable
            finally:
                timer.cancel()
                with contextlib.suppress(ValueError):
                    self._send_waiters.remove(writable)
            if self._socket is not socket:
                raise ClientClosedError(
                    f"the client of {self.endpoint} was closed while calling {channel.method}"
                )
            if self._try_send(socket, payload):
                return

    def _send_quietly(self, event: bytes) -> None:
        # Heartbeats and credit are best effort: a full pipe means the server is gone, which
        # heartbeat loss then reports.
        if self._socket is not None:
            self._try_send(self._socket, event)

    def _drain(self) -> None:
        """Receives every reply that arrived and wakes the calls they answer."""
        self._drain_scheduled = False
        socket = self._socket
        if socket is None:
            return
        if self._send_waiters and cast(int, socket.get(zmq.EVENTS)) & _POLLOUT:
            for waiter in self._send_waiters:
                _resolve(waiter)
        while True:
            # Receiving until the socket has nothing also re-arms its edge-triggered descriptor.
            try:
                frame = receive_event(socket, NOBLOCK)
            except zmq.Again:
                return
            self._unflushed_oneway = False
            channel = self._dispatch(frame)
            if channel is not None:
                _wake(channel)

    def _schedule_tick(self, at: float) -> None:
        if at >= self._tick_at:
            return
        if self._tick is not None:
            self._tick.cancel()
        assert self._loop is not None
        self._tick_at = at
        self._tick = self._loop.call_later(
            max(0.0, at - time.monotonic()), self._on_tick
        )

    def _on_tick(self) -> None:
        self._tick, self._tick_at = None, math.inf
        # Read first: a reply whose descriptor wake-up was consumed elsewhere (the descriptor is
        # edge-triggered) is found here, before any call is judged silent.
        self._drain()
        now = time.monotonic()
        next_at = math.inf
        for channel in self._channels.values():
            if channel.waiter is None or channel.waiter.done():
                continue
            wake = channel.wake_at()
            # Within a millisecond counts as due: timers may fire a little early.
            if wake <= now + 0.001:
                _resolve(channel.waiter)
            else:
                next_at = min(next_at, wake)
        if next_at < math.inf:
            self._schedule_tick(next_at)

    async def _next_event(self, channel: Channel) -> list[Any]:
        if not channel.events:
            await self._wait(channel)
        return channel.events.popleft()

    async def _wait(self, channel: Channel) -> None:
        """Waits until ``channel`` has an event, heartbeating meanwhile; raises on timeout,
        loss of the server or close."""
        loop = asyncio.get_running_loop()
        while not channel.events:
            if self._socket is None or self._channels.get(channel.id) is not channel:
                raise ClientClosedError(
                    f"the client of {self.endpoint} was closed while calling {channel.method}"
                )
            now = time.monotonic()
            if now >= self._beats_due:
                for beat in self._due_beats(now):
                    self._send_quietly(beat)
            self._check(channel, now)
            wake = channel.wake_at()
            if wake < self._tick_at:
                self._schedule_tick(wake)
            waiter: asyncio.Future[None] = loop.create_future()
            channel.waiter = waiter
            try:
                await waiter
            finally:
                channel.waiter = None


def _wake(channel: Channel) -> None:
    if channel.waiter is not None:
        _resolve(channel.waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
