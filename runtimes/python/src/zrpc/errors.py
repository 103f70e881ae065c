"""The errors a zrpc client raises: one class per kind of docs/protocol.md, section 7."""

from __future__ import annotations

__all__ = [
    "ClientClosedError",
    "DecodeError",
    "LostRemoteError",
    "ProtocolError",
    "RemoteError",
    "TimeoutExpired",
    "UnknownMethodError",
    "UnreachableError",
    "ZrpcError",
]


class ZrpcError(Exception):
    """Base class of every error a zrpc client raises."""


class RemoteError(ZrpcError):
    """The server answered ``ERR [name, message, traceback]``.

    Generated code raises a subclass for each error an IDL method declares.
    """

    def __init__(
        self, name: str, message: str = "", traceback: str | None = None
    ) -> None:
        super().__init__(f"{name}: {message}" if message else name)
        self.name = name
        self.message = message
        self.traceback = traceback


class UnknownMethodError(RemoteError):
    """The server does not implement the called method (``NameError`` on the wire)."""


class TimeoutExpired(ZrpcError, TimeoutError):  # noqa: N818 - zerorpc's name
    """Connected, but no first reply arrived within the call's timeout."""


class LostRemoteError(ZrpcError, ConnectionError):
    """The server stopped heartbeating during the call (it died or hangs)."""


class UnreachableError(ZrpcError, ConnectionError):
    """No connection completed before the call's deadline.

    Nothing listens, the peer is not a ZeroMQ peer, or the CURVE handshake was refused (libzmq
    gives the client no error for a refused handshake: the connection just never completes).
    """


class ProtocolError(ZrpcError):
    """The server sent something the protocol does not allow."""


class DecodeError(ProtocolError, ValueError):
    """A value from the server does not have the type the schema declares."""


class ClientClosedError(ZrpcError):
    """The client was closed before or during the call."""
