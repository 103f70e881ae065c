"""zrpc: the client runtime of zerorpc protocol v3 (docs/protocol.md) for Python.

Generated client packages import it; it also makes raw calls by method name.
"""

from .aio import AsyncConnection
from .client import Connection
from .errors import (
    ClientClosedError,
    DecodeError,
    LostRemoteError,
    ProtocolError,
    RemoteError,
    TimeoutExpired,
    UnknownMethodError,
    UnreachableError,
    ZrpcError,
)
from .events import (
    AsyncPublisher,
    AsyncPuller,
    AsyncPusher,
    AsyncSubscriber,
    Publisher,
    Puller,
    Pusher,
    Subscriber,
)
from .wire import (
    ErrorFactory,
    decoding,
    expect_args,
    expect_bool,
    expect_bytes,
    expect_field,
    expect_fields,
    expect_float,
    expect_int,
    expect_list,
    expect_map,
    expect_str,
    expect_variant,
)

__all__ = [
    "AsyncConnection",
    "AsyncPublisher",
    "AsyncPuller",
    "AsyncPusher",
    "AsyncSubscriber",
    "ClientClosedError",
    "Connection",
    "DecodeError",
    "ErrorFactory",
    "LostRemoteError",
    "ProtocolError",
    "Publisher",
    "Puller",
    "Pusher",
    "RemoteError",
    "Subscriber",
    "TimeoutExpired",
    "UnknownMethodError",
    "UnreachableError",
    "ZrpcError",
    "decoding",
    "expect_args",
    "expect_bool",
    "expect_bytes",
    "expect_field",
    "expect_fields",
    "expect_float",
    "expect_int",
    "expect_list",
    "expect_map",
    "expect_str",
    "expect_variant",
]

__version__ = "0.1.0"
