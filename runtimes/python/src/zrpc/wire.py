"""Checked conversions of decoded msgpack values, used by generated code to decode results.

Each ``expect_*`` returns its argument with a precise type or raises :class:`DecodeError`; the
connection adds the method name to the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Callable

from .errors import DecodeError, RemoteError

__all__ = [
    "ErrorFactory",
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

ErrorFactory = Callable[[str, "str | None", Any], RemoteError]
"""Builds a typed error from ``(message, traceback, fields)``."""


class decoding:  # noqa: N801 - used as a function: `with zrpc.decoding("add"):`
    """Reports a :class:`DecodeError` raised in the block as one naming ``method``.

    A class rather than a ``contextlib.contextmanager``: every call's result goes through it,
    and a generator-based context manager costs several times more per use.
    """

    __slots__ = ("_method",)

    def __init__(self, method: str) -> None:
        self._method = method

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(error, DecodeError):
            raise DecodeError(f"{self._method}: {error}") from None


def expect_args(args: list[Any], count: int) -> list[Any]:
    """An event's arguments, which must be exactly ``count``."""
    if len(args) == count:
        return args
    raise DecodeError(f"expected {count} argument(s), got {len(args)}")


def expect_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _mismatch("a bool", value)


def expect_int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _mismatch("an integer", value)


def expect_float(value: object) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise _mismatch("a float", value)


def expect_str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise _mismatch("a string", value)


def expect_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    # Peers that cannot emit msgpack bin (PHP) send bytes as str.
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    raise _mismatch("bytes", value)


def expect_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    raise _mismatch("a list", value)


def expect_map(value: object) -> dict[Any, Any]:
    if isinstance(value, dict):
        return value
    # PHP packs an empty map as an empty array.
    if isinstance(value, list) and not value:
        return {}
    raise _mismatch("a map", value)


def expect_fields(value: object, owner: str, names: tuple[str, ...]) -> dict[Any, Any]:
    """The fields of a struct or error: a map by field name, or (as rmp-serde's compact
    encoding sends them) an array in declaration order."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        if len(value) > len(names):
            raise DecodeError(f"{owner}: {len(value)} values for {len(names)} fields")
        return dict(zip(names, value))
    raise _mismatch(f"a {owner} map", value)


def expect_field(fields: Mapping[Any, Any], name: str, owner: str) -> Any:
    """The value of a required struct field."""
    try:
        return fields[name]
    except KeyError:
        raise DecodeError(f"{owner}: missing required field {name!r}") from None


def expect_variant(value: object, owner: str) -> tuple[str, Any]:
    """The ``(variant, value)`` of a union, which travels as a one-entry map."""
    entries = expect_map(value)
    if len(entries) != 1:
        raise DecodeError(
            f"{owner}: expected a one-entry map, got {len(entries)} entries"
        )
    ((tag, inner),) = entries.items()
    return expect_str(tag), inner


def _mismatch(expected: str, value: object) -> DecodeError:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return DecodeError(f"expected {expected}, got {type(value).__name__} {shown}")
