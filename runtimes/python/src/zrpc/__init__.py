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
from .wire import (
    ErrorFactory,
    decoding,
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
    "ClientClosedError",
    "Connection",
    "DecodeError",
    "ErrorFactory",
    "LostRemoteError",
    "ProtocolError",
    "RemoteError",
    "TimeoutExpired",
    "UnknownMethodError",
    "UnreachableError",
    "ZrpcError",
    "decoding",
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
