"""The asyncio client connection."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import zmq
import zmq.asyncio

from ._protocol import (
    DEFAULT_HEARTBEAT,
    DEFAULT_MAX_MESSAGE_SIZE,
    DEFAULT_TIMEOUT,
    ONEWAY_LINGER_MS,
    Channel,
    Protocol,
)
from .errors import ClientClosedError
from .wire import ErrorFactory

__all__ = ["AsyncConnection"]


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
        self._socket: zmq.asyncio.Socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closed = False
        self._unflushed_oneway = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        """Closes the socket; later calls raise :class:`ClientClosedError`."""
        self._closed = True
        await self._drop_socket()

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
        channel = await self._open(method, args, timeout)
        try:
            return self._result(channel, await self._next_event(channel))
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
        channel, payload = self._request(method, args, timeout)
        await self._send(socket, payload, channel)
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
                    await self._send_quietly(grant)
                more, item = self._stream_item(channel, await self._next_event(channel))
        finally:
            self._channels.pop(channel.id, None)

    def _ready(self) -> zmq.asyncio.Socket:
        """The socket of the running loop, opened (with its reader task) on first use."""
        if self._closed:
            raise ClientClosedError(f"the client of {self.endpoint} is closed")
        loop = asyncio.get_running_loop()
        if self._socket is not None and self._loop is loop:
            return self._socket
        if self._socket is not None:
            # Left over from a loop that has finished: its calls are gone with it.
            self._socket.close(linger=0)
            self._channels.clear()
        socket = self._context.socket(zmq.DEALER)
        self._configure(socket)
        self._socket, self._loop = socket, loop
        self._reader = loop.create_task(self._read(socket))
        return socket

    async def _drop_socket(self) -> None:
        reader, socket = self._reader, self._socket
        self._reader = self._socket = self._loop = None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await reader
        if socket is not None and not socket.closed:
            socket.close(linger=ONEWAY_LINGER_MS if self._unflushed_oneway else 0)
        for channel in self._channels.values():
            _wake(channel)
        self._channels.clear()

    async def _open(
        self, method: str, args: Sequence[Any], timeout: float | None
    ) -> Channel:
        socket = self._ready()
        channel, payload = self._request(method, args, timeout)
        self._channels[channel.id] = channel
        try:
            await self._send(socket, payload, channel)
        except BaseException:
            self._channels.pop(channel.id, None)
            raise
        return channel

    async def _send(
        self, socket: zmq.asyncio.Socket, payload: bytes, channel: Channel
    ) -> None:
        try:
            await socket.send_multipart((b"", payload), zmq.NOBLOCK)
            return
        except zmq.Again:
            pass
        # No completed connection yet (IMMEDIATE): wait for one until the call's deadline.
        writable = zmq.asyncio.Poller()
        writable.register(socket, zmq.POLLOUT)
        while True:
            wait = (channel.deadline or 0.0) - time.monotonic()
            if wait <= 0 or not await writable.poll(math.ceil(wait * 1000)):
                raise self._unreachable(channel)
            with contextlib.suppress(zmq.Again):
                await socket.send_multipart((b"", payload), zmq.NOBLOCK)
                return

    async def _send_quietly(self, event: bytes) -> None:
        if self._socket is not None:
            with contextlib.suppress(zmq.Again):
                await self._socket.send_multipart((b"", event), zmq.NOBLOCK)

    async def _read(self, socket: zmq.asyncio.Socket) -> None:
        while True:
            frames = await socket.recv_multipart()
            self._unflushed_oneway = False
            channel = self._dispatch(frames[-1])
            if channel is not None:
                _wake(channel)

    async def _next_event(self, channel: Channel) -> list[Any]:
        loop = asyncio.get_running_loop()
        while not channel.events:
            if self._socket is None or self._channels.get(channel.id) is not channel:
                raise ClientClosedError(
                    f"the client of {self.endpoint} was closed while calling {channel.method}"
                )
            now = time.monotonic()
            for beat in self._due_beats(now):
                await self._send_quietly(beat)
            wait = self._check(channel, now)
            waiter: asyncio.Future[None] = loop.create_future()
            channel.waiter = waiter
            timer = (
                None if math.isinf(wait) else loop.call_later(wait, _resolve, waiter)
            )
            try:
                await waiter
            finally:
                if timer is not None:
                    timer.cancel()
                channel.waiter = None
        return channel.events.popleft()


def _wake(channel: Channel) -> None:
    if channel.waiter is not None:
        _resolve(channel.waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
