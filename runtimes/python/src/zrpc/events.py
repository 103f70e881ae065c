"""Events over PUB/SUB and PUSH/PULL: zerorpc's ``[header, name, args]`` on one frame.

Senders (:class:`Publisher`, :class:`Pusher`) stamp each event with the header of a client
request (``v`` 3, a fresh ``message_id``), so stock zerorpc Subscribers and Pullers take part.
Receivers (:class:`Subscriber`, :class:`Puller`) subscribe to everything, decode each event with
the function they are given and drop (with a rate-limited log line, never an exception) one that
is not msgpack, not an event, or does not match that function. Their ``run`` loop logs an
exception raised by the handler the same way and goes on with the next event. Any side binds or
connects.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

import msgpack  # type: ignore[import-untyped, unused-ignore]
import zmq
import zmq.asyncio

from ._protocol import (
    DEFAULT_MAX_MESSAGE_SIZE,
    ONEWAY_LINGER_MS,
    PROTOCOL_VERSION,
    Ids,
    _Drops,
    check_z85_key,
)
from .errors import ClientClosedError, DecodeError

__all__ = [
    "AsyncPublisher",
    "AsyncPuller",
    "AsyncPusher",
    "AsyncSubscriber",
    "Publisher",
    "Puller",
    "Pusher",
    "Subscriber",
]

T = TypeVar("T")
Decoder = Callable[[str, list[Any]], T]
"""Turns an event's name and arguments into a typed event, or raises :class:`DecodeError`."""

# How often a blocking receive loop looks at its stop flag.
_STOP_POLL_MS = 100


def _socket_options(
    socket: zmq.Socket[Any],
    endpoint: str,
    bind: bool,
    curve: tuple[str | None, str | None, str | None],
    max_message_size: int,
) -> None:
    """CURVE as the clients have it: ``curve_server_key`` makes this side the CURVE client
    (with its own key pair, else a fresh one); a key pair alone makes it the CURVE server."""
    server_key = check_z85_key("curve_server_key", curve[0])
    public_key = check_z85_key("curve_public_key", curve[1])
    secret_key = check_z85_key("curve_secret_key", curve[2])
    if (public_key is None) != (secret_key is None):
        raise ValueError("curve_public_key and curve_secret_key go together")
    socket.setsockopt(zmq.LINGER, 0)
    socket.setsockopt(zmq.MAXMSGSIZE, max_message_size)
    if server_key is not None:
        if public_key is None or secret_key is None:
            public_key, secret_key = zmq.curve_keypair()
        socket.setsockopt(zmq.CURVE_SERVERKEY, server_key)
        socket.setsockopt(zmq.CURVE_PUBLICKEY, public_key)
        socket.setsockopt(zmq.CURVE_SECRETKEY, secret_key)
    elif secret_key is not None:
        socket.setsockopt(zmq.CURVE_SERVER, 1)
        socket.setsockopt(zmq.CURVE_SECRETKEY, secret_key)
    if socket.socket_type == zmq.SUB:
        socket.setsockopt(zmq.SUBSCRIBE, b"")
    if bind:
        socket.bind(endpoint)
    else:
        socket.connect(endpoint)


class _Sender:
    """Encodes events; the socket type and the I/O are the subclasses'."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._ids = Ids()
        self._packer = msgpack.Packer(use_bin_type=True)

    def _encode(self, name: str, args: Sequence[Any]) -> bytes:
        header = {"message_id": self._ids.next(), "v": PROTOCOL_VERSION}
        event: bytes = self._packer.pack([header, name, list(args)])
        return event


class _SyncSender(_Sender):
    def __init__(
        self,
        kind: int,
        endpoint: str,
        bind: bool,
        curve: tuple[str | None, str | None, str | None],
        context: zmq.Context[zmq.Socket[bytes]] | None,
    ) -> None:
        super().__init__(endpoint)
        self._socket: zmq.Socket[bytes] = (context or zmq.Context.instance()).socket(
            kind
        )
        _socket_options(self._socket, endpoint, bind, curve, DEFAULT_MAX_MESSAGE_SIZE)
        self._sent = False

    def _send(self, name: str, args: Sequence[Any]) -> None:
        if self._socket.closed:
            raise ClientClosedError(f"the {self._kind} of {self.endpoint} is closed")
        self._socket.send(self._encode(name, args))
        self._sent = True

    @property
    def _kind(self) -> str:
        return type(self).__name__

    def close(self) -> None:
        """Closes the socket, flushing events still queued for at most half a second."""
        if not self._socket.closed:
            self._socket.close(linger=ONEWAY_LINGER_MS if self._sent else 0)

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_S = TypeVar("_S", bound=_SyncSender)


class Publisher(_SyncSender):
    """A PUB socket: every connected subscriber gets each event; one that falls behind by the
    high-water mark loses events instead of growing this process's memory."""

    def __init__(
        self,
        endpoint: str,
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        context: zmq.Context[zmq.Socket[bytes]] | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(zmq.PUB, endpoint, bind, curve, context)

    def publish(self, name: str, args: Sequence[Any]) -> None:
        """Sends event ``name``; never blocks (nobody subscribed means nobody gets it)."""
        self._send(name, args)


class Pusher(_SyncSender):
    """A PUSH socket: each event goes to one connected puller, round robin; blocks while no
    puller has room."""

    def __init__(
        self,
        endpoint: str,
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        context: zmq.Context[zmq.Socket[bytes]] | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(zmq.PUSH, endpoint, bind, curve, context)

    def push(self, name: str, args: Sequence[Any]) -> None:
        """Sends event ``name`` to one puller."""
        self._send(name, args)


class _Receiver(Generic[T]):
    """Decoding and the drop rule shared by the blocking and asyncio receivers."""

    def __init__(self, endpoint: str, decode: Decoder[T]) -> None:
        self.endpoint = endpoint
        self._decode = decode
        self._drops = _Drops()
        # The name of the last event decoded, for the log line of a failing handler.
        self._current = ""

    def _typed(self, frames: list[bytes]) -> T | None:
        if len(frames) != 1:
            self._drops.note(self.endpoint, f"{len(frames)} frames instead of 1")
            return None
        try:
            event = msgpack.unpackb(frames[0], raw=False, strict_map_key=False)
        except Exception as error:  # any undecodable input is dropped
            self._drops.note(self.endpoint, f"undecodable msgpack ({error})")
            return None
        if (
            not isinstance(event, list)
            or len(event) != 3
            or not isinstance(event[0], dict)
            or not isinstance(event[1], str)
            or not isinstance(event[2], list)
        ):
            self._drops.note(
                self.endpoint, "not a zerorpc event [header, name, [args]]"
            )
            return None
        self._current = event[1]
        try:
            return self._decode(event[1], event[2])
        except DecodeError as error:
            self._drops.note(self.endpoint, f"event {event[1]!r}: {error}")
            return None

    def _handler_failed(self, error: Exception) -> None:
        self._drops.note(
            self.endpoint,
            f"the handler of event {self._current!r} raised "
            f"{type(error).__name__}: {error}",
        )


class _SyncReceiver(_Receiver[T]):
    def __init__(
        self,
        kind: int,
        endpoint: str,
        decode: Decoder[T],
        bind: bool,
        curve: tuple[str | None, str | None, str | None],
        max_message_size: int,
        context: zmq.Context[zmq.Socket[bytes]] | None,
    ) -> None:
        super().__init__(endpoint, decode)
        self._socket: zmq.Socket[bytes] = (context or zmq.Context.instance()).socket(
            kind
        )
        _socket_options(self._socket, endpoint, bind, curve, max_message_size)
        self._socket.setsockopt(zmq.RCVTIMEO, _STOP_POLL_MS)
        self._stopped = threading.Event()

    def receive(self, timeout: float | None = None) -> T | None:
        """The next event that matches, or None after ``timeout`` seconds or once stopped."""
        remaining = None if timeout is None else max(0, round(timeout * 1000))
        while not self._stopped.is_set() and not self._socket.closed:
            try:
                frames = self._socket.recv_multipart()
            except zmq.Again:
                if remaining is not None:
                    remaining -= _STOP_POLL_MS
                    if remaining <= 0:
                        return None
                continue
            typed = self._typed(frames)
            if typed is not None:
                return typed
        return None

    def __iter__(self) -> Iterator[T]:
        """Events until :meth:`stop`."""
        while True:
            event = self.receive()
            if event is None:
                return
            yield event

    def run(self, handle: Callable[[T], object]) -> None:
        """Calls ``handle`` with each event until :meth:`stop`; an exception it raises is logged
        (rate-limited) and the loop goes on with the next event."""
        for event in self:
            try:
                handle(event)
            except Exception as error:  # the handler's failure must not end the loop
                self._handler_failed(error)

    def stop(self) -> None:
        """Ends :meth:`receive`, iteration and ``run`` within 0.1 s; safe from any thread."""
        self._stopped.set()

    def close(self) -> None:
        self.stop()
        if not self._socket.closed:
            self._socket.close()

    def __enter__(self: _R) -> _R:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_R = TypeVar("_R", bound="_SyncReceiver[Any]")


class Subscriber(_SyncReceiver[T]):
    """A SUB socket subscribed to every event."""

    def __init__(
        self,
        endpoint: str,
        decode: Decoder[T],
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        context: zmq.Context[zmq.Socket[bytes]] | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(
            zmq.SUB, endpoint, decode, bind, curve, max_message_size, context
        )


class Puller(_SyncReceiver[T]):
    """A PULL socket: gets its share of the events pushed to it."""

    def __init__(
        self,
        endpoint: str,
        decode: Decoder[T],
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        context: zmq.Context[zmq.Socket[bytes]] | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(
            zmq.PULL, endpoint, decode, bind, curve, max_message_size, context
        )


class _AsyncSender(_Sender):
    def __init__(
        self,
        kind: int,
        endpoint: str,
        bind: bool,
        curve: tuple[str | None, str | None, str | None],
        context: zmq.asyncio.Context | None,
    ) -> None:
        super().__init__(endpoint)
        self._socket = (context or zmq.asyncio.Context.instance()).socket(kind)
        _socket_options(self._socket, endpoint, bind, curve, DEFAULT_MAX_MESSAGE_SIZE)
        self._sent = False

    async def _send(self, name: str, args: Sequence[Any]) -> None:
        if self._socket.closed:
            raise ClientClosedError(
                f"the {type(self).__name__} of {self.endpoint} is closed"
            )
        await self._socket.send(self._encode(name, args))
        self._sent = True

    async def close(self) -> None:
        """Closes the socket, flushing events still queued for at most half a second."""
        if not self._socket.closed:
            self._socket.close(linger=ONEWAY_LINGER_MS if self._sent else 0)


class AsyncPublisher(_AsyncSender):
    """asyncio version of :class:`Publisher`."""

    def __init__(
        self,
        endpoint: str,
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(zmq.PUB, endpoint, bind, curve, context)

    async def publish(self, name: str, args: Sequence[Any]) -> None:
        await self._send(name, args)


class AsyncPusher(_AsyncSender):
    """asyncio version of :class:`Pusher`."""

    def __init__(
        self,
        endpoint: str,
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(zmq.PUSH, endpoint, bind, curve, context)

    async def push(self, name: str, args: Sequence[Any]) -> None:
        await self._send(name, args)


class _AsyncReceiver(_Receiver[T]):
    def __init__(
        self,
        kind: int,
        endpoint: str,
        decode: Decoder[T],
        bind: bool,
        curve: tuple[str | None, str | None, str | None],
        max_message_size: int,
        context: zmq.asyncio.Context | None,
    ) -> None:
        super().__init__(endpoint, decode)
        self._socket = (context or zmq.asyncio.Context.instance()).socket(kind)
        _socket_options(self._socket, endpoint, bind, curve, max_message_size)
        self._stopped = False

    async def receive(self) -> T | None:
        """The next event that matches, or None once stopped (wrap in ``asyncio.wait_for``
        for a timeout)."""
        while not self._stopped and not self._socket.closed:
            if not await self._socket.poll(timeout=_STOP_POLL_MS):
                continue
            typed = self._typed(await self._socket.recv_multipart())
            if typed is not None:
                return typed
        return None

    async def __aiter__(self) -> AsyncIterator[T]:
        """Events until :meth:`stop`."""
        while True:
            event = await self.receive()
            if event is None:
                return
            yield event

    async def run(self, handle: Callable[[T], Awaitable[object]]) -> None:
        """Awaits ``handle`` with each event until :meth:`stop`; an exception it raises is
        logged (rate-limited) and the loop goes on with the next event."""
        async for event in self:
            try:
                await handle(event)
            except Exception as error:  # the handler's failure must not end the loop
                self._handler_failed(error)

    def stop(self) -> None:
        """Ends :meth:`receive`, iteration and ``run`` within 0.1 s."""
        self._stopped = True

    async def close(self) -> None:
        self.stop()
        if not self._socket.closed:
            self._socket.close()


class AsyncSubscriber(_AsyncReceiver[T]):
    """asyncio version of :class:`Subscriber`."""

    def __init__(
        self,
        endpoint: str,
        decode: Decoder[T],
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(
            zmq.SUB, endpoint, decode, bind, curve, max_message_size, context
        )


class AsyncPuller(_AsyncReceiver[T]):
    """asyncio version of :class:`Puller`."""

    def __init__(
        self,
        endpoint: str,
        decode: Decoder[T],
        *,
        bind: bool = False,
        curve_server_key: str | None = None,
        curve_public_key: str | None = None,
        curve_secret_key: str | None = None,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        context: zmq.asyncio.Context | None = None,
    ) -> None:
        curve = (curve_server_key, curve_public_key, curve_secret_key)
        super().__init__(
            zmq.PULL, endpoint, decode, bind, curve, max_message_size, context
        )
